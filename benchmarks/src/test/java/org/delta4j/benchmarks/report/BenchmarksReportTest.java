package org.delta4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report computes its ratios, verdicts and shares of peak from the result files; writes no verdict against a peer
 * on the reference BLAS or one whose BLAS is not recorded; and leaves out results measured on another CPU.
 */
class BenchmarksReportTest {
  static final String ZEN3 = "{\"vendor_id\":\"AuthenticAMD\",\"cpu family\":\"25\",\"model\":\"1\",\"stepping\":\"1\","
      + "\"model name\":\"AMD EPYC 7B13\",\"flags\":\"fpu sse sse2 pni ssse3 fma sse4_1 sse4_2 avx f16c avx2\"}";
  static final String SAPPHIRE = "{\"vendor_id\":\"GenuineIntel\",\"cpu family\":\"6\",\"model\":\"143\","
      + "\"stepping\":\"8\",\"model name\":\"Intel(R) Xeon(R) Platinum 8481C\","
      + "\"flags\":\"fpu sse sse2 pni ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512bw amx_tile\"}";
  static final String OPENBLAS = "{\"library\":\"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\","
      + "\"config\":\"OpenBLAS 0.3.21 DYNAMIC_ARCH Zen\",\"core\":\"Zen\"}";
  static final String OPENBLAS_SKYLAKEX = "{\"library\":\"/root/.javacpp/cache/x/libopenblas_nolapack.so.0\","
      + "\"config\":\"OpenBLAS 0.3.19\",\"core\":\"SkylakeX\"}";
  static final String REFERENCE = "{\"library\":\"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0\",\"config\":\"\","
      + "\"core\":\"\"}";

  private Path results;
  private Path out;

  private static String jmh(String benchmark, String params, double score, String unit) {
    return "{\"benchmark\":\"org.delta4j.benchmarks." + benchmark + "\",\"mode\":\"thrpt\",\"params\":{" + params
        + "},\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":0.1,\"scoreUnit\":\"" + unit + "\"},"
        + "\"secondaryMetrics\":{}}";
  }

  /**
   * A result with its measured iterations (one fork), each with the cache line between the cores the placement
   * profiler recorded before and after it, in ns; the score is their mean, as JMH's.
   */
  private static String placed(String benchmark, String params, double[] scores, double[] lineNanos) {
    String raw = java.util.Arrays.toString(scores);
    String lines = java.util.Arrays.toString(lineNanos);
    String metric = "{\"score\":1,\"scoreUnit\":\"ns\",\"rawData\":[" + lines + "]}";
    return "{\"benchmark\":\"org.delta4j.benchmarks." + benchmark + "\",\"mode\":\"thrpt\",\"params\":{" + params
        + "},\"primaryMetric\":{\"score\":" + java.util.Arrays.stream(scores).average().orElseThrow()
        + ",\"scoreError\":0.1,\"scoreUnit\":\"ops/s\",\"rawData\":[" + raw + "]},\"secondaryMetrics\":{"
        + "\"cores.cacheLine.before\":" + metric + ",\"cores.cacheLine.after\":" + metric + "}}";
  }

  /** Replaces the results of {@code benchmark} with {@code params} in jmh-delta4j.json by {@code replacement}. */
  private void replaceResult(String benchmark, String params, String replacement) throws IOException {
    Path f = results.resolve("jmh-delta4j.json");
    String old = jmh(benchmark, params, 0, "").replaceFirst("\"score\":0\\.0.*", "");
    String json = Files.readString(f);
    int start = json.indexOf(old);
    assertTrue(start >= 0, benchmark + " " + params + " in " + json);
    int end = json.indexOf("\"secondaryMetrics\":{}}", start) + "\"secondaryMetrics\":{}}".length();
    Files.writeString(f, json.substring(0, start) + replacement + json.substring(end));
  }

  static String machine(String cpu, String blas) {
    return "{\"cpuinfo\":" + cpu + ",\"cores\":2,\"blas\":[" + blas + "],\"settings\":{\"JVM vector width\":"
        + "\"256 bits\"}}";
  }

  @BeforeEach
  void results(@TempDir Path dir) throws IOException {
    results = dir.resolve("results");
    out = dir.resolve("BENCHMARKS.md");
    Files.createDirectories(results);
    // ref sgemm 1024: 50 ops/s = 107.4 GFLOP/s; raw ND4J: 100 ops/s = 214.7 GFLOP/s → ratio 0.50, target 0.8.
    // FMA peak: 100,000 ops/s × 1,572,864 FLOP = 157.3 GFLOP/s FLOAT32, 50,000 ops/s = 78.6 GFLOP/s FLOAT64.
    Files.writeString(results.resolve("jmh-delta4j.json"), "["
        + jmh("GemmBenchmark.gemm", "\"engine\":\"ref\",\"dtype\":\"FLOAT32\",\"shape\":\"1024\"", 50, "ops/s") + ","
        + jmh("GemmBenchmark.gemm", "\"engine\":\"nd4j-raw\",\"dtype\":\"FLOAT32\",\"shape\":\"1024\"", 100, "ops/s")
        + ","
        + jmh("FmaPeakBenchmark.float32", "", 100_000, "ops/s") + ","
        + jmh("FmaPeakBenchmark.float64", "", 50_000, "ops/s") + ","
        + jmh("TrainingStepBenchmark.trainStep", "\"engine\":\"ref\"", 500, "ops/s") + ","
        + jmh("TrainingStepBenchmark.trainStep", "\"engine\":\"nd4j\"", 600, "ops/s") + ","
        + jmh("AutodiffBenchmark.trainStep", "\"engine\":\"ref\",\"layers\":\"hand-written\"", 200, "ops/s") + ","
        + jmh("AutodiffBenchmark.trainStep", "\"engine\":\"ref\",\"layers\":\"autodiff\"", 180, "ops/s") + ","
        + jmh("InferenceBenchmark.batch1Latency", "\"engine\":\"ref\"", 12, "us/op") + ","
        + jmh("InferenceBenchmark.batch1Latency", "\"engine\":\"nd4j\"", 90, "us/op") + ","
        + jmh("Nd4jInferenceBenchmark.batch1Latency", "", 75, "us/op") + ","
        + jmh("Nd4jInferenceBenchmark.oneCall", "", 9, "us/op") + "]");
    Files.writeString(results.resolve("jmh-delta4j.machine.json"), machine(ZEN3,
        "{\"library\":\"/root/.javacpp/cache/x/libopenblas_nolapack.so.0\",\"config\":\"OpenBLAS 0.3.19\","
            + "\"core\":\"Zen\"}"));
  }

  /** PyTorch PASSIVE: 64,000 samples/s, 30 µs at batch 1, on the given CPU and BLAS. */
  private void torch(String cpu, String blas) throws IOException {
    Files.writeString(results.resolve("pytorch-passive.json"), "{\"train_samples_per_s\": 64000, "
        + "\"train_steps_per_s\": 500, \"batch1_latency_us\": 30, \"torch\": \"1.13\", \"threads\": 2, \"machine\": "
        + machine(cpu, blas) + "}");
  }

  private String report() throws IOException {
    BenchmarksReport.write(results, out);
    return Files.readString(out);
  }

  /** A target missed by less than its rounding says by how much, and its measured value does not read as the limit. */
  @Test
  void aTargetMissedByLessThanItsRoundingShowsTheDigitThatMissesIt() {
    assertEquals("**missed** by 0.7 %", BenchmarksReport.verdict(59.6, 60, true));
    assertEquals("**missed** by 2 %", BenchmarksReport.verdict(58.8, 60, true));
    assertEquals("59.6 %", BenchmarksReport.measuredCell(59.6, 60, true, true));
    assertEquals("59 %", BenchmarksReport.measuredCell(59.4, 60, true, true));
    assertEquals("60 %", BenchmarksReport.measuredCell(60.2, 60, true, false));
    assertEquals("0.7996", BenchmarksReport.measuredCell(0.79961, 0.8, false, true));
    assertEquals("0.790", BenchmarksReport.measuredCell(0.79, 0.8, false, true));
    assertEquals("1,024.4", BenchmarksReport.measuredCell(1024.4, 1024, false, true)); // bytes a step, at most 1,024
  }

  @Test
  void aLimitExceededTenfoldIsMissedBySoManyTimesTheLimit() {
    assertEquals("met", BenchmarksReport.verdict(4096, 4096, false));
    assertEquals("**missed** by 50 %", BenchmarksReport.verdict(6144, 4096, false));
    assertEquals("**missed** by 900 %", BenchmarksReport.verdict(40_959, 4096, false));
    assertEquals("**missed**: 10× the limit", BenchmarksReport.verdict(40_960, 4096, false));
    // a CNN step that boxed its vectors: 8,859,011,605 bytes against 4,096
    assertEquals("**missed**: 2,162,845× the limit", BenchmarksReport.verdict(8_859_011_605.0, 4096, false));
    assertEquals("**missed** by 99 %", BenchmarksReport.verdict(0.01, 1, true)); // at-least targets stay percentages
  }

  @Test
  void ratiosAndVerdictsComeFromTheResults() throws IOException {
    torch(ZEN3, OPENBLAS);
    String md = report();
    assertTrue(md.contains("| reference engine gemm FLOAT32 n=1024 ÷ raw ND4J gemm | 0.500 | ≥ 0.800 | "
        + "**missed** by 38 % |"), md);
    // nd4j: 600 steps/s × 128 = 76,800 samples/s → 1.20× PyTorch's 64,000.
    assertTrue(md.contains("| nd4j engine training step ÷ PyTorch (PASSIVE) | 1.20 | ≥ 1.00 | met |"), md);
    // The tape's MLP: 180 steps/s against the hand-written layers' 200 → 0.90×, target 0.85.
    assertTrue(md.contains("| reference engine training step, layers written with autodiff ÷ hand-written | 0.900 | "
        + "≥ 0.850 | met |"), md);
    // Batch-1 latency against PyTorch's 30 µs: ref 0.40× (met); nd4j 3.00×, raw ND4J alone 2.50×, four calls 1.20×.
    assertTrue(md.contains("| ref inference latency at batch 1 ÷ PyTorch (PASSIVE) | 0.400 | ≤ 0.500 | met |"), md);
    assertTrue(md.contains("| nd4j inference latency at batch 1 ÷ PyTorch (PASSIVE) | 3.00 | ≤ 1.00 | "
        + "**missed** by 200 %; raw ND4J alone is 2.50× PyTorch, and four of its cheapest calls 1.20×: a limit of "
        + "the library |"), md);
    assertTrue(md.contains("| raw ND4J, one call per step | 75.0 | – |"), md);
    assertTrue(md.contains("| nd4j engine gemm FLOAT32 128x784x256 ÷ raw ND4J gemm | – | ≥ 0.950 | not measured |"),
        md);
    assertTrue(md.contains("| CPU | AMD EPYC 7B13 (family 25, model 1) |"), md);
    assertTrue(md.contains("| vector extensions | AVX2: avx avx2 f16c fma sse sse2 sse3 sse4_1 sse4_2 ssse3 |"), md);
    assertTrue(md.contains("| cores used | 2 "), md);
    assertTrue(md.contains("## Targets, on AMD EPYC 7B13, AVX2, 2 cores"), md);
    assertTrue(md.contains("| PyTorch PASSIVE | OpenBLAS 0.3.21 DYNAMIC_ARCH Zen, core type Zen "
        + "(`/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3`) |"), md);
    assertTrue(Files.size(out.getParent().resolve("benchmarks/results/training-step.png")) > 1000);
    assertTrue(Files.size(out.getParent().resolve("benchmarks/results/gemm.png")) > 1000);
  }

  @Test
  void noVerdictAgainstAPeerOnTheReferenceBlas() throws IOException {
    torch(ZEN3, REFERENCE);
    String md = report();
    assertTrue(md.contains("| nd4j engine training step ÷ PyTorch (PASSIVE) | 1.20 | ≥ 1.00 | no verdict: PyTorch ran "
        + "on the reference BLAS (`/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0`)"), md);
    assertTrue(md.contains("| ref inference latency at batch 1 ÷ PyTorch (PASSIVE) | 0.400 | ≤ 0.500 | no verdict"),
        md);
    // Targets against raw ND4J, on OpenBLAS, keep theirs.
    assertTrue(md.contains("| reference engine gemm FLOAT32 n=1024 ÷ raw ND4J gemm | 0.500 | ≥ 0.800 | **missed**"),
        md);
  }

  @Test
  void noVerdictAgainstAPeerOnOpenBlasKernelsNarrowerThanTheCpu() throws IOException {
    // An Emerald Rapids Xeon (AVX-512) that OpenBLAS 0.3.19 does not know: it falls back to Prescott's SSE3 kernels.
    String emerald = "{\"vendor_id\":\"GenuineIntel\",\"cpu family\":\"6\",\"model\":\"207\",\"stepping\":\"2\","
        + "\"model name\":\"Intel(R) Xeon(R) Processor\",\"flags\":\"" + OpenBlasCoreTest.AVX512 + "\"}";
    Files.writeString(results.resolve("jmh-delta4j.machine.json"), machine(emerald,
        "{\"library\":\"/root/.javacpp/cache/x/libopenblas_nolapack.so.0\",\"config\":\"OpenBLAS 0.3.19\","
            + "\"core\":\"Prescott\"}"));
    torch(emerald, "{\"library\":\"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\","
        + "\"config\":\"OpenBLAS 0.3.21\",\"core\":\"SkylakeX\"}");
    String md = report();
    assertTrue(md.contains("| reference engine gemm FLOAT32 n=1024 ÷ raw ND4J gemm | 0.500 | ≥ 0.800 | no verdict: raw "
        + "ND4J's OpenBLAS chose the Prescott kernels (SSE2) on a CPU with AVX-512"), md);
    // PyTorch's OpenBLAS was told its kernels (OPENBLAS_CORETYPE): its targets keep their verdicts.
    assertTrue(md.contains("| nd4j engine training step ÷ PyTorch (PASSIVE) | 1.20 | ≥ 1.00 | met |"), md);
  }

  @Test
  void noVerdictAgainstAPeerWhoseBlasWasNotRecorded() throws IOException {
    Files.writeString(results.resolve("pytorch-passive.json"), "{\"train_samples_per_s\": 64000, "
        + "\"train_steps_per_s\": 500, \"machine\": " + machine(ZEN3, "") + "}");
    String md = report();
    assertTrue(md.contains("| nd4j engine training step ÷ PyTorch (PASSIVE) | 1.20 | ≥ 1.00 | no verdict: the BLAS "
        + "PyTorch ran on was not recorded"), md);
  }

  @Test
  void resultsFromAnotherCpuAreLeftOutAndNamed() throws IOException {
    torch(SAPPHIRE, OPENBLAS);
    String md = report();
    assertTrue(md.contains("**Left out, measured on another CPU"), md);
    assertTrue(md.contains("- PyTorch PASSIVE (`pytorch-passive.json`): Intel(R) Xeon(R) Platinum 8481C"), md);
    // None of its figures appears: the targets against it are not measured, its rows are empty.
    assertTrue(md.contains("| nd4j engine training step ÷ PyTorch (PASSIVE) | – | ≥ 1.00 | not measured |"), md);
    assertTrue(md.contains("| PyTorch PASSIVE | – | – | – |"), md);
    assertTrue(md.contains("| PyTorch PASSIVE | – | – | – | – | – |"), md); // the training table
    assertFalse(md.contains("| 30.0 |"), md); // its batch-1 latency
  }

  @Test
  void everyCpuKeepsItsOwnTargetsTableAndTheReportShowsTheOthersApart() throws IOException {
    torch(ZEN3, OPENBLAS);
    Files.writeString(results.resolve("run.json"),
        "{\"run\": \"benchmarks/run\", \"commit\": \"abc1234\", \"date\": \"2026-11-30\"}");
    String zen = report();
    assertTrue(zen.contains("Measured by `benchmarks/run` on commit abc1234, 2026-11-30."), zen);
    assertFalse(zen.contains("## Targets on other CPUs"), zen); // the only CPU so far
    Path archive = results.resolve("targets");
    try (var files = Files.list(archive)) {
      assertEquals(1, files.count());
    }

    // The next run is on a Sapphire Rapids: its own tables, and the EPYC's targets in a table of their own.
    Files.writeString(results.resolve("jmh-delta4j.machine.json"), machine(SAPPHIRE, OPENBLAS_SKYLAKEX));
    torch(SAPPHIRE, OPENBLAS.replace("Zen", "SkylakeX"));
    Files.writeString(results.resolve("run.json"),
        "{\"run\": \"benchmarks/run\", \"commit\": \"def5678\", \"date\": \"2026-12-04\"}");
    String spr = report();
    assertTrue(spr.contains("## Targets, on Intel(R) Xeon(R) Platinum 8481C, AVX-512, 2 cores\n\n"
        + "Measured by `benchmarks/run` on commit def5678, 2026-12-04."), spr);
    int other = spr.indexOf("## Targets on other CPUs");
    assertTrue(other > spr.indexOf("## Targets, on Intel"), spr);
    String otherSection = spr.substring(other, spr.indexOf("\n## ", other + 1));
    assertTrue(otherSection.contains("### AMD EPYC 7B13, AVX2, 2 cores\n\nMeasured by `benchmarks/run` on commit "
        + "abc1234, 2026-11-30. FMA peak, all cores: 157 GFLOP/s FLOAT32, 78.6 GFLOP/s FLOAT64"), otherSection);
    assertTrue(otherSection.contains("| reference engine gemm FLOAT32 n=1024 ÷ raw ND4J gemm | 0.500 | ≥ 0.800 | "
        + "**missed** by 38 % |"), otherSection);
    // Only what was measured is kept: the EPYC's run measured no nd4j engine gemm.
    assertFalse(otherSection.contains("not measured"), otherSection);
    try (var files = Files.list(archive)) {
      assertEquals(2, files.count());
    }

    // A later run on the EPYC replaces its entry, and the Sapphire Rapids' is now the other one.
    Files.writeString(results.resolve("jmh-delta4j.machine.json"), machine(ZEN3, OPENBLAS));
    torch(ZEN3, OPENBLAS);
    String again = report();
    try (var files = Files.list(archive)) {
      assertEquals(2, files.count());
    }
    assertTrue(again.contains("### Intel(R) Xeon(R) Platinum 8481C, AVX-512, 2 cores"), again);
    assertFalse(again.contains("### AMD EPYC"), again);
  }

  /**
   * A virtual machine may name two generations of a CPU alike ("Intel(R) Xeon(R) Processor"): where two CPUs of the
   * report share a name, each heading adds its family and model, so that no reader takes one's table for the other's.
   */
  @Test
  void cpusNamedAlikeAreToldApartByFamilyAndModel() throws IOException {
    String older = SAPPHIRE.replace("Platinum 8481C", "Processor");
    String newer = older.replace("\"model\":\"143\"", "\"model\":\"207\"");
    Files.writeString(results.resolve("jmh-delta4j.machine.json"), machine(older, OPENBLAS_SKYLAKEX));
    torch(older, OPENBLAS.replace("Zen", "SkylakeX"));
    String first = report();
    assertTrue(first.contains("## Targets, on Intel(R) Xeon(R) Processor, AVX-512, 2 cores\n"), first); // alone
    Files.writeString(results.resolve("jmh-delta4j.machine.json"), machine(newer, OPENBLAS_SKYLAKEX));
    torch(newer, OPENBLAS.replace("Zen", "SkylakeX"));
    String second = report();
    assertTrue(second.contains("## Targets, on Intel(R) Xeon(R) Processor, AVX-512, 2 cores (family 6, model 207)\n"),
        second);
    assertTrue(second.contains("### Intel(R) Xeon(R) Processor, AVX-512, 2 cores (family 6, model 143)\n"), second);
    assertTrue(second.contains("| CPU | Intel(R) Xeon(R) Processor (family 6, model 207) |"), second);
  }

  @Test
  void aShortRunAddsWhatItMeasuredToItsCpusEntry() throws IOException {
    Files.writeString(results.resolve("run.json"), "{\"run\": \"benchmarks/run targets --vectors avx2\", "
        + "\"commit\": \"abc1234\", \"date\": \"2026-12-04\"}");
    Path archive = results.getParent().resolve("archive");
    Path file = BenchmarksReport.archiveTargets(results, archive);
    CpuTargets entry = CpuTargets.read(file);
    assertEquals("benchmarks/run targets --vectors avx2", entry.run());
    assertEquals("abc1234", entry.commit());
    assertEquals("157 GFLOP/s FLOAT32, 78.6 GFLOP/s FLOAT64", entry.fmaPeak());
    assertEquals(List.of("reference engine gemm FLOAT32 n=1024 ÷ raw ND4J gemm", "0.500", "≥ 0.800",
        "**missed** by 38 %"), entry.rows().get(0));
    // 500 steps/s × 128 samples × 1.007 MFLOP = 64.4 GFLOP/s, 41 % of 157.3
    assertTrue(entry.rows().contains(List.of("reference engine training step, % of the FLOAT32 FMA peak", "41 %",
        "≥ 40 %", "met")), entry.rows().toString());
    assertTrue(entry.rows().stream().noneMatch(r -> r.get(3).equals("not measured")), entry.rows().toString());
    assertEquals(CpuTargets.file(archive, entry.machine()), file);
  }

  /**
   * {@code benchmarks/run targets} archives its targets, then writes the last full run's report again: that report
   * keeps the short run's entry for their common CPU, where written as a full run's it would replace it with its own
   * older one, and shows it after its own targets.
   */
  @Test
  void theReportOfAFullRunWrittenAgainKeepsAndShowsALaterShortRunOnItsCpu() throws IOException {
    Files.writeString(results.resolve("run.json"),
        "{\"run\": \"benchmarks/run\", \"commit\": \"abc1234\", \"date\": \"2026-12-04\"}");
    String full = report();
    assertFalse(full.contains("### Since, on the same CPU"), full);
    Path archive = results.resolve("targets");

    Path shortRun = results.getParent().resolve("short");
    Files.createDirectories(shortRun);
    for (String f : List.of("jmh-delta4j.json", "jmh-delta4j.machine.json")) {
      Files.copy(results.resolve(f), shortRun.resolve(f));
    }
    Files.writeString(shortRun.resolve("run.json"),
        "{\"run\": \"benchmarks/run targets\", \"commit\": \"def5678\", \"date\": \"2026-12-07\"}");
    Path entry = BenchmarksReport.archiveTargets(shortRun, archive);
    BenchmarksReport.write(results, out, results.resolve("cluster.json"), false);
    String again = Files.readString(out);
    assertEquals("def5678", CpuTargets.read(entry).commit(), "the short run's entry stays");
    int since = again.indexOf("### Since, on the same CPU");
    assertTrue(since > again.indexOf("Measured by `benchmarks/run` on commit abc1234, 2026-12-04."), again);
    assertTrue(again.indexOf("Measured by `benchmarks/run targets` on commit def5678, 2026-12-07.", since) > since,
        again);
    try (var files = Files.list(archive)) {
      assertEquals(1, files.count());
    }

    BenchmarksReport.write(results, out); // a full run's report: its run is its CPU's latest again
    assertEquals("abc1234", CpuTargets.read(entry).commit());
    assertFalse(Files.readString(out).contains("### Since, on the same CPU"));
  }

  @Test
  void aShortRunThatMeasuredNoTargetIsRefused() throws IOException {
    Files.writeString(results.resolve("jmh-delta4j.json"), "[]");
    IOException e = assertThrows(IOException.class,
        () -> BenchmarksReport.archiveTargets(results, results.resolve("targets")));
    assertTrue(e.getMessage().contains("no target was measured"), e.getMessage());
    Files.writeString(results.resolve("jmh-delta4j.machine.json"), "{}");
    e = assertThrows(IOException.class, () -> BenchmarksReport.archiveTargets(results, results.resolve("targets")));
    assertTrue(e.getMessage().contains("no machine recorded"), e.getMessage());
  }

  @Test
  void anArchiveEntryThatIsNotOneIsNamed() throws IOException {
    Path bad = results.resolve("bad.json");
    Files.writeString(bad, "{\"machine\": {}, \"rows\": [[\"a\", \"b\"]]}");
    IOException e = assertThrows(IOException.class, () -> CpuTargets.read(bad));
    assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("a row of 2 cells"), e.getMessage());
  }

  @Test
  void figuresReadAsShareOfTheMeasuredPeak() throws IOException {
    torch(ZEN3, OPENBLAS);
    String md = report();
    assertTrue(md.contains("| FMA peak, all cores | 157 GFLOP/s FLOAT32, 78.6 GFLOP/s FLOAT64"), md);
    // ref sgemm 1024: 107.4 of 157.3 GFLOP/s = 68 %; raw ND4J 214.7 = 137 %.
    assertTrue(md.contains("| 1024 | FLOAT32 | 107 | – | 215 | 68 % | 137 % | 0.50× | – |"), md);
    assertTrue(md.contains("| reference engine gemm FLOAT32 n=1024, % of the FLOAT32 FMA peak | 68 % | ≥ 60 % | met |"),
        md);
    // ref training step: 500 steps/s × 128.9 MFLOP = 64.5 GFLOP/s = 41 % of 157.3.
    assertTrue(md.contains("| reference engine training step, % of the FLOAT32 FMA peak | 41 % | ≥ 40 % | met |"), md);
    assertTrue(md.contains("| Delta4j ref | 64,000 | 64.5 | 41 % | 1.00× | – |"), md);
  }

  @Test
  void theOneCorePeakSaysHowFarTheMachineScalesComputeBoundCode() throws IOException {
    torch(ZEN3, OPENBLAS);
    assertTrue(report().contains("| FMA peak, one core | not measured in this run |"), "results without it");
    // one thread: 62,500 ops/s = 98.3 GFLOP/s; two cores made 157.3: 157.3 / (2 × 98.3) = 0.80
    Path f = results.resolve("jmh-delta4j.json");
    Files.writeString(f, Files.readString(f).replaceFirst("\\[", "[" + jmh("FmaPeakBenchmark.float32OneCore", "",
        62_500, "ops/s") + "," + jmh("FmaPeakBenchmark.float64OneCore", "", 31_250, "ops/s") + ","));
    String md = report();
    assertTrue(md.contains("| FMA peak, one core | 98.3 GFLOP/s FLOAT32, 49.2 GFLOP/s FLOAT64; all cores ÷ (cores × "
        + "one core), FLOAT32: 0.80 |"), md);
    assertEquals(0.8, new Peak(157.3, 0).coreScaling(new Peak(98.3125, 0), 2), 1e-3);
    assertTrue(Double.isNaN(new Peak(157.3, 0).coreScaling(new Peak(Double.NaN, 0), 2)));
  }

  @Test
  void peakArithmetic() {
    // 784-256-128-10 at batch 128: forward 2·128·234,752; weight gradients as many; input gradients of layers 2, 3.
    assertEquals(2 * 2.0 * 128 * 234_752 + 2.0 * 128 * (256 * 128 + 128 * 10), BenchmarksReport.STEP_FLOPS);
    assertEquals(128_909_312, BenchmarksReport.STEP_FLOPS);
    Peak peak = new Peak(200, 100);
    assertEquals(50, peak.percent(100, "FLOAT32"), 1e-12);
    assertEquals(100, peak.percent(100, "FLOAT64"), 1e-12);
    assertTrue(Double.isNaN(new Peak(Double.NaN, 0).percent(10, "FLOAT32")));
    assertTrue(Double.isNaN(new Peak(1, 0).percent(10, "FLOAT64")));
    assertEquals(2.0 * 12 * 16 * 4096, Peak.FLOPS_PER_OP);
  }

  @Test
  void twoNetworksOnOneEngineAreTabulatedAsAggregateSamplesPerSecond() throws IOException {
    Files.writeString(results.resolve("jmh-delta4j.json"), "["
        + jmh("ConcurrentTrainingBenchmark.oneNetwork", "\"engine\":\"ref\"", 400, "ops/s") + ","
        + jmh("ConcurrentTrainingBenchmark.twoNetworks", "\"engine\":\"ref\"", 360, "ops/s") + ","
        + jmh("ConcurrentTrainingBenchmark.oneNetwork", "\"engine\":\"nd4j\"", 500, "ops/s") + "]");
    String md = report();
    // ×128 samples per step: 51,200 and 46,080 samples/s, 0.90×; nd4j's two networks were not measured.
    assertTrue(md.contains("| ref | 51,200 | 46,080 | 0.90× |"), md);
    assertTrue(md.contains("| nd4j | 64,000 | – | – |"), md);
  }

  @Test
  void resultsFromBeforeTheTwoNetworkBenchmarkSaySoInItsSection() throws IOException {
    String md = report();
    assertTrue(md.contains("## Two networks on one engine (aggregate samples/s, higher is better)\n\n"
        + "Not measured in this run."), md);
  }

  /**
   * The CNN's results: Delta4j's steps (ref allocating 2,048 bytes each), DL4J's both ways, PyTorch PASSIVE's, and the
   * convolutions alone beside ND4J's native op; all on one CPU and on OpenBLAS.
   */
  private void cnnResults() throws IOException {
    String delta4j = Files.readString(results.resolve("jmh-delta4j.json"));
    String refStep = jmh("CnnBenchmark.trainStep", "\"engine\":\"ref\"", 10, "ops/s").replace(
        "\"secondaryMetrics\":{}", "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":2048}}");
    Files.writeString(results.resolve("jmh-delta4j.json"), delta4j.substring(0, delta4j.length() - 1) + ","
        + refStep + ","
        + jmh("CnnBenchmark.trainStep", "\"engine\":\"nd4j\"", 20, "ops/s") + ","
        + jmh("Conv2DBenchmark.forward", "\"engine\":\"ref\",\"layer\":\"conv1\"", 100, "ops/s") + ","
        + jmh("Conv2DBenchmark.forward", "\"engine\":\"nd4j\",\"layer\":\"conv1\"", 150, "ops/s") + ","
        + jmh("Conv2DBenchmark.forward", "\"engine\":\"nd4j-raw\",\"layer\":\"conv1\"", 200, "ops/s") + ","
        + jmh("Conv2DBenchmark.forward", "\"engine\":\"ref\",\"layer\":\"conv2\"", 30, "ops/s") + ","
        + jmh("Conv2DBenchmark.forward", "\"engine\":\"nd4j\",\"layer\":\"conv2\"", 40, "ops/s") + ","
        + jmh("Conv2DBenchmark.forward", "\"engine\":\"nd4j-raw\",\"layer\":\"conv2\"", 50, "ops/s") + ","
        + jmh("Conv2DBenchmark.backward", "\"engine\":\"nd4j\",\"layer\":\"conv2\"", 10, "ops/s") + ","
        + jmh("Conv2DBenchmark.backward", "\"engine\":\"nd4j-raw\",\"layer\":\"conv2\"", 5, "ops/s") + "]");
    String nd4jMachine = Files.readString(results.resolve("jmh-delta4j.machine.json"));
    Files.writeString(results.resolve("jmh-dl4j.json"), "[" + jmh("Dl4jCnnBenchmark.trainStep", "", 3, "ops/s") + "]");
    Files.writeString(results.resolve("jmh-dl4j.machine.json"), nd4jMachine);
    Files.writeString(results.resolve("jmh-dl4j-passive.json"), "[" + jmh("Dl4jCnnBenchmark.trainStep", "", 2, "ops/s")
        + "]");
    Files.writeString(results.resolve("jmh-dl4j-passive.machine.json"), nd4jMachine);
    Files.writeString(results.resolve("pytorch-passive.json"), "{\"train_samples_per_s\": 64000, "
        + "\"train_steps_per_s\": 500, \"cnn\": {\"train_samples_per_s\": 2000, \"train_steps_per_s\": 15.625, "
        + "\"batch1_latency_us\": 400, \"batch1000_per_s\": 4}, "
        + "\"omp_wait_policy\": \"PASSIVE\", \"threads\": 2, \"machine\": " + machine(ZEN3, OPENBLAS) + "}");
  }

  @Test
  void convolutionalTargetsComeFromTheResults() throws IOException {
    cnnResults();
    String md = report();
    // ref: 10 steps/s × 128 = 1,280 samples/s, 0.64× PyTorch's 2,000; ÷ DL4J's faster run (3 × 128 = 384) 3.33×.
    assertTrue(md.contains("| Delta4j ref | 1,280 | – | – | 0.64× | 3.33× | 2,048 |"), md);
    assertTrue(md.contains("| PyTorch PASSIVE | 2,000 | 400 | 4,000 | 1.00× | 5.21× | – |"), md);
    assertTrue(md.contains("| ref engine CNN training step ÷ PyTorch (PASSIVE) | 0.640 | ≥ 1.00 | **missed** by 36 % |"),
        md);
    assertTrue(md.contains("| nd4j engine CNN training step ÷ PyTorch (PASSIVE) | 1.28 | ≥ 1.00 | met |"), md);
    assertTrue(md.contains("| ref engine CNN training step ÷ DL4J (faster run) | 3.33 | ≥ 3.00 | met |"), md);
    // conv1 forward: ref 100 calls/s against native 200 → 0.50×, missed; conv2: 30 against 50 → 0.60×, met.
    assertTrue(md.contains("| ref conv2d forward (conv1) ÷ ND4J native conv2d | 0.500 | ≥ 0.600 | **missed** by 17 % |"),
        md);
    assertTrue(md.contains("| ref conv2d forward (conv2) ÷ ND4J native conv2d | 0.600 | ≥ 0.600 | met |"), md);
    assertTrue(md.contains("| conv1 | forward | 100 | 150 | 200 | 0.50× | 0.75× |"), md);
    // conv2 over a training pass: the engine 1/40 + 1/10 = 0.125 s, native 1/50 + 1/5 = 0.22 s → 1.76×.
    assertTrue(md.contains("it runs at conv1 forward 0.75×, conv1 backward –, conv2 forward 0.80×, conv2 backward "
        + "2.00×, and over a training pass"), md);
    assertTrue(md.contains(" at conv1 –, conv2 1.76×."), md);
    assertTrue(md.contains("| reference engine CNN training step, bytes allocated per step | 2,048 | ≤ 4,096 | met |"),
        md);
  }

  @Test
  void noConvolutionalVerdictAgainstAPeerOnTheReferenceBlas() throws IOException {
    cnnResults();
    torch(ZEN3, REFERENCE);
    Files.writeString(results.resolve("pytorch-passive.json"), Files.readString(results.resolve("pytorch-passive.json"))
        .replace("\"batch1_latency_us\": 30,", "\"batch1_latency_us\": 30, \"cnn\": {\"train_samples_per_s\": 2000, "
            + "\"train_steps_per_s\": 15.625},"));
    String md = report();
    assertTrue(md.contains("| nd4j engine CNN training step ÷ PyTorch (PASSIVE) | 1.28 | ≥ 1.00 | no verdict: PyTorch "
        + "ran on the reference BLAS"), md);
    // DL4J's targets, on ND4J's OpenBLAS, keep theirs.
    assertTrue(md.contains("| nd4j engine CNN training step ÷ DL4J (faster run) | 6.67 | ≥ 3.00 | met |"), md);
  }

  @Test
  void resultsFromBeforeTheConvolutionalBenchmarksSaySoInTheirSection() throws IOException {
    String md = report();
    assertTrue(md.contains("## Convolutional network\n\nNot measured in this run (its results predate the "
        + "convolutional benchmarks)."), md);
  }

  private static final String REF = "\"engine\":\"ref\"";
  private static final String REF_1024 = "\"engine\":\"ref\",\"dtype\":\"FLOAT32\",\"shape\":\"1024\"";
  private static final String RAW_1024 = "\"engine\":\"nd4j-raw\",\"dtype\":\"FLOAT32\",\"shape\":\"1024\"";

  /** Replaces a result by one of the given iterations and cache-line times ({@link #placed}). */
  private void place(String benchmark, String params, double[] scores, double[] lineNanos) throws IOException {
    replaceResult(benchmark, params, placed(benchmark, params, scores, lineNanos));
  }

  private String reportOnOpenBlas() throws IOException {
    torch(ZEN3, OPENBLAS);
    return report();
  }

  @Test
  void aRatioToRawNd4jIsTakenOverTheIterationsOfOnePlacementOfTheCores() throws IOException {
    // Over all iterations 53.3 ÷ 83.3 = 0.64; with the cores near, where both measured two iterations, 60 ÷ 100.
    place("GemmBenchmark.gemm", REF_1024, new double[] {60, 60, 40}, new double[] {30, 31, 150});
    place("GemmBenchmark.gemm", RAW_1024, new double[] {100, 100, 50}, new double[] {32, 29, 160});
    String md = reportOnOpenBlas();
    assertTrue(md.contains("| reference engine gemm FLOAT32 n=1024 ÷ raw ND4J gemm | 0.600 | ≥ 0.800 | **missed** by "
        + "25 % (near cores: 2 of the reference engine's 3 iterations, 2 of raw ND4J's 3) |"), md);
    assertTrue(md.contains("| 1024 | FLOAT32 | 115 | – | 179 | 73 % | 114 % | 0.60× | – |"), md);
    assertTrue(md.contains("| placement of the cores, measured iterations | near cores 4, far cores 2 of 6 "
        + "(`CorePlacementProfiler`) |"), md);
  }

  @Test
  void aRatioOfTwoResultsMeasuredOnlyInDifferentPlacementsGetsNoVerdict() throws IOException {
    // ours near, raw ND4J far: the placement may have flattered the ratio
    place("GemmBenchmark.gemm", REF_1024, new double[] {80, 80}, new double[] {30, 30});
    place("GemmBenchmark.gemm", RAW_1024, new double[] {100, 100}, new double[] {150, 160});
    String md = reportOnOpenBlas();
    assertTrue(md.contains("| reference engine gemm FLOAT32 n=1024 ÷ raw ND4J gemm | 0.800 | ≥ 0.800 | no verdict: "
        + "the reference engine was measured with near cores in 2 of 2 iterations, raw ND4J with far cores in 2 of 2 "
        + "iterations, so the ratio is as much the host's placement of the cores as the code's; rerun |"), md);
    assertTrue(md.contains("| 0.80× (placements differ) |"), md);
  }

  @Test
  void aRatioWithoutRecordedPlacementsIsTakenOverAllIterations() throws IOException {
    // raw ND4J from a run without the profiler: nothing to match the reference engine's placements against
    place("GemmBenchmark.gemm", REF_1024, new double[] {60, 60, 30}, new double[] {30, 31, 150});
    String md = reportOnOpenBlas();
    assertTrue(md.contains("| reference engine gemm FLOAT32 n=1024 ÷ raw ND4J gemm | 0.500 | ≥ 0.800 | **missed** by "
        + "38 % |"), md);
  }

  @Test
  void theTrainingStepsShareOfPeakIsJudgedInEachPlacementItWasMeasuredIn() throws IOException {
    // 128.9 MFLOP a step against the FLOAT32 peak of 157.3 GFLOP/s: 700 steps/s is 57 %, 450 is 37 %, the mean 51 %.
    place("TrainingStepBenchmark.trainStep", REF, new double[] {700, 700, 450}, new double[] {35, 33, 170});
    String md = reportOnOpenBlas();
    assertTrue(md.contains("| reference engine training step, % of the FLOAT32 FMA peak | 51 % | ≥ 40 % | met with near "
        + "cores (57 %, 2 of 3 iterations); **missed** by 8 % with far cores (37 %, 1 of 3 iterations) |"), md);
  }

  /** PyTorch PASSIVE's training rounds, each {rate (steps/s), cache line before, after (ns)}; its best is its score. */
  private void torchRounds(double[]... rounds) throws IOException {
    StringBuilder json = new StringBuilder();
    double best = 0;
    for (double[] r : rounds) {
      json.append(json.length() == 0 ? "" : ",").append("{\"rate\": ").append(r[0]).append(", \"cores_before_ns\": ")
          .append(r[1]).append(", \"cores_after_ns\": ").append(r[2]).append("}");
      best = Math.max(best, r[0]);
    }
    Files.writeString(results.resolve("pytorch-passive.json"), "{\"train_steps_per_s\": " + best
        + ", \"train_samples_per_s\": " + best * 128 + ", \"train_rounds\": [" + json + "], "
        + "\"batch1_latency_us\": 30, \"torch\": \"1.13\", \"threads\": 2, \"machine\": " + machine(ZEN3, OPENBLAS)
        + "}");
  }

  @Test
  void aTrainingStepRatioToPyTorchIsTakenAgainstItsBestRoundInTheSamePlacement() throws IOException {
    // Over everything the nd4j engine's mean 500 steps/s ÷ PyTorch's best 600 = 0.83; with the cores near, where the
    // engine ran 600 and PyTorch's best round 450: 1.33. The reference engine's 500 (no placement recorded) ÷ 600.
    place("TrainingStepBenchmark.trainStep", "\"engine\":\"nd4j\"", new double[] {600, 600, 300},
        new double[] {30, 31, 160});
    torchRounds(new double[] {400, 30, 31}, new double[] {450, 31, 30}, new double[] {600, 150, 160});
    String md = report();
    assertTrue(md.contains("| nd4j engine training step ÷ PyTorch (PASSIVE) | 1.33 | ≥ 1.00 | met (near cores: 2 of "
        + "the nd4j engine's 3 iterations, 2 of PyTorch's 3) |"), md);
    assertTrue(md.contains("| reference engine training step ÷ PyTorch (PASSIVE) | 0.833 | ≥ 0.750 | met |"), md);
  }

  @Test
  void aTrainingStepRatioToPyTorchMeasuredOnlyInDifferentPlacementsGetsNoVerdict() throws IOException {
    place("TrainingStepBenchmark.trainStep", "\"engine\":\"nd4j\"", new double[] {600, 600},
        new double[] {30, 31});
    torchRounds(new double[] {500, 150, 160}, new double[] {550, 160, 150});
    String md = report();
    assertTrue(md.contains("| nd4j engine training step ÷ PyTorch (PASSIVE) | 1.09 | ≥ 1.00 | no verdict: the nd4j "
        + "engine was measured with near cores in 2 of 2 iterations, PyTorch with far cores in 2 of 2 iterations"), md);
  }

  @Test
  void aTargetMetWithTheFarCoresOnOurSideAndTheNearOnesOnThePeersStands() throws IOException {
    // ours far, PyTorch near: the placement could only have lowered the ratio, so a met target stands; a missed one not
    place("TrainingStepBenchmark.trainStep", "\"engine\":\"nd4j\"", new double[] {600, 600},
        new double[] {150, 160});
    place("TrainingStepBenchmark.trainStep", REF, new double[] {300, 300}, new double[] {150, 160});
    torchRounds(new double[] {500, 30, 31}, new double[] {550, 31, 30});
    String md = report();
    assertTrue(md.contains("| nd4j engine training step ÷ PyTorch (PASSIVE) | 1.09 | ≥ 1.00 | met, with the placement "
        + "against the nd4j engine: the nd4j engine was measured with far cores in 2 of 2 iterations, PyTorch with near "
        + "cores in 2 of 2 iterations, and far cores only slow a measurement |"), md);
    assertTrue(md.contains("| reference engine training step ÷ PyTorch (PASSIVE) | 0.545 | ≥ 0.750 | no verdict: the "
        + "reference engine was measured with far cores in 2 of 2 iterations, PyTorch with near cores"), md);
  }

  @Test
  void aTrainingStepMeasuredInOnePlacementSaysWhich() throws IOException {
    place("TrainingStepBenchmark.trainStep", REF, new double[] {450, 450}, new double[] {170, 160});
    String md = reportOnOpenBlas();
    assertTrue(md.contains("| reference engine training step, % of the FLOAT32 FMA peak | 37 % | ≥ 40 % | **missed** "
        + "by 8 % (far cores) |"), md);
  }
}
