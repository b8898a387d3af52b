package org.delta4j.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report computes its ratios and verdicts from the result files, and says when a target is missed and by how much. */
class BenchmarksReportTest {
  private static String jmh(String benchmark, String params, double score, String unit) {
    return "{\"benchmark\":\"org.delta4j.benchmarks." + benchmark + "\",\"mode\":\"thrpt\",\"params\":{" + params
        + "},\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":0.1,\"scoreUnit\":\"" + unit + "\"},"
        + "\"secondaryMetrics\":{}}";
  }

  @Test
  void ratiosAndVerdictsComeFromTheResults(@TempDir Path dir) throws IOException {
    Path results = dir.resolve("results");
    Files.createDirectories(results);
    // ref sgemm 1024: 50 ops/s = 107.4 GFLOP/s; raw ND4J: 100 ops/s = 214.7 GFLOP/s → ratio 0.50, target 0.55.
    Files.writeString(results.resolve("jmh-delta4j.json"), "["
        + jmh("GemmBenchmark.gemm", "\"engine\":\"ref\",\"dtype\":\"FLOAT32\",\"shape\":\"1024\"", 50, "ops/s") + ","
        + jmh("GemmBenchmark.gemm", "\"engine\":\"nd4j-raw\",\"dtype\":\"FLOAT32\",\"shape\":\"1024\"", 100, "ops/s")
        + ","
        + jmh("TrainingStepBenchmark.trainStep", "\"engine\":\"nd4j\"", 600, "ops/s") + ","
        + jmh("AutodiffBenchmark.trainStep", "\"engine\":\"ref\",\"layers\":\"hand-written\"", 200, "ops/s") + ","
        + jmh("AutodiffBenchmark.trainStep", "\"engine\":\"ref\",\"layers\":\"autodiff\"", 180, "ops/s") + ","
        + jmh("InferenceBenchmark.batch1Latency", "\"engine\":\"ref\"", 12, "us/op") + ","
        + jmh("InferenceBenchmark.batch1Latency", "\"engine\":\"nd4j\"", 90, "us/op") + ","
        + jmh("Nd4jInferenceBenchmark.batch1Latency", "", 75, "us/op") + ","
        + jmh("Nd4jInferenceBenchmark.oneCall", "", 6, "us/op") + "]");
    // PyTorch tuned: 64,000 samples/s; nd4j: 600 steps/s × 128 = 76,800 samples/s → 1.20×, target 1.0.
    Files.writeString(results.resolve("pytorch-passive.json"),
        "{\"train_samples_per_s\": 64000, \"batch1_latency_us\": 30, \"torch\": \"1.13\", \"threads\": 2}");
    Path out = dir.resolve("BENCHMARKS.md");

    BenchmarksReport.write(results, out);

    String md = Files.readString(out);
    assertTrue(md.contains("| reference engine sgemm n=1024 ÷ raw ND4J sgemm | 0.500 | ≥ 0.550 | **missed** by 9 % |"),
        md);
    assertTrue(md.contains("| nd4j engine training step ÷ PyTorch (PASSIVE) | 1.20 | ≥ 1.00 | met |"), md);
    assertTrue(md.contains("| reference engine training step ÷ PyTorch (PASSIVE) | – | ≥ 0.750 | not measured |"), md);
    // The tape's MLP: 180 steps/s against the hand-written layers' 200 → 0.90×, target 0.85.
    assertTrue(md.contains("| reference engine training step, layers written with autodiff ÷ hand-written | 0.900 | "
        + "≥ 0.850 | met |"), md);
    // Batch-1 latency against PyTorch's 30 µs: ref 0.40× (met); nd4j 3.00×, raw ND4J alone 2.50×, four calls 0.800×.
    assertTrue(md.contains("| ref inference latency at batch 1 ÷ PyTorch (PASSIVE) | 0.400 | ≤ 0.500 | met |"), md);
    assertTrue(md.contains("| nd4j inference latency at batch 1 ÷ PyTorch (PASSIVE) | 3.00 | ≤ 0.500 | "
        + "**missed** by 500 %; raw ND4J alone is 2.50× PyTorch, and four of its cheapest calls 0.800×: a limit of "
        + "the library |"), md);
    assertTrue(md.contains("| raw ND4J, one call per step | 75.0 | – |"), md);
    assertTrue(md.contains("| raw ND4J, one trivial call | 6.00 | – |"), md);
    assertTrue(Files.size(dir.resolve("benchmarks/results/training-step.png")) > 1000);
    assertTrue(Files.size(dir.resolve("benchmarks/results/gemm.png")) > 1000);
  }
}
