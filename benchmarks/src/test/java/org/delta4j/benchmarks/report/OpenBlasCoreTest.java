package org.delta4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** OpenBLAS's kernels are judged by the widest vectors they use against the CPU's own widest. */
class OpenBlasCoreTest {
  static final String AVX512 = "fpu sse sse2 pni ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512cd "
      + "avx512bw avx512vl avx512_bf16 avx512_fp16";
  static final String AVX2 = "fpu sse sse2 pni ssse3 fma sse4_1 sse4_2 avx f16c avx2";

  private static Machine cpu(String flags) {
    return new Machine(Map.of("flags", flags), 2, List.of(), Map.of());
  }

  @Test
  void coreNamesAreClassedByTheirWidestVectorsAsTheMachineNamesACpus() {
    assertEquals(Optional.of("AVX-512"), new OpenBlasCore("SkylakeX").vectors());
    assertEquals(Optional.of("AVX-512"), new OpenBlasCore("Cooperlake").vectors());
    assertEquals(Optional.of("AVX2"), new OpenBlasCore("Haswell").vectors());
    assertEquals(Optional.of("AVX2"), new OpenBlasCore("zen").vectors());
    assertEquals(Optional.of("AVX"), new OpenBlasCore("Sandybridge").vectors());
    assertEquals(Optional.of("SSE2"), new OpenBlasCore("Prescott").vectors());
    assertEquals(Optional.empty(), new OpenBlasCore("NEOVERSEN1").vectors());
    assertEquals(Optional.empty(), new OpenBlasCore("").vectors());
    // the names the kernels are classed by are the ones Machine gives a CPU
    assertEquals(new OpenBlasCore("SkylakeX").vectors().orElseThrow(), cpu(AVX512).widestVectors());
    assertEquals(new OpenBlasCore("Haswell").vectors().orElseThrow(), cpu(AVX2).widestVectors());
    assertEquals(new OpenBlasCore("Prescott").vectors().orElseThrow(), cpu("fpu sse sse2 pni").widestVectors());
  }

  @Test
  void aFallbackToNarrowerKernelsIsCaughtAndExplained() {
    OpenBlasCore prescott = new OpenBlasCore("Prescott");
    assertTrue(prescott.narrowerThan(cpu(AVX512)));
    assertTrue(prescott.narrowerThan(cpu(AVX2)));
    assertTrue(new OpenBlasCore("Haswell").narrowerThan(cpu(AVX512)));
    assertFalse(new OpenBlasCore("SkylakeX").narrowerThan(cpu(AVX512)));
    assertFalse(new OpenBlasCore("Zen").narrowerThan(cpu(AVX2)));
    assertFalse(new OpenBlasCore("SkylakeX").narrowerThan(cpu(AVX2)), "wider than the CPU: not the concern");
    assertFalse(new OpenBlasCore("NEOVERSEN1").narrowerThan(cpu("asimd")), "an unknown core is given the benefit");
    assertFalse(prescott.narrowerThan(Machine.unknown()), "nor is an unrecorded CPU judged");
    assertEquals("OpenBLAS chose the Prescott kernels (SSE2) on a CPU with AVX-512, which its build does not "
        + "recognise, so its gemm runs well below the machine; set OPENBLAS_CORETYPE (bin/openblas-coretype prints "
        + "the value for this CPU; bin/delta4j sets it) before the process starts", prescott.advice(cpu(AVX512)));
  }

  @Test
  void aBlasIsTunedForTheCpuOnlyWhenItsKernelsUseTheCpusVectors() {
    String lib = "/root/.javacpp/cache/x/libopenblas_nolapack.so.0";
    assertFalse(Blas.of(lib, "OpenBLAS 0.3.19 DYNAMIC_ARCH Prescott", "Prescott").tunedFor(cpu(AVX512)));
    assertTrue(Blas.of(lib, "OpenBLAS 0.3.19 DYNAMIC_ARCH Prescott", "SkylakeX").tunedFor(cpu(AVX512)));
    assertTrue(Blas.of("/opt/intel/mkl/lib/libmkl_rt.so", "", "").tunedFor(cpu(AVX512)));
    assertFalse(Blas.of("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", "", "").tunedFor(cpu(AVX2)));
  }
}
