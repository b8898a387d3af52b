package org.delta4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.delta4j.benchmarks.report.Blas;
import org.delta4j.benchmarks.report.Machine;
import org.delta4j.benchmarks.report.OpenBlasCore;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.engine.EngineStatus;
import org.delta4j.engine.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every benchmark runs once, briefly, so none can rot: each JMH benchmark in-process with one short iteration, and
 * the PyTorch peer script in its smoke mode. No timing is asserted.
 */
class BenchmarksSmokeTest {
  /** Raw ND4J and DL4J need ND4J's native library: where the nd4j engine is unavailable, so are they. */
  private static final java.util.List<String> NEED_ND4J = java.util.List.of("Nd4jInferenceBenchmark", "Dl4jBenchmark",
      "Dl4jCnnBenchmark");

  /** The benchmarks whose engine parameter also takes {@link GemmBenchmark#RAW_ND4J}. */
  private static final String WITH_RAW_ND4J = "\\.(GemmBenchmark|Conv2DBenchmark)\\.";

  @Test
  void everyJmhBenchmarkRunsOnce() throws RunnerException, IOException {
    assumeTrue(fashionMnistInstalled(), "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    String engines = Engines.defaults().statuses().stream().filter(EngineStatus::available).map(EngineStatus::name)
        .collect(Collectors.joining(","));
    boolean nd4j = engines.contains("nd4j");
    ChainedOptionsBuilder others = new OptionsBuilder();
    others.include("org\\.delta4j\\.benchmarks\\..*").exclude(WITH_RAW_ND4J);
    if (!nd4j) {
      NEED_ND4J.forEach(others::exclude);
    }
    Collection<RunResult> results = new ArrayList<>(run(others, engines));
    // GemmBenchmark and Conv2DBenchmark also measure raw ND4J, as one more value of their engine parameter.
    String gemmEngines = nd4j ? engines + "," + GemmBenchmark.RAW_ND4J : engines;
    Collection<RunResult> gemm = run(new OptionsBuilder().include(WITH_RAW_ND4J), gemmEngines);
    assertEquals(new TreeSet<>(List.of(gemmEngines.split(","))),
        gemm.stream().map(r -> r.getParams().getParam("engine")).collect(Collectors.toCollection(TreeSet::new)));
    results.addAll(gemm);

    Set<String> expected = new TreeSet<>();
    for (BenchmarkListEntry e : BenchmarkList.defaultList().getAll(null, java.util.List.of())) {
      String name = e.getUserClassQName();
      if (nd4j || NEED_ND4J.stream().noneMatch(name::endsWith)) {
        expected.add(e.getUsername());
      }
    }
    Set<String> ran = results.stream().map(r -> r.getParams().getBenchmark())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, ran, "every benchmark method should have run");
    for (RunResult r : results) {
      double score = r.getPrimaryResult().getScore();
      assertTrue(score > 0 && Double.isFinite(score), r.getParams().getBenchmark() + " scored " + score);
    }
  }

  @Test
  void everyBenchmarkForksItsJvmWithTheVectorApi() {
    // Run as java -jar benchmarks.jar <Benchmark>, a fork without it measures the reference engine's scalar kernels.
    for (BenchmarkListEntry e : BenchmarkList.defaultList().getAll(null, java.util.List.of())) {
      Collection<String> appended = e.getJvmArgsAppend().orElse(java.util.List.of());
      assertTrue(appended.contains(ForkedJvm.VECTOR_API), e.getUsername() + " forks with " + appended);
    }
  }

  /** One short iteration in this JVM of each benchmark the builder selects, on the given engines. */
  private static Collection<RunResult> run(ChainedOptionsBuilder selected, String engines) throws RunnerException {
    // JMH takes a machine-wide lock against concurrent measurements; a smoke run measures nothing, so another build's
    // benchmarks running on the same machine must not fail it.
    System.setProperty("jmh.ignoreLock", "true");
    Options options = selected
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(50))
        .timeUnit(TimeUnit.SECONDS)
        .param("engine", engines.split(","))
        .param("shape", "128", "784x128x256-TN")
        .param("samples", "512")
        .shouldFailOnError(true)
        .build();
    return new Runner(options).run();
  }

  @Test
  void pytorchPeerRunsOnce(@TempDir Path dir) throws Exception {
    assumeTrue(fashionMnistInstalled(), "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    assumeTrue(pythonHasTorch(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
    Path out = dir.resolve("pytorch.json");
    // its training rounds timed between probes of the cores, as benchmarks/run has them
    String jvm = ProcessHandle.current().info().command().orElse("java");
    String cores = jvm + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp " + System.getProperty("java.class.path") + " "
        + MachineProbe.class.getName() + " --cores";
    ProcessBuilder peer = new ProcessBuilder("/usr/bin/python3", peerScript().toString(), "bench", "--smoke",
        "--threads", "2", "--cores", cores, "--out", out.toString()).inheritIO();
    String core = openblasCoretype(); // as benchmarks/run sets it
    if (!core.isEmpty()) {
      peer.environment().put("OPENBLAS_CORETYPE", core);
    }
    Process p = peer.start();
    assertEquals(0, p.waitFor(), "the PyTorch peer script failed");
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    for (String key : new String[] {"train_samples_per_s", "batch1_latency_us", "batch1000_per_s"}) {
      assertTrue(json.path(key).asDouble() > 0, key + " missing or not positive in " + json);
      assertTrue(json.path("cnn").path(key).asDouble() > 0, "cnn." + key + " missing or not positive in " + json);
    }
    for (JsonNode rounds : List.of(json.path("train_rounds"), json.path("cnn").path("train_rounds"))) {
      // five rounds, and more (up to 25) until two fell in each of near and far cores
      assertTrue(rounds.size() >= 5 && rounds.size() <= 25, "5 to 25 training rounds, each between two probes of the "
          + "cores: " + json);
      for (JsonNode r : rounds) {
        assertTrue(r.path("rate").asDouble() > 0, "a round's rate in " + rounds);
        for (String probe : new String[] {"cores_before_ns", "cores_after_ns"}) {
          // null when the probe could not tell (one core, or no window completed)
          assertTrue(r.path(probe).isNull() || r.path(probe).asDouble() > 0, probe + " in " + rounds);
        }
      }
    }
    Machine machine = Machine.fromJson(json.path("machine"));
    assertEquals(new Machine(Machine.cpuinfoHere(), 0, List.of(), java.util.Map.of()).fingerprint(),
        machine.fingerprint());
    Blas blas = machine.effectiveBlas();
    assertFalse(blas.reference(), "PyTorch ran on the reference BLAS (" + blas.library() + "): every comparison with it "
        + "would be an order of magnitude off; install an optimized one (Debian: apt-get install libopenblas0-pthread)");
    assertTrue(blas.optimized(), "no optimized BLAS found mapped into the PyTorch peer: " + machine.blas());
    assertTrue(blas.tunedFor(machine), "PyTorch's " + new OpenBlasCore(blas.core()).advice(machine));
  }

  /** What {@code bin/openblas-coretype} prints: the OpenBLAS kernels to run here (empty for none). */
  private static String openblasCoretype() throws IOException, InterruptedException {
    Path here = Path.of("").toAbsolutePath();
    Path script = Files.isRegularFile(here.resolve("bin/openblas-coretype")) ? here.resolve("bin/openblas-coretype")
        : here.resolveSibling("bin").resolve("openblas-coretype");
    Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).start();
    String answer = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), script + " failed: " + answer);
    return answer;
  }

  /** ND4J, raw ND4J's and DL4J's engine, runs on the OpenBLAS it ships, and the probe names its build and core type. */
  @Test
  void machineProbeRecordsNd4jsBlas() {
    String engines = Engines.defaults().statuses().stream().filter(EngineStatus::available).map(EngineStatus::name)
        .collect(Collectors.joining(","));
    assumeTrue(engines.contains("nd4j"), "ND4J's native library does not load here");
    Machine machine = MachineProbe.probe(true);
    assertEquals(Runtime.getRuntime().availableProcessors(), machine.cores());
    Blas blas = machine.effectiveBlas();
    assertEquals(Blas.Kind.OPENBLAS, blas.kind(), "ND4J's BLAS: " + machine.blas());
    assertTrue(blas.config().startsWith("OpenBLAS"), blas + " " + machine.settings());
    assertFalse(blas.core().isEmpty(), blas.toString());
  }

  static boolean fashionMnistInstalled() {
    try {
      FashionMnist.locate(null);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean pythonHasTorch() throws InterruptedException {
    try {
      return new ProcessBuilder("/usr/bin/python3", "-c", "import torch").start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  static Path peerScript() {
    Path here = Path.of("").toAbsolutePath();
    Path script = here.resolve("peers/pytorch_peer.py");
    return Files.isRegularFile(script) ? script : here.resolve("benchmarks/peers/pytorch_peer.py");
  }
}
