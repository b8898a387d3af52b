package org.delta4j.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.delta4j.benchmarks.BenchmarkData;
import org.delta4j.benchmarks.GemmBenchmark;
import org.delta4j.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * Writes {@code BENCHMARKS.md} and its charts from the files one run of {@code benchmarks/run} leaves in its results
 * directory: JMH's JSON for Delta4j and raw ND4J, for DL4J as it comes and with {@code OMP_WAIT_POLICY=PASSIVE}, the
 * PyTorch peer's JSON both ways, and the main job's memory measurement. Every number in the report comes from those
 * files; nothing is typed in by hand.
 *
 * <p>Each file records the machine it was measured on (a {@link Machine}: the JMH files in a {@code .machine.json}
 * beside them, the others inside). The report is about the machine of Delta4j's own results: a file measured on
 * another CPU is left out of every table, and said so, since figures from two CPUs are never mixed. A peer that ran
 * its products on the reference BLAS, or whose BLAS was not recorded, gets no verdict, with the reason written in the
 * targets table.
 */
public final class BenchmarksReport {
  private static final String[] SQUARE_SIZES = {"128", "256", "512", "1024", "2048"};
  /** The products of a training step of the MLP at batch 128, per layer Y = X·W, dW = Xᵀ·dY, dX = dY·Wᵀ. */
  private static final String[] TRAINING_SHAPES = {"128x784x256", "784x128x256-TN", "128x256x784-NT", "128x256x128",
      "256x128x128-TN", "128x128x256-NT", "128x128x10", "128x128x10-TN", "128x10x128-NT"};
  /** The gemm floating-point operations of one training step of the benchmarked MLP at batch 128. */
  static final double STEP_FLOPS = Peak.trainingStepFlops(BenchmarkData.BATCH, 784, 256, 128, 10);

  private final Machine machine;
  private final JmhResults ours;
  private final JmhResults dl4j;
  private final JmhResults dl4jPassive;
  private final JsonNode torch;
  private final JsonNode torchPassive;
  private final JsonNode memory;
  private final Peak peak;
  /** The same loops on one thread: with {@link #peak}, how far the machine scales compute-bound code. */
  private final Peak peakOneCore;
  private final SparkSection spark;
  /** The peers' BLAS, by the name the targets use. */
  private final Map<String, Blas> peerBlas = new LinkedHashMap<>();
  /** Per results file left in: label, machine. */
  private final Map<String, Machine> machines = new LinkedHashMap<>();
  /** Files left out because they were measured on another CPU: label → that CPU. */
  private final Map<String, String> leftOut = new LinkedHashMap<>();
  private final StringBuilder md = new StringBuilder();
  private final List<String[]> targets = new ArrayList<>();
  /** How, when and on which commit the results were measured ({@code run.json}, which benchmarks/run writes). */
  private final JsonNode run;
  /** The targets tables of earlier runs on every CPU, one file each ({@link CpuTargets}). */
  private final Path archive;
  /**
   * Whether this report's run is its CPU's latest, to be kept as that CPU's entry in the archive: so when a full run
   * writes its report, and not when the report of an earlier full run is written again after a short run
   * ({@code benchmarks/run targets}), whose entry for the same CPU is the later one.
   */
  private final boolean latest;
  /** This run's machine and every CPU in the archive, read by the first {@link #heading}. */
  private List<Machine> shown;

  private BenchmarksReport(Path results, Path cluster, Path archive, boolean latest) throws IOException {
    this.archive = archive;
    this.latest = latest;
    this.run = json(results.resolve("run.json"));
    this.spark = SparkSection.read(cluster);
    this.machine = Machine.read(results.resolve("jmh-delta4j.machine.json"));
    this.ours = JmhResults.read(results.resolve("jmh-delta4j.json"));
    machines.put("Delta4j and raw ND4J", machine);
    this.dl4j = jmhOnSameCpu("DL4J as it comes", results, "jmh-dl4j.json");
    this.dl4jPassive = jmhOnSameCpu("DL4J PASSIVE", results, "jmh-dl4j-passive.json");
    this.torch = sameCpuJson("PyTorch as it comes", results.resolve("pytorch.json"));
    this.torchPassive = sameCpuJson("PyTorch PASSIVE", results.resolve("pytorch-passive.json"));
    this.memory = sameCpuJson("PyTorch main job", results.resolve("memory.json"));
    this.peak = Peak.of(ours);
    this.peakOneCore = Peak.oneCore(ours);
    peerBlas.put("raw ND4J", machine.effectiveBlas());
    peerBlas.put("PyTorch", machines.getOrDefault("PyTorch PASSIVE", Machine.unknown()).effectiveBlas());
    peerBlas.put("DL4J", machines.getOrDefault("DL4J PASSIVE", Machine.unknown()).effectiveBlas());
    peerBlas.put("PyTorch main job", machines.getOrDefault("PyTorch main job", Machine.unknown()).effectiveBlas());
  }

  /** JMH's results in {@code file} if they were measured on this report's CPU, else none (the refusal recorded). */
  private JmhResults jmhOnSameCpu(String label, Path results, String file) throws IOException {
    Path path = results.resolve(file);
    if (Files.isRegularFile(path)
        && admit(label, file, Machine.read(results.resolve(file.replace(".json", ".machine.json"))))) {
      return JmhResults.read(path);
    }
    return JmhResults.none();
  }

  /** A peer's JSON if it was measured on this report's CPU, else an empty object (the refusal recorded). */
  private JsonNode sameCpuJson(String label, Path file) throws IOException {
    JsonNode node = json(file);
    if (node.size() == 0) {
      return node;
    }
    return admit(label, file.getFileName().toString(), Machine.fromJson(node.path("machine"))) ? node
        : new ObjectMapper().createObjectNode();
  }

  private boolean admit(String label, String file, Machine m) {
    if (m.fingerprint().equals(machine.fingerprint())) {
      machines.put(label, m);
      return true;
    }
    leftOut.put(label + " (`" + file + "`)", m.fingerprint());
    return false;
  }

  /**
   * {@code BenchmarksReport RESULTS_DIR BENCHMARKS.md [cluster.json]}, or {@code BenchmarksReport --targets-only
   * RESULTS_DIR ARCHIVE_DIR} to add the targets a short run measured to the archive of every CPU's targets.
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 3 && args[0].equals("--targets-only")) {
      Path entry = archiveTargets(Path.of(args[1]), Path.of(args[2]));
      System.out.println("wrote " + entry);
      return;
    }
    boolean again = args.length > 0 && args[0].equals("--again");
    String[] files = again ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
    if (files.length != 2 && files.length != 3) {
      System.err.println("usage: BenchmarksReport [--again] RESULTS_DIR BENCHMARKS.md [cluster.json, default "
          + "RESULTS_DIR's]\n       BenchmarksReport --targets-only RESULTS_DIR ARCHIVE_DIR\n"
          + "--again: the results' run is not its CPU's latest; the archive keeps that CPU's later entry");
      System.exit(2);
    }
    Path results = Path.of(files[0]);
    write(results, Path.of(files[1]), files.length == 3 ? Path.of(files[2]) : results.resolve("cluster.json"), !again);
    System.out.println("wrote " + files[1]);
  }

  /** Writes the report for the results in {@code results} to {@code out}, and its charts beside it. */
  static void write(Path results, Path out) throws IOException {
    write(results, out, results.resolve("cluster.json"), true);
  }

  /**
   * The same, with the Spark benchmark's results read from {@code cluster} (which may be absent). When the run is its
   * CPU's {@code latest}, its targets table is also kept in {@code results/targets/} as that CPU's entry; else an
   * entry there from a later run of the same CPU stays, and is reported after this run's table. The other CPUs'
   * entries there are reported apart.
   */
  static void write(Path results, Path out, Path cluster, boolean latest) throws IOException {
    System.setProperty("java.awt.headless", "true");
    AtomicFiles.writeString(out, new BenchmarksReport(results, cluster, results.resolve(TARGETS_DIR), latest)
        .render(out.toAbsolutePath().getParent()));
  }

  /** The folder of a results directory that keeps every CPU's targets table ({@link CpuTargets}). */
  static final String TARGETS_DIR = "targets";

  /**
   * Adds the targets a run measured, those it measured at all, to {@code archive} as its CPU's entry, replacing that
   * CPU's earlier one; for {@code benchmarks/run targets}, which measures only what depends on the CPU's kernels.
   * Returns the entry's file.
   */
  static Path archiveTargets(Path results, Path archive) throws IOException {
    BenchmarksReport report = new BenchmarksReport(results, results.resolve("cluster.json"), archive, true);
    if (report.machine.cpuinfo().isEmpty()) {
      throw new IOException(results.resolve("jmh-delta4j.machine.json") + ": no machine recorded; the targets of an "
          + "unknown CPU are not archived");
    }
    report.computeTargets();
    CpuTargets entry = report.entry(report.targets);
    if (entry.rows().isEmpty()) {
      throw new IOException(results + ": no target was measured (wants FmaPeakBenchmark, GemmBenchmark at n=1024 and "
          + "TrainingStepBenchmark in jmh-delta4j.json)");
    }
    entry.writeTo(archive);
    return CpuTargets.file(archive, entry.machine());
  }

  /** This run's entry for the archive: its machine, FMA peak, how and when it ran, and the targets it measured. */
  private CpuTargets entry(List<String[]> rows) {
    String fmaPeak = Double.isNaN(peak.float32Gflops()) ? "not measured"
        : num(peak.float32Gflops()) + " GFLOP/s FLOAT32, " + num(peak.float64Gflops()) + " GFLOP/s FLOAT64";
    return new CpuTargets(machine, fmaPeak, run.path("run").asText("benchmarks/run"),
        run.path("commit").asText(CpuTargets.NOT_RECORDED), run.path("date").asText(CpuTargets.NOT_RECORDED),
        rows.stream().filter(t -> !t[3].equals("not measured")).map(List::of).toList());
  }

  /** "Measured by `benchmarks/run` on commit 4a05116, 2026-12-04." or what of it is known. */
  static String measuredBy(CpuTargets e) {
    String s = "Measured by `" + e.run() + "`";
    if (!e.commit().equals(CpuTargets.NOT_RECORDED)) {
      s += " on commit " + e.commit();
    }
    return s + (e.date().equals(CpuTargets.NOT_RECORDED) ? "; the day was not recorded." : ", " + e.date() + ".");
  }

  private static JsonNode json(Path file) throws IOException {
    return Files.isRegularFile(file) ? new ObjectMapper().readTree(file.toFile()) : new ObjectMapper().createObjectNode();
  }

  private String render(Path reportDir) throws IOException {
    Properties versions = new Properties();
    try (InputStream in = BenchmarksReport.class.getResourceAsStream("/benchmark-versions.properties")) {
      if (in != null) {
        versions.load(in);
      }
    }
    double torchStep = torchPassive.path("train_samples_per_s").asDouble(Double.NaN);
    double refStep = steps(ours, "ref");
    double nd4jStep = steps(ours, "nd4j");

    md.append("# Delta4j benchmarks\n\n");
    md.append("Written by `benchmarks/run` from the measurements of one run; regenerate rather than edit. ");
    if (machine.cpuinfo().isEmpty()) {
      md.append("**These results carry no record of the machine they were measured on** (they were written before "
          + "results recorded it): which CPU, and which BLAS each peer ran on, is unknown, so no verdict is written "
          + "against a peer. Rerun `benchmarks/run` for a report that names both.\n\n");
    } else {
      md.append("Every figure below was measured on one machine, **").append(machine.summary())
          .append("**; results from any other CPU are left out, never mixed in, except that each other CPU's targets "
              + "are shown apart, in a table of their own (\"Targets on other CPUs\").\n\n");
    }
    if (!leftOut.isEmpty()) {
      md.append("**Left out, measured on another CPU than Delta4j's results (").append(machine.fingerprint())
          .append("):**\n\n");
      leftOut.forEach((what, cpu) -> md.append("- ").append(what).append(": ").append(cpu).append('\n'));
      md.append('\n');
    }
    md.append("## Machine and versions\n\n");
    md.append("| | |\n|---|---|\n");
    boolean known = !machine.cpuinfo().isEmpty();
    md.append("| CPU | ").append(known ? machine.model() + (machine.identity().isEmpty() ? ""
        : " (" + machine.identity() + ")") : "not recorded").append(" |\n");
    md.append("| vector extensions | ").append(known ? machine.cpuWidestVectors()
        + (machine.heldToNarrowerVectors() ? " (this run held to " + machine.widestVectors() + ")" : "") + ": "
        + String.join(" ", machine.vectorExtensions()) : "not recorded").append(" |\n");
    md.append("| cores used | ").append(known ? Integer.toString(machine.cores()) : "not recorded")
        .append(" (every benchmark; the peers ").append(torchPassive.path("threads").asText("?"))
        .append(" threads) |\n");
    md.append(String.format(Locale.ROOT, "| FMA peak, all cores | %s GFLOP/s FLOAT32, %s GFLOP/s FLOAT64 "
        + "(`FmaPeakBenchmark`) |%n", num(peak.float32Gflops()), num(peak.float64Gflops())));
    md.append(Double.isNaN(peakOneCore.float32Gflops()) ? "| FMA peak, one core | not measured in this run |\n"
        : String.format(Locale.ROOT, "| FMA peak, one core | %s GFLOP/s FLOAT32, %s GFLOP/s FLOAT64; all cores ÷ "
            + "(cores × one core), FLOAT32: %.2f |%n", num(peakOneCore.float32Gflops()),
            num(peakOneCore.float64Gflops()), coreScaling()));
    for (String key : new String[] {"memory", "Java", "JVM vector width", "reference gemm",
        Machine.CACHE_LINE_BETWEEN_CORES}) {
      md.append("| ").append(key).append(" | ").append(machine.settings().getOrDefault(key, "not recorded"))
          .append(" |\n");
    }
    md.append("| placement of the cores, measured iterations | ").append(placementCounts()).append(" |\n");
    md.append("| JMH | ").append(versions.getProperty("jmh", "?")).append(" |\n");
    md.append("| ND4J / DL4J | ").append(versions.getProperty("nd4j", "?")).append(" / ")
        .append(versions.getProperty("dl4j", "?")).append(" |\n");
    md.append("| PyTorch | ").append(torchPassive.path("torch").asText("not measured")).append(", ")
        .append(torchPassive.path("threads").asText("?")).append(" threads |\n\n");
    blasSection();

    md.append("## Method\n\n");
    md.append("JMH, one fork per benchmark (two for matrix multiply), warm-up then measured iterations (see each "
        + "class in `benchmarks/src/main/java`); scores are means with 99.9 % confidence half-widths. Matrix products run "
        + "one type and shape at a time, the reference engine, the nd4j engine and raw ND4J back to back, so that each "
        + "ratio between them is of measurements about a minute apart. The training step is "
        + "MLP 784-256-128-10 (ReLU, softmax cross-entropy, Adam 1e-3, Xavier), batch 128, FLOAT32, on batches of "
        + "Fashion-MNIST already in the engine's tensors, for Delta4j, DL4J (`MultiLayerNetwork.fit`) and PyTorch "
        + "(`benchmarks/peers/pytorch_peer.py`, 2 threads, best of its rounds). DL4J and PyTorch run twice: as they come and "
        + "with `OMP_WAIT_POLICY=PASSIVE`. Raw ND4J (gemm; the forward pass at batch 1 and a single trivial call) is the "
        + "yardstick for the nd4j engine. Allocation is JMH's `gc.alloc.rate.norm` (bytes per operation).\n\n"
        + "On a virtual machine the host may move the two cores between one L3 and two every few seconds to minutes, "
        + "and a step that hands work between the cores runs a quarter to a half slower on two. So before and after "
        + "every iteration `CorePlacementProfiler` times a cache line passed between the cores: at most "
        + String.format(Locale.ROOT, "%.0f", CorePlacement.FAR_ABOVE_NANOS) + " ns one way both times is *near "
        + "cores*, more both times *far cores*, one of each *cores moved*; a probe that completed nothing, or took "
        + "over a microsecond (one of its threads preempted in every window), leaves the other to tell. A ratio of the "
        + "engines to raw ND4J is taken over the iterations both measured in one placement, the one with more of them, "
        + "and says which when some were left out; two measured only in different placements get no verdict. The "
        + "training step's share of peak is given for each placement it was measured in. The PyTorch peer times each "
        + "training round between two such probes (`MachineProbe --cores`), five rounds and then more, up to 25, "
        + "until two or more fell in each of near and far cores; a training step's ratio to PyTorch is taken against "
        + "PyTorch's best round in the placement both measured most in.\n\n");

    md.append("## Targets, on ").append(heading(machine)).append("\n\n");
    computeTargets();
    CpuTargets thisRun = entry(targets);
    md.append(measuredBy(thisRun)).append("\n\n");
    targetTable(targets);
    otherCpus(thisRun);

    md.append("## Training step (samples/s, higher is better)\n\n");
    Map<String, Double> step = new LinkedHashMap<>();
    step.put("Delta4j ref", refStep);
    step.put("Delta4j nd4j", nd4jStep);
    step.put("DL4J as it comes", dl4jSteps(dl4j));
    step.put("DL4J PASSIVE", dl4jSteps(dl4jPassive));
    step.put("PyTorch as it comes", torch.path("train_samples_per_s").asDouble(Double.NaN));
    step.put("PyTorch PASSIVE", torchStep);
    md.append("The matrix products of one step are ").append(num(STEP_FLOPS / 1e6)).append(" MFLOP (forward, weight "
        + "gradients, and the input gradients of the second and third layers); % of peak is of the FLOAT32 FMA peak.\n\n");
    md.append("| system | samples/s | GFLOP/s | % of peak | ÷ PyTorch PASSIVE | ÷ DL4J PASSIVE |\n"
        + "|---|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, Double> e : step.entrySet()) {
      double gflops = e.getValue() / BenchmarkData.BATCH * STEP_FLOPS / 1e9;
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", e.getKey(), num(e.getValue()),
          num(gflops), percent(peak.percent(gflops, "FLOAT32")), ratio(e.getValue() / torchStep),
          ratio(e.getValue() / step.get("DL4J PASSIVE"))));
    }
    md.append("\n![training step](benchmarks/results/training-step.png)\n\n");
    barChart(step, reportDir.resolve("benchmarks/results/training-step.png"));

    twoNetworks();

    md.append("## Inference\n\n| system | batch 1 latency (µs) | batch 1000 (samples/s) |\n|---|---:|---:|\n");
    for (String engine : new String[] {"ref", "nd4j"}) {
      md.append("| Delta4j ").append(engine).append(" | ")
          .append(num(score(ours, "InferenceBenchmark.batch1Latency", "engine", engine))).append(" | ")
          .append(num(1000 * score(ours, "InferenceBenchmark.batch1000Throughput", "engine", engine))).append(" |\n");
    }
    md.append("| raw ND4J, one call per step | ").append(num(score(ours, "Nd4jInferenceBenchmark.batch1Latency")))
        .append(" | – |\n");
    md.append("| raw ND4J, one trivial call | ").append(num(score(ours, "Nd4jInferenceBenchmark.oneCall")))
        .append(" | – |\n");
    md.append("| DL4J PASSIVE | ").append(num(score(dl4jPassive, "Dl4jBenchmark.batch1Latency"))).append(" | ")
        .append(num(1000 * score(dl4jPassive, "Dl4jBenchmark.batch1000Throughput"))).append(" |\n");
    for (JsonNode t : new JsonNode[] {torch, torchPassive}) {
      md.append("| PyTorch ").append(t.path("omp_wait_policy").asText("").isEmpty() ? "as it comes" : "PASSIVE")
          .append(" | ").append(num(t.path("batch1_latency_us").asDouble(Double.NaN))).append(" | ")
          .append(num(1000 * t.path("batch1000_per_s").asDouble(Double.NaN))).append(" |\n");
    }
    convolutionalSection();
    md.append("\n## One epoch of Fashion-MNIST (seconds, lower is better)\n\n| system | seconds |\n|---|---:|\n");
    for (String engine : new String[] {"ref", "nd4j"}) {
      md.append("| Delta4j ").append(engine).append(" | ")
          .append(num(score(ours, "EpochBenchmark.epoch", "engine", engine))).append(" |\n");
    }
    md.append("| DL4J as it comes | ").append(num(score(dl4j, "Dl4jBenchmark.epoch"))).append(" |\n");
    md.append("| DL4J PASSIVE | ").append(num(score(dl4jPassive, "Dl4jBenchmark.epoch"))).append(" |\n");
    md.append("| PyTorch PASSIVE | ").append(num(torchPassive.path("epoch_seconds").asDouble(Double.NaN)))
        .append(" |\n\n");

    md.append("## Matrix multiply (GFLOP/s, and % of the FMA peak of the type)\n\n| shape | type | ref | nd4j engine "
        + "| raw ND4J | ref % peak | raw % peak | ref ÷ raw | engine ÷ raw |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    List<String> shapes = new ArrayList<>(List.of(SQUARE_SIZES));
    shapes.addAll(List.of(TRAINING_SHAPES));
    for (String dtype : new String[] {"FLOAT32", "FLOAT64"}) {
      for (String shape : shapes) {
        double ref = gflops(ours, "GemmBenchmark.gemm", "ref", dtype, shape);
        double eng = gflops(ours, "GemmBenchmark.gemm", "nd4j", dtype, shape);
        double raw = gflopsRaw(dtype, shape);
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", shape, dtype, num(ref),
            num(eng), num(raw), percent(peak.percent(ref, dtype)), percent(peak.percent(raw, dtype)),
            placedRatio(gemmRatio("ref", dtype, shape)), placedRatio(gemmRatio("nd4j", dtype, shape))));
      }
    }
    md.append("\nThe ratios are over the iterations both measured in one placement of the cores (see Method); "
        + "\"placements differ\" marks two measured only in different ones.\n");
    md.append("\n![gemm](benchmarks/results/gemm.png)\n\n");
    gemmChart(reportDir.resolve("benchmarks/results/gemm.png"));

    md.append("## Layers and losses (operations/s) and allocation (bytes/operation)\n\n"
        + "| benchmark | engine | type | ops/s | bytes/op |\n|---|---|---|---:|---:|\n");
    for (JmhResults.Result r : ours.all()) {
      String n = r.shortName();
      if (n.startsWith("DenseBenchmark") || n.startsWith("SoftmaxCrossEntropy") || n.startsWith("TrainingStep")) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", n, r.param("engine"),
            r.param("dtype").isEmpty() ? "FLOAT32" : r.param("dtype"), num(r.score()),
            r.allocatedBytesPerOp().map(BenchmarksReport::num).orElse("–")));
      }
    }
    md.append("\n## Memory of the main job\n\n");
    if (memory.size() == 0) {
      md.append("Not measured in this run.\n\n");
    } else {
      md.append("| program | peak RSS (MiB) | test accuracy | seconds |\n|---|---:|---:|---:|\n");
      md.append(String.format(Locale.ROOT, "| Delta4j main job (`%s`) | %s | %s | %s |%n",
          memory.path("delta4j_command").asText(), num(memory.path("delta4j_peak_rss_kib").asDouble() / 1024),
          memory.path("delta4j_test_accuracy").asText("?"), num(memory.path("delta4j_seconds").asDouble())));
      md.append(String.format(Locale.ROOT, "| PyTorch equivalent | %s | %s | %s |%n",
          num(memory.path("pytorch_peak_rss_kib").asDouble() / 1024), memory.path("pytorch_test_accuracy").asText("?"),
          num(memory.path("pytorch_seconds").asDouble())));
      md.append('\n');
    }
    md.append(spark.render(machine, coreScaling()));
    Path notes = reportDir.resolve("benchmarks/PROFILE.md");
    if (Files.isRegularFile(notes)) {
      md.append(Files.readString(notes));
    }
    return md.toString();
  }

  /**
   * The convolutional network ({@code CnnBenchmark}, {@code Dl4jCnnBenchmark}, the PyTorch peer's {@code cnn}) and its
   * convolutions alone ({@code Conv2DBenchmark}) beside ND4J's native ops; results from before these benchmarks
   * existed leave the section saying so.
   */
  private void convolutionalSection() {
    md.append("\n## Convolutional network\n\n");
    if (ours.find("CnnBenchmark.trainStep").isEmpty() && ours.find("Conv2DBenchmark.forward").isEmpty()) {
      md.append("Not measured in this run (its results predate the convolutional benchmarks).\n\n");
      return;
    }
    md.append("The main program's `train --preset cnn` network, the same in every system: conv 32 3×3, batch norm, "
        + "ReLU, max-pool 2, conv 64 3×3, batch norm, ReLU, max-pool 2, dense 128, ReLU, dense 10 (same "
        + "padding, convolutions without bias, He-uniform, softmax cross-entropy, Adam) on [1, 28, 28], FLOAT32; the "
        + "training step at batch ").append(BenchmarkData.BATCH).append(". Delta4j: `CnnBenchmark`; DL4J: "
        + "`Dl4jCnnBenchmark` (ConvolutionLayer, BatchNormalization, SubsamplingLayer, DenseLayer, OutputLayer); "
        + "PyTorch: `pytorch_peer.py`'s `cnn`.\n\n");
    Map<String, double[]> rows = new LinkedHashMap<>(); // samples/s, batch-1 µs, batch-1000 samples/s, bytes/step
    for (String engine : new String[] {"ref", "nd4j"}) {
      rows.put("Delta4j " + engine, new double[] {
          BenchmarkData.BATCH * score(ours, "CnnBenchmark.trainStep", "engine", engine),
          score(ours, "CnnBenchmark.batch1Latency", "engine", engine),
          1000 * score(ours, "CnnBenchmark.batch1000Throughput", "engine", engine),
          ours.find("CnnBenchmark.trainStep", "engine", engine).flatMap(JmhResults.Result::allocatedBytesPerOp)
              .orElse(Double.NaN)});
    }
    rows.put("DL4J as it comes", dl4jCnn(dl4j));
    rows.put("DL4J PASSIVE", dl4jCnn(dl4jPassive));
    rows.put("PyTorch as it comes", torchCnn(torch));
    rows.put("PyTorch PASSIVE", torchCnn(torchPassive));
    double torchStep = rows.get("PyTorch PASSIVE")[0];
    // Against DL4J the faster of its two runs, so that no setting of the peer's is held against it.
    double asItComes = rows.get("DL4J as it comes")[0];
    double passive = rows.get("DL4J PASSIVE")[0];
    double dl4jStep = Double.isNaN(asItComes) ? passive : Double.isNaN(passive) ? asItComes
        : Math.max(asItComes, passive);
    md.append("| system | training step (samples/s) | batch 1 latency (µs) | batch 1000 (samples/s) "
        + "| step ÷ PyTorch PASSIVE | step ÷ DL4J (faster run) | bytes allocated per step |\n"
        + "|---|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, double[]> e : rows.entrySet()) {
      double[] v = e.getValue();
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(), num(v[0]), num(v[1]),
          num(v[2]), ratio(v[0] / torchStep), ratio(v[0] / dl4jStep), num(v[3])));
    }
    md.append("\n### Convolutions alone, beside ND4J's native op (calls/s at batch ").append(BenchmarkData.BATCH)
        .append(")\n\nEach convolution of the network through the engines' `Conv2DLayer` (the engine's "
            + "`Convolution`: im2col, gemm, axis swap, by blocks of samples on the ref engine, over the whole batch on "
            + "nd4j; backward: weight and input gradients) and through ND4J's `conv2d` and "
            + "`conv2d_bp` called directly, all in one JMH run (`Conv2DBenchmark`).\n\n"
            + "| layer | pass | ref | nd4j engine | ND4J native | ref ÷ native | nd4j engine ÷ native |\n"
            + "|---|---|---:|---:|---:|---:|---:|\n");
    List<String[]> cnnTargets = new ArrayList<>();
    for (String step : new String[] {"ref", "nd4j"}) {
      double v = rows.get("Delta4j " + step)[0];
      cnnTargets.add(stepAgainstTorch(step + " engine", "CNN training step", "CnnBenchmark", step,
          torchPassive.path("cnn"), 1.0));
      cnnTargets.add(verdict(step + " engine CNN training step ÷ DL4J (faster run)", v / dl4jStep, 3.0, true,
          "DL4J"));
    }
    List<String> engineVsNative = new ArrayList<>();
    List<String> trainingPass = new ArrayList<>();
    for (String layer : new String[] {"conv1", "conv2"}) {
      double engineSeconds = 0; // of a training pass, forward then backward: Σ 1 / (calls/s)
      double nativeSeconds = 0;
      for (String pass : new String[] {"forward", "backward"}) {
        String name = "Conv2DBenchmark." + pass;
        double ref = score(ours, name, "engine", "ref", "layer", layer);
        double eng = score(ours, name, "engine", "nd4j", "layer", layer);
        double raw = score(ours, name, "engine", GemmBenchmark.RAW_ND4J, "layer", layer);
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", layer, pass, num(ref), num(eng),
            num(raw), ratio(ref / raw), ratio(eng / raw)));
        engineVsNative.add(layer + " " + pass + " " + ratio(eng / raw));
        engineSeconds += 1 / eng;
        nativeSeconds += 1 / raw;
        if (pass.equals("forward")) {
          cnnTargets.add(verdict("ref conv2d forward (" + layer + ") ÷ ND4J native conv2d",
              PlacedRatio.of(ours.find(name, "engine", "ref", "layer", layer),
                  ours.find(name, "engine", GemmBenchmark.RAW_ND4J, "layer", layer)),
              0.6, true, "raw ND4J", "the reference engine", "ND4J native"));
        }
      }
      trainingPass.add(layer + " " + ratio(nativeSeconds / engineSeconds));
    }
    md.append("\nThe nd4j engine convolves by im2col and gemm; against ND4J's native `conv2d`/`conv2d_bp` it runs at ")
        .append(String.join(", ", engineVsNative)).append(", and over a training pass (forward then backward, "
            + "whose backward reuses the forward pass's columns where `conv2d_bp` redoes its own) at ")
        .append(String.join(", ", trainingPass)).append(". A ratio below 0.77× would make the native op more than "
            + "1.3× faster.\n\n");
    cnnTargets.add(verdict("reference engine CNN training step, bytes allocated per step", rows.get("Delta4j ref")[3],
        4096, false, null));
    md.append("### Targets\n\n");
    targetTable(cnnTargets);
  }

  /** DL4J's CNN row: samples/s, batch-1 µs, batch-1000 samples/s, and no allocation figure (not profiled). */
  private static double[] dl4jCnn(JmhResults r) {
    return new double[] {BenchmarkData.BATCH * score(r, "Dl4jCnnBenchmark.trainStep"),
        score(r, "Dl4jCnnBenchmark.batch1Latency"), 1000 * score(r, "Dl4jCnnBenchmark.batch1000Throughput"),
        Double.NaN};
  }

  /**
   * The row "{@code name} {@code step} ÷ PyTorch (PASSIVE)": {@code engine}'s {@code benchmark}.trainStep against
   * PyTorch's training rounds in {@code torch} ({@link #torchSteps}), in one placement of the cores, against PyTorch's
   * best round there.
   */
  private String[] stepAgainstTorch(String name, String step, String benchmark, String engine, JsonNode torch,
      double required) {
    return verdict(name + " " + step + " ÷ PyTorch (PASSIVE)", PlacedRatio.againstBest(ours.find(benchmark
        + ".trainStep", "engine", engine), torchSteps(torch)), required, true, "PyTorch", "the " + name, "PyTorch");
  }

  /**
   * A PyTorch training step's rate (steps/s) as a result to place: its score the best of its rounds, as the peer
   * reports it, and each round with the placement of the cores its probes saw ({@code train_rounds}; none when the
   * peer ran without a probe). Empty when not measured.
   */
  private static Optional<JmhResults.Result> torchSteps(JsonNode t) {
    double best = t.path("train_steps_per_s").asDouble(Double.NaN);
    if (Double.isNaN(best)) {
      return Optional.empty();
    }
    List<JmhResults.Iteration> rounds = new ArrayList<>();
    for (JsonNode r : t.path("train_rounds")) {
      rounds.add(new JmhResults.Iteration(r.path("rate").asDouble(Double.NaN), CorePlacement.of(
          r.path("cores_before_ns").asDouble(Double.NaN), r.path("cores_after_ns").asDouble(Double.NaN))));
    }
    return Optional.of(new JmhResults.Result("pytorch_peer.trainStep", Map.of(), best, Double.NaN, "ops/s",
        Optional.empty(), rounds));
  }

  /** PyTorch's CNN row, from its results' {@code cnn} object. */
  private static double[] torchCnn(JsonNode t) {
    JsonNode c = t.path("cnn");
    return new double[] {c.path("train_samples_per_s").asDouble(Double.NaN),
        c.path("batch1_latency_us").asDouble(Double.NaN), 1000 * c.path("batch1000_per_s").asDouble(Double.NaN),
        Double.NaN};
  }

  /**
   * The targets table's rows, from the results: the reference kernels against raw ND4J and the FMA peak, the nd4j
   * engine against raw ND4J, the training step and inference against PyTorch, allocation and memory.
   */
  private void computeTargets() {
    for (String dtype : new String[] {"FLOAT32", "FLOAT64"}) {
      double ref = gflops(ours, "GemmBenchmark.gemm", "ref", dtype, "1024");
      targets.add(verdict("reference engine gemm " + dtype + " n=1024 ÷ raw ND4J gemm",
          gemmRatio("ref", dtype, "1024"), 0.8, true, "raw ND4J", "the reference engine", "raw ND4J"));
      target("reference engine gemm " + dtype + " n=1024, % of the " + dtype + " FMA peak", peak.percent(ref, dtype),
          60, true, null);
    }
    for (String dtype : new String[] {"FLOAT32", "FLOAT64"}) {
      List<String> sizes = new ArrayList<>(List.of("1024"));
      sizes.addAll(List.of(TRAINING_SHAPES));
      for (String size : sizes) {
        targets.add(verdict("nd4j engine gemm " + dtype + " " + size + " ÷ raw ND4J gemm",
            gemmRatio("nd4j", dtype, size), 0.95, true, null, "the nd4j engine", "raw ND4J"));
      }
    }
    targets.add(stepShareOfPeak());
    targets.add(stepAgainstTorch("nd4j engine", "training step", "TrainingStepBenchmark", "nd4j", torchPassive, 1.0));
    targets.add(stepAgainstTorch("reference engine", "training step", "TrainingStepBenchmark", "ref", torchPassive,
        0.75));
    target("reference engine training step, layers written with autodiff ÷ hand-written",
        score(ours, "AutodiffBenchmark.trainStep", "engine", "ref", "layers", "autodiff")
            / score(ours, "AutodiffBenchmark.trainStep", "engine", "ref", "layers", "hand-written"), 0.85, true, null);
    double torchLatency = torchPassive.path("batch1_latency_us").asDouble(Double.NaN);
    target("ref inference latency at batch 1 ÷ PyTorch (PASSIVE)",
        score(ours, "InferenceBenchmark.batch1Latency", "engine", "ref") / torchLatency, 0.5, false, "PyTorch");
    target("nd4j inference latency at batch 1 ÷ PyTorch (PASSIVE)",
        score(ours, "InferenceBenchmark.batch1Latency", "engine", "nd4j") / torchLatency, 1.0, false, "PyTorch");
    // What ND4J itself takes, called directly, bounds what any engine on it can do: the forward pass one call per
    // step, and four of its cheapest calls (the fewest a forward pass fused into ND4J's layer ops needs).
    double rawLatency = score(ours, "Nd4jInferenceBenchmark.batch1Latency") / torchLatency;
    double fourCalls = 4 * score(ours, "Nd4jInferenceBenchmark.oneCall") / torchLatency;
    String[] nd4jLatency = targets.get(targets.size() - 1);
    if (rawLatency > 1.0 && fourCalls > 1.0 && nd4jLatency[3].startsWith("**missed**")) {
      nd4jLatency[3] += String.format(Locale.ROOT, "; raw ND4J alone is %s× PyTorch, and four of its cheapest calls "
          + "%s×: a limit of the library", num(rawLatency), num(fourCalls));
    }
    target("reference engine training step, bytes allocated per step",
        ours.find("TrainingStepBenchmark.trainStep", "engine", "ref").flatMap(JmhResults.Result::allocatedBytesPerOp)
            .orElse(Double.NaN), 1024, false, null);
    target("main job peak RSS ÷ equivalent PyTorch script",
        memory.path("delta4j_peak_rss_kib").asDouble(Double.NaN) / memory.path("pytorch_peak_rss_kib")
            .asDouble(Double.NaN), 0.6, false, "PyTorch main job");
  }

  /**
   * A CPU's {@link Machine#summary} as a heading, with its {@link Machine#identity} where another CPU of the report
   * (this run's or one in the archive) has the same summary: two Xeons of different generations that a virtual
   * machine names alike are told apart.
   */
  private String heading(Machine m) throws IOException {
    if (shown == null) { // read once: the archive's CPUs are the same for every heading of one report
      shown = new ArrayList<>(List.of(machine));
      CpuTargets.readAll(archive).forEach(e -> shown.add(e.machine()));
    }
    boolean shared = shown.stream()
        .anyMatch(o -> !o.fingerprint().equals(m.fingerprint()) && o.summary().equals(m.summary()));
    return shared && !m.identity().isEmpty() ? m.summary() + " (" + m.identity() + ")" : m.summary();
  }

  /**
   * Keeps this run's targets as its CPU's entry in the archive (when it is that CPU's {@link #latest} run; else shows
   * the later entry there after this run's table), and writes every other CPU's latest table there, each on its own:
   * the figures of another CPU are never put in this run's tables.
   */
  private void otherCpus(CpuTargets thisRun) throws IOException {
    if (!machine.cpuinfo().isEmpty() && latest) {
      thisRun.writeTo(archive);
    }
    List<CpuTargets> all = CpuTargets.readAll(archive);
    for (CpuTargets e : all) {
      boolean sameCpu = e.machine().fingerprint().equals(machine.fingerprint());
      if (sameCpu && !latest && !machine.cpuinfo().isEmpty() && !(e.run().equals(thisRun.run())
          && e.commit().equals(thisRun.commit()) && e.date().equals(thisRun.date()))) {
        md.append("### Since, on the same CPU\n\n");
        md.append("A later, shorter run measured these targets again; the rest of this report is of the run "
            + "above.\n\n");
        md.append(measuredBy(e)).append(" FMA peak, all cores: ").append(e.fmaPeak()).append(".\n\n");
        targetTable(e.rows().stream().map(r -> r.toArray(String[]::new)).toList());
      }
    }
    List<CpuTargets> others = all.stream()
        .filter(e -> !e.machine().fingerprint().equals(machine.fingerprint())).toList();
    if (others.isEmpty()) {
      return;
    }
    md.append("## Targets on other CPUs\n\n");
    md.append("Each other CPU's targets from its latest run (`benchmarks/results/targets/`), in a table of its own: "
        + "those figures are of that CPU and that commit, and none of them appears in any other table of this "
        + "report.\n\n");
    for (CpuTargets e : others) {
      md.append("### ").append(heading(e.machine())).append("\n\n");
      md.append(measuredBy(e)).append(" FMA peak, all cores: ").append(e.fmaPeak()).append("; JVM vector width ")
          .append(e.machine().settings().getOrDefault("JVM vector width", "not recorded")).append("; reference gemm: ")
          .append(e.machine().settings().getOrDefault("reference gemm", "not recorded")).append(".\n\n");
      targetTable(e.rows().stream().map(r -> r.toArray(String[]::new)).toList());
    }
  }

  /**
   * One row of the targets table. {@code peer} names whose BLAS the figure depends on (a key of {@link #peerBlas}),
   * or is null: against a peer that did not run on a known optimized BLAS no verdict is written, and why is.
   */
  private void target(String what, double measured, double required, boolean atLeast, String peer) {
    targets.add(verdict(what, measured, required, atLeast, peer));
  }

  /**
   * A targets-table row of a ratio between one of Delta4j's results ({@code ourName}) and a peer's ({@code
   * theirName}), as {@link #verdict(String, double, double, boolean, String)}, taken in one placement of the cores: the
   * row says which when not every iteration was in it. Two measured only in different placements get no verdict,
   * unless the target is met with ours measured far and theirs near, which could only have lowered a rate of ours (or
   * raised a time) against theirs.
   */
  private String[] verdict(String what, PlacedRatio r, double required, boolean atLeast, String peer,
      String ourName, String theirName) {
    String[] row = verdict(what, r.value(), required, atLeast, peer);
    boolean judged = row[3].equals("met") || row[3].startsWith("**missed**");
    String where = r.describe(ourName, theirName);
    if (row[3].equals("met") && r.placementStoodAgainstA()) {
      row[3] = "met, with the placement against " + ourName + ": " + where + ", and far cores only slow a "
          + "measurement";
    } else if (judged && !r.comparable()) {
      row[3] = "no verdict: " + where + ", so the ratio is as much the host's placement of the cores as the code's; "
          + "rerun";
    } else if (judged && !where.isEmpty()) {
      row[3] += " (" + where + ")";
    }
    return row;
  }

  /**
   * The reference engine's training step as a share of the FLOAT32 FMA peak, over all its iterations; when they were
   * measured in both placements of the cores, the verdict is given for each, since the step hands work between the
   * cores several times and the host's placement moves it by a quarter.
   */
  private String[] stepShareOfPeak() {
    Optional<JmhResults.Result> step = ours.find("TrainingStepBenchmark.trainStep", "engine", "ref");
    String[] row = verdict("reference engine training step, % of the FLOAT32 FMA peak",
        sharePercent(step.map(JmhResults.Result::score).orElse(Double.NaN)), 40, true, null);
    if (step.isEmpty() || Double.isNaN(peak.float32Gflops())) {
      return row;
    }
    Map<CorePlacement, Integer> placements = step.get().placements();
    placements.keySet().removeIf(p -> !p.comparable());
    int all = step.get().iterations().size();
    if (placements.size() == 1) {
      row[3] += " (" + placements.keySet().iterator().next() + ")";
    } else if (placements.size() > 1) {
      List<String> each = new ArrayList<>();
      placements.forEach((p, n) -> {
        double pct = sharePercent(step.get().scoreIn(p));
        each.add(String.format(Locale.ROOT, "%s with %s (%s, %d of %d iterations)", verdict(pct, 40, true), p,
            percent(pct), n, all));
      });
      row[3] = String.join("; ", each);
    }
    return row;
  }

  /** How many of Delta4j's and raw ND4J's measured iterations ran in each placement of the cores. */
  private String placementCounts() {
    Map<CorePlacement, Integer> count = new EnumMap<>(CorePlacement.class);
    ours.all().forEach(r -> r.placements().forEach((p, n) -> count.merge(p, n, Integer::sum)));
    int all = count.values().stream().mapToInt(Integer::intValue).sum();
    if (count.keySet().stream().noneMatch(CorePlacement::comparable)) {
      return "not recorded";
    }
    List<String> parts = new ArrayList<>();
    count.forEach((p, n) -> parts.add(p + " " + n));
    return String.join(", ", parts) + " of " + all + " (`CorePlacementProfiler`)";
  }

  /** A training step's rate (steps/s) as a percentage of the FLOAT32 FMA peak. */
  private double sharePercent(double stepsPerSecond) {
    return peak.percent(stepsPerSecond * STEP_FLOPS / 1e9, "FLOAT32");
  }

  /** A targets-table row: what, the measured value, the requirement, and the verdict (see {@link #target}). */
  private String[] verdict(String what, double measured, double required, boolean atLeast, String peer) {
    String status;
    Blas blas = peer == null ? null : peerBlas.getOrDefault(peer, Blas.NONE);
    if (Double.isNaN(measured)) {
      status = "not measured";
    } else if (blas != null && !blas.optimized()) {
      status = blas.reference()
          ? "no verdict: " + peer + " ran on the reference BLAS (`" + blas.library() + "`), an order of magnitude "
              + "below an optimized one; install one (Debian: `libopenblas0-pthread`) and rerun"
          : "no verdict: the BLAS " + peer + " ran on was not recorded, so the ratio may compare against a reference "
              + "BLAS";
    } else if (blas != null && !blas.tunedFor(machine)) {
      status = "no verdict: " + peer + "'s " + new OpenBlasCore(blas.core()).advice(machine) + ", and rerun";
    } else {
      status = verdict(measured, required, atLeast);
    }
    boolean pct = what.contains("% of");
    return new String[] {what, measuredCell(measured, required, pct, status.startsWith("**missed**")),
        (atLeast ? "≥ " : "≤ ") + (pct ? percent(required) : num(required)), status};
  }

  /**
   * The measured value as its table shows it: a percentage or a number, rounded as the requirement is, but with a
   * digit more where a missed target would read as its own requirement ("60 %" against "≥ 60 %").
   */
  static String measuredCell(double measured, double required, boolean pct, boolean missed) {
    String shown = pct ? percent(measured) : num(measured);
    if (missed && shown.equals(pct ? percent(required) : num(required))) {
      return pct ? String.format(Locale.ROOT, "%.1f %%", measured)
          : String.format(Locale.ROOT, Math.abs(measured) >= 100 ? "%,.1f" : "%.4g", measured);
    }
    return shown;
  }

  private void targetTable(List<String[]> rows) {
    md.append("| target | measured | required | status |\n|---|---:|---:|---|\n");
    for (String[] t : rows) {
      md.append("| ").append(String.join(" | ", t)).append(" |\n");
    }
    md.append('\n');
  }

  /**
   * "met", or by how much of the requirement it was missed; "not measured" for NaN. A limit exceeded tenfold or more is
   * missed by so many times the limit: a percentage in the millions reads as a typo, not as the failure it is.
   */
  static String verdict(double measured, double required, boolean atLeast) {
    if (Double.isNaN(measured)) {
      return "not measured";
    }
    if (atLeast ? measured >= required : measured <= required) {
      return "met";
    }
    if (!atLeast && required > 0 && measured >= 10 * required) {
      return String.format(Locale.ROOT, "**missed**: %,.0f× the limit", measured / required);
    }
    double gap = atLeast ? (required - measured) / required : (measured - required) / required;
    return String.format(Locale.ROOT, 100 * gap < 1 ? "**missed** by %.1f %%" : "**missed** by %.0f %%", 100 * gap);
  }

  /** Which BLAS every peer ran on, as recorded by the process that measured it. */
  private void blasSection() {
    md.append("## The BLAS each peer ran on\n\nRecorded by each measured process itself, after a product had run: the "
        + "BLAS libraries mapped into it (`/proc/self/maps`, links resolved), and for OpenBLAS its build and the core "
        + "type it chose (`openblas_get_config`, `openblas_get_corename`). A peer on the reference BLAS, or on "
        + "OpenBLAS kernels narrower than the CPU's vectors, gets no verdict.\n\n"
        + "| results | BLAS | settings |\n|---|---|---|\n");
    machines.forEach((label, m) -> {
      List<String> set = new ArrayList<>();
      m.settings().forEach((k, v) -> {
        if (k.matches("(?i)(openblas|torch|numpy|omp).*")) {
          set.add(k + " = " + v);
        }
      });
      md.append("| ").append(label).append(" | ").append(m.effectiveBlas().describe()).append(" | ")
          .append(set.isEmpty() ? "–" : String.join("; ", set)).append(" |\n");
    });
    md.append('\n');
  }

  /**
   * The table of ConcurrentTrainingBenchmark: aggregate samples/s of one network alone and of two on two threads of
   * one engine instance. Results from before that benchmark existed have neither: the section says so.
   */
  private void twoNetworks() {
    md.append("## Two networks on one engine (aggregate samples/s, higher is better)\n\n");
    String[] engines = {"ref", "nd4j"};
    boolean any = false;
    for (String engine : engines) {
      any |= ours.find("ConcurrentTrainingBenchmark.oneNetwork", "engine", engine).isPresent()
          || ours.find("ConcurrentTrainingBenchmark.twoNetworks", "engine", engine).isPresent();
    }
    if (!any) {
      md.append("Not measured in this run.\n\n");
      return;
    }
    md.append("The training step above, by one network alone and by two networks training at once on two threads "
        + "that share one engine instance; the two networks' samples/s are their sum.\n\n"
        + "| engine | one network | two networks at once | two ÷ one |\n|---|---:|---:|---:|\n");
    for (String engine : engines) {
      double one = BenchmarkData.BATCH * score(ours, "ConcurrentTrainingBenchmark.oneNetwork", "engine", engine);
      double two = BenchmarkData.BATCH * score(ours, "ConcurrentTrainingBenchmark.twoNetworks", "engine", engine);
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", engine, num(one), num(two), ratio(two / one)));
    }
    md.append('\n');
  }

  private static double steps(JmhResults r, String engine) {
    return BenchmarkData.BATCH * score(r, "TrainingStepBenchmark.trainStep", "engine", engine);
  }

  private static double dl4jSteps(JmhResults r) {
    return BenchmarkData.BATCH * score(r, "Dl4jBenchmark.trainStep");
  }

  private static double score(JmhResults r, String name, String... params) {
    return r.find(name, params).map(JmhResults.Result::score).orElse(Double.NaN);
  }

  private static double gflops(JmhResults r, String name, String engine, String dtype, String shape) {
    Optional<JmhResults.Result> res = r.find(name, "engine", engine, "dtype", dtype, "shape", shape);
    return res.map(x -> x.score() * flops(shape) / 1e9).orElse(Double.NaN);
  }

  private double gflopsRaw(String dtype, String shape) {
    return ours.find("GemmBenchmark.gemm", "engine", "nd4j-raw", "dtype", dtype, "shape", shape)
        .map(x -> x.score() * flops(shape) / 1e9).orElse(Double.NaN);
  }

  /** The engine's gemm ÷ raw ND4J's, at one type and shape, in one placement of the cores ({@link PlacedRatio}). */
  private PlacedRatio gemmRatio(String engine, String dtype, String shape) {
    return PlacedRatio.of(ours.find("GemmBenchmark.gemm", "engine", engine, "dtype", dtype, "shape", shape),
        ours.find("GemmBenchmark.gemm", "engine", GemmBenchmark.RAW_ND4J, "dtype", dtype, "shape", shape));
  }

  /** A table cell of a {@link PlacedRatio}: the ratio, and whether the two were measured in different placements. */
  private static String placedRatio(PlacedRatio r) {
    return ratio(r.value()) + (r.comparable() || Double.isNaN(r.value()) ? "" : " (placements differ)");
  }

  private static double flops(String shape) {
    String[] d = shape.split("-")[0].split("x");
    if (d.length == 1) {
      double n = Double.parseDouble(d[0]);
      return 2 * n * n * n;
    }
    return 2 * Double.parseDouble(d[0]) * Double.parseDouble(d[1]) * Double.parseDouble(d[2]);
  }

  private void barChart(Map<String, Double> values, Path png) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(900).height(450)
        .title("Training step, MLP 784-256-128-10, batch 128, FLOAT32").xAxisTitle("").yAxisTitle("samples/s").build();
    List<String> names = new ArrayList<>();
    List<Double> v = new ArrayList<>();
    values.forEach((k, x) -> {
      names.add(k);
      v.add(Double.isNaN(x) ? 0 : x);
    });
    chart.addSeries("samples/s", names, v);
    chart.getStyler().setLegendVisible(false);
    save(chart, png);
  }

  private void gemmChart(Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(450).title("Matrix multiply, FLOAT32")
        .xAxisTitle("n (square n×n·n×n)").yAxisTitle("GFLOP/s").build();
    chart.getStyler().setXAxisLogarithmic(true);
    addGemmSeries(chart, "reference engine", s -> gflops(ours, "GemmBenchmark.gemm", "ref", "FLOAT32", s));
    addGemmSeries(chart, "nd4j engine", s -> gflops(ours, "GemmBenchmark.gemm", "nd4j", "FLOAT32", s));
    addGemmSeries(chart, "raw ND4J", s -> gflopsRaw("FLOAT32", s));
    save(chart, png);
  }

  private static void addGemmSeries(XYChart chart, String name, java.util.function.ToDoubleFunction<String> f) {
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (String s : SQUARE_SIZES) {
      double v = f.applyAsDouble(s);
      if (!Double.isNaN(v)) {
        x.add(Double.parseDouble(s));
        y.add(v);
      }
    }
    if (!x.isEmpty()) {
      chart.addSeries(name, x, y);
    }
  }

  private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) throws IOException {
    AtomicFiles.write(png, tmp -> javax.imageio.ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png",
        tmp.toFile()));
  }

  static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "–";
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String percent(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%.0f %%", v);
  }

  /** How far this machine scales compute-bound code from one core to all ({@link Peak#coreScaling}); NaN if unknown. */
  private double coreScaling() {
    return machine.cpuinfo().isEmpty() ? Double.NaN : peak.coreScaling(peakOneCore, machine.cores());
  }

  private static String ratio(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%.2f×", v);
  }
}
