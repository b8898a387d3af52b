package org.delta4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A machine record tells CPUs apart, names their vector extensions, and classifies the BLAS a process mapped. */
class MachineTest {
  private static Machine machine(String cpuJson, String blasJson) throws IOException {
    return Machine.fromJson(new ObjectMapper().readTree(BenchmarksReportTest.machine(cpuJson, blasJson)));
  }

  @Test
  void readsTheFirstProcessorOfProcCpuinfo() {
    Map<String, String> cpu = Machine.parseCpuinfo("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
        + "model\t\t: 1\nmodel name\t: AMD EPYC 7B13\nstepping\t: 1\nflags\t\t: fpu sse2 avx avx2 fma\n\n"
        + "processor\t: 1\nmodel name\t: something else\n");
    assertEquals("AMD EPYC 7B13", cpu.get("model name"));
    assertEquals("fpu sse2 avx avx2 fma", cpu.get("flags"));
    Machine m = new Machine(cpu, 2, List.of(), Map.of());
    assertEquals(List.of("avx", "avx2", "fma", "sse2"), m.vectorExtensions());
    assertEquals("AVX2", m.widestVectors());
    assertEquals("AMD EPYC 7B13, AVX2, 2 cores", m.summary());
  }

  @Test
  void aRunHeldToNarrowerVectorsIsAnotherMachine() throws IOException {
    Machine full = machine(BenchmarksReportTest.SAPPHIRE, "");
    Machine held = new Machine(full.cpuinfo(), 2, List.of(), Map.of(Machine.VECTORS_HELD_TO, "AVX2"));
    assertEquals("AVX2", held.widestVectors());
    assertEquals("AVX-512", held.cpuWidestVectors());
    assertTrue(held.heldToNarrowerVectors());
    assertFalse(full.heldToNarrowerVectors());
    assertEquals("Intel(R) Xeon(R) Platinum 8481C, AVX-512 held to AVX2, 2 cores", held.summary());
    assertNotEquals(full.fingerprint(), held.fingerprint());
    assertTrue(held.fingerprint().endsWith(" held to AVX2"), held.fingerprint());
    // OpenBLAS's AVX2 kernels are the right ones for a run held to AVX2, and too narrow for the CPU unheld
    assertFalse(new OpenBlasCore("Zen").narrowerThan(held));
    assertTrue(new OpenBlasCore("Zen").narrowerThan(full));
    // holding to vectors as wide as the CPU's, or wider, or unknown ones, changes nothing
    for (String cap : new String[] {"AVX-512", "AMX", ""}) {
      Machine same = new Machine(full.cpuinfo(), 2, List.of(), Map.of(Machine.VECTORS_HELD_TO, cap));
      assertEquals(full.fingerprint(), same.fingerprint(), cap);
    }
    Machine zen = machine(BenchmarksReportTest.ZEN3, "");
    assertEquals(zen.fingerprint(),
        new Machine(zen.cpuinfo(), 2, List.of(), Map.of(Machine.VECTORS_HELD_TO, "AVX2")).fingerprint());
  }

  @Test
  void differentCpusHaveDifferentFingerprints() throws IOException {
    Machine zen = machine(BenchmarksReportTest.ZEN3, "");
    Machine spr = machine(BenchmarksReportTest.SAPPHIRE, "");
    assertEquals("AVX-512", spr.widestVectors());
    assertNotEquals(zen.fingerprint(), spr.fingerprint());
    assertEquals(zen.fingerprint(), machine(BenchmarksReportTest.ZEN3, BenchmarksReportTest.OPENBLAS).fingerprint());
    assertEquals("unknown", Machine.unknown().fingerprint());
    assertEquals(zen, Machine.fromJson(zen.toJson()));
  }

  @Test
  void classifiesTheBlasAProcessMapped() throws IOException {
    assertTrue(Blas.of("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", "", "").reference());
    assertTrue(Blas.of("/usr/lib64/libblas.so.3", "", "").reference());
    assertEquals(Blas.Kind.OPENBLAS, Blas.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", "", "").kind());
    assertEquals(Blas.Kind.OPENBLAS, Blas.of("/x/libopenblas_nolapack.so.0", "OpenBLAS 0.3.19", "Zen").kind());
    assertEquals(Blas.Kind.MKL, Blas.of("/opt/intel/lib/libmkl_rt.so.2", "", "").kind());
    assertEquals(Blas.Kind.BLIS, Blas.of("/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3", "", "").kind());
    assertFalse(Blas.NONE.optimized());
    assertFalse(Blas.NONE.reference());
    // Both the reference library's name and OpenBLAS mapped: the optimized one runs.
    assertTrue(machine(BenchmarksReportTest.ZEN3, BenchmarksReportTest.REFERENCE + "," + BenchmarksReportTest.OPENBLAS)
        .effectiveBlas().optimized());
    assertTrue(machine(BenchmarksReportTest.ZEN3, BenchmarksReportTest.REFERENCE).effectiveBlas().reference());
    assertEquals(List.of("/a/libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"),
        Machine.blasLibraries(List.of("/usr/lib/libc.so.6", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3",
            "/a/libopenblas.so.0", "/a/libjniopenblas.so", "/usr/lib/liblapack.so.3")));
  }
}
