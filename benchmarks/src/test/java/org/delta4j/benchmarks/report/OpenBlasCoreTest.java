package org.delta4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.delta4j.benchmarks.report.OpenBlasCore.Vectors;
import org.junit.jupiter.api.Test;

/** OpenBLAS's kernels are judged by the widest vectors they use against the CPU's own widest. */
class OpenBlasCoreTest {
  static final String AVX512 = "fpu sse sse2 pni ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512cd "
      + "avx512bw avx512vl avx512_bf16 avx512_fp16";
  static final String AVX2 = "fpu sse sse2 pni ssse3 fma sse4_1 sse4_2 avx f16c avx2";

  @Test
  void coreNamesAreClassedByTheirWidestVectors() {
    assertEquals(Optional.of(Vectors.AVX512), new OpenBlasCore("SkylakeX").vectors());
    assertEquals(Optional.of(Vectors.AVX512), new OpenBlasCore("Cooperlake").vectors());
    assertEquals(Optional.of(Vectors.AVX2), new OpenBlasCore("Haswell").vectors());
    assertEquals(Optional.of(Vectors.AVX2), new OpenBlasCore("zen").vectors());
    assertEquals(Optional.of(Vectors.AVX), new OpenBlasCore("Sandybridge").vectors());
    assertEquals(Optional.of(Vectors.SSE), new OpenBlasCore("Prescott").vectors());
    assertEquals(Optional.empty(), new OpenBlasCore("NEOVERSEN1").vectors());
    assertEquals(Optional.empty(), new OpenBlasCore("").vectors());
  }

  @Test
  void theCpusWidestVectorsComeFromItsFlags() {
    assertEquals(Optional.of(Vectors.AVX512), OpenBlasCore.cpuVectors(AVX512));
    assertEquals(Optional.of(Vectors.AVX2), OpenBlasCore.cpuVectors(AVX2));
    // AVX-512 without BW and VL (Knights Landing) cannot run the SkylakeX kernels; its AVX2 ones it can.
    assertEquals(Optional.of(Vectors.AVX2), OpenBlasCore.cpuVectors(AVX2 + " avx512f avx512cd"));
    assertEquals(Optional.of(Vectors.SSE), OpenBlasCore.cpuVectors("fpu sse sse2"));
    assertEquals(Optional.empty(), OpenBlasCore.cpuVectors("asimd sve"));
    assertEquals(Optional.of(Vectors.AVX), OpenBlasCore.cpuVectors(" sse2 avx avx "), "a repeated flag is one flag");
  }

  @Test
  void aFallbackToNarrowerKernelsIsCaughtAndExplained() {
    OpenBlasCore prescott = new OpenBlasCore("Prescott");
    assertTrue(prescott.narrowerThan(AVX512));
    assertTrue(prescott.narrowerThan(AVX2));
    assertTrue(new OpenBlasCore("Haswell").narrowerThan(AVX512));
    assertFalse(new OpenBlasCore("SkylakeX").narrowerThan(AVX512));
    assertFalse(new OpenBlasCore("Zen").narrowerThan(AVX2));
    assertFalse(new OpenBlasCore("SkylakeX").narrowerThan(AVX2), "wider than the CPU is not this check's concern");
    assertFalse(new OpenBlasCore("NEOVERSEN1").narrowerThan("asimd"), "an unknown core is given the benefit");
    assertEquals("OpenBLAS chose the Prescott kernels (SSE) on a CPU with AVX-512, which its build does not recognise, "
        + "so its gemm runs well below the machine; set OPENBLAS_CORETYPE (bin/openblas-coretype prints the value for "
        + "this CPU; bin/delta4j sets it) before the process starts", prescott.advice(AVX512));
  }

  @Test
  void aBlasIsTunedForTheCpuOnlyWhenItsKernelsUseTheCpusVectors() {
    String lib = "/root/.javacpp/cache/x/libopenblas_nolapack.so.0";
    assertFalse(Blas.of(lib, "OpenBLAS 0.3.19 DYNAMIC_ARCH Prescott", "Prescott").tunedFor(AVX512));
    assertTrue(Blas.of(lib, "OpenBLAS 0.3.19 DYNAMIC_ARCH Prescott", "SkylakeX").tunedFor(AVX512));
    assertTrue(Blas.of("/opt/intel/mkl/lib/libmkl_rt.so", "", "").tunedFor(AVX512));
    assertFalse(Blas.of("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", "", "").tunedFor(AVX2));
  }
}
