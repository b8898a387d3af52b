package org.delta4j.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The report's "Spark" section, from the one file {@code spark/bench/run} writes ({@code cluster.json}, see {@code
 * org.delta4j.spark.bench.ClusterBenchmark}): Delta4j's MLP on {@code local-cluster} with 1 and 2 workers, the same
 * blocks on one machine, and Spark MLlib's MLP by l-bfgs and gd on the same cluster and data. Every figure is derived
 * here from the measured ones: samples/s, scaling efficiency, time to an accuracy (linear between the epochs' ends),
 * Spark's cost per step, the three targets, and the projection to separate machines. A missing file gives a section
 * saying so; a file from another CPU than the rest of the report is shown on its own, and said so. Immutable.
 */
final class SparkSection {
  /** The accuracy whose time the specification asks for. */
  static final double GOAL_ACCURACY = 0.88;
  /** The target's "final accuracy after 5 epochs". */
  static final int TARGET_EPOCHS = 5;
  /** The network of the projection: 10 Gb/s, 50 µs a message (assumed, said so in the text). */
  static final double NETWORK_BYTES_PER_S = 1.25e9;
  static final double MESSAGE_LATENCY_S = 50e-6;

  private final JsonNode root;
  private final Path file;

  private SparkSection(JsonNode root, Path file) {
    this.root = root;
    this.file = file;
  }

  /** The section for {@code file}, which may be absent. */
  static SparkSection read(Path file) throws IOException {
    JsonNode node = Files.isRegularFile(file) ? new ObjectMapper().readTree(file.toFile())
        : new ObjectMapper().createObjectNode();
    return new SparkSection(node, file);
  }

  /**
   * One run's test accuracy at each point it was measured — the ends of the parts of every epoch ({@code progress},
   * {@code reports_per_epoch} an epoch) when the run has them, else the epochs' ends — against the training time
   * (evaluation left out) there.
   */
  record Curve(double[] seconds, double[] accuracy) {
    static Curve of(JsonNode run) {
      JsonNode points = run.path("progress").size() > 0 ? run.path("progress") : run.path("epochs");
      return ofPoints(points);
    }

    static Curve ofPoints(JsonNode epochs) {
      double[] t = new double[epochs.size()];
      double[] a = new double[epochs.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = epochs.get(i).path("training_seconds").asDouble(Double.NaN);
        a[i] = epochs.get(i).path("test_accuracy").asDouble(Double.NaN);
      }
      return new Curve(t, a);
    }

    /**
     * The training time at which the accuracy first reaches {@code goal}: linear between the point measured before
     * and the point that reaches it, t = t₀ + (goal − a₀)(t₁ − t₀)/(a₁ − a₀); the first point when it already reaches
     * it (an upper bound, nothing being measured before); NaN when it never does.
     */
    double timeTo(double goal) {
      for (int i = 0; i < accuracy.length; i++) {
        if (accuracy[i] >= goal) {
          if (i == 0) {
            return seconds[0];
          }
          return seconds[i - 1] + (goal - accuracy[i - 1]) * (seconds[i] - seconds[i - 1])
              / (accuracy[i] - accuracy[i - 1]);
        }
      }
      return Double.NaN;
    }

    double last() {
      return accuracy.length == 0 ? Double.NaN : accuracy[accuracy.length - 1];
    }
  }

  /**
   * The steady time of one epoch: the median of the epochs after the first (which holds the executors' JIT
   * warm-up), or the first when it is the only one.
   */
  static double steadyEpochSeconds(JsonNode epochs, String field) {
    double[] s = new double[epochs.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = epochs.get(i).isNumber() ? epochs.get(i).asDouble() : epochs.get(i).path(field).asDouble(Double.NaN);
    }
    if (s.length == 0) {
      return Double.NaN;
    }
    return median(s.length == 1 ? s : Arrays.copyOfRange(s, 1, s.length));
  }

  /** The median of {@code values} (sorted here, in place); NaN when there are none. */
  private static double median(double[] values) {
    Arrays.sort(values);
    int n = values.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  /** The runs of {@code workers} workers, one a round. */
  private List<JsonNode> runs(int workers) {
    List<JsonNode> runs = new ArrayList<>();
    for (JsonNode r : root.path("delta4j")) {
      if (r.path("workers").asInt() == workers) {
        runs.add(r);
      }
    }
    return runs;
  }

  /** The worker counts the runs were made with, ascending. */
  private int[] workerCounts() {
    List<Integer> counts = new ArrayList<>();
    for (JsonNode r : root.path("delta4j")) {
      counts.add(r.path("workers").asInt());
    }
    return counts.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
  }

  /** The median over the rounds of {@code workers} workers of each run's {@link #steadyEpochSeconds}. */
  double steadyEpochSeconds(int workers) {
    return median(runs(workers).stream().mapToDouble(r -> steadyEpochSeconds(r.path("epochs"), "seconds")).toArray());
  }

  private JsonNode oneMachine(int blocks) {
    for (JsonNode r : root.path("one_machine")) {
      if (r.path("blocks").asInt() == blocks) {
        return r;
      }
    }
    return new ObjectMapper().createObjectNode();
  }

  private int rows() {
    return root.path("config").path("training_rows").asInt(0);
  }

  /** Samples per second of a steady epoch on {@code workers} workers. */
  double samplesPerSecond(int workers) {
    return rows() / steadyEpochSeconds(workers);
  }

  /** Throughput on 2 workers over twice that on 1: 1 is perfect scaling. */
  double scalingEfficiency() {
    return samplesPerSecond(2) / (2 * samplesPerSecond(1));
  }

  /** Seconds per step of a steady epoch: on Spark with {@code workers} workers, or on one machine, as many blocks. */
  double stepSeconds(int workers, boolean spark) {
    int steps = oneMachine(workers).path("steps").asInt(0);
    double epoch = spark ? steadyEpochSeconds(workers)
        : steadyEpochSeconds(oneMachine(workers).path("epoch_seconds"), null);
    return steps == 0 ? Double.NaN : epoch / steps;
  }

  /** MLlib's best test accuracy over every solver and maxIter, and the fastest fit that reached it. */
  JsonNode mllibBest() {
    JsonNode best = null;
    for (JsonNode r : root.path("mllib").path("runs")) {
      if (r.has("skipped")) {
        continue;
      }
      double a = r.path("test_accuracy").asDouble();
      if (best == null || a > best.path("test_accuracy").asDouble()
          || a == best.path("test_accuracy").asDouble() && r.path("seconds").asDouble() < best.path("seconds")
          .asDouble()) {
        best = r;
      }
    }
    return best == null ? new ObjectMapper().createObjectNode() : best;
  }

  /** The Delta4j runs of as many workers as MLlib's cluster has executors: the targets against MLlib compare them. */
  private List<JsonNode> comparedRuns() {
    return runs(root.path("mllib").path("workers").asInt(2));
  }

  private List<Curve> comparedCurves() {
    return comparedRuns().stream().map(Curve::of).toList();
  }

  /** The slowest of the compared runs' times to MLlib's best accuracy, in seconds (NaN if one never reaches it). */
  double timeToMllibBest() {
    double goal = mllibBest().path("test_accuracy").asDouble(Double.NaN);
    double slowest = Double.NaN;
    for (Curve c : comparedCurves()) {
      double t = c.timeTo(goal);
      if (Double.isNaN(t)) {
        return Double.NaN; // a run that never reached it
      }
      slowest = Double.isNaN(slowest) ? t : Math.max(slowest, t);
    }
    return slowest;
  }

  /** Delta4j's time to MLlib's best accuracy (its slowest run) over MLlib's time to it. */
  double timeToMllibBestRatio() {
    return timeToMllibBest() / mllibBest().path("seconds").asDouble(Double.NaN);
  }

  /**
   * The epoch whose accuracy the target compares with MLlib's best: the {@value #TARGET_EPOCHS}th, or the last when
   * fewer ran (a run may go on past it to reach {@link #GOAL_ACCURACY}).
   */
  int targetEpoch() {
    return Math.min(TARGET_EPOCHS, root.path("config").path("epochs").asInt(TARGET_EPOCHS));
  }

  /** Delta4j's accuracy after {@link #targetEpoch} (the lowest of its compared runs) minus MLlib's best, in points. */
  double finalAccuracyLeadPoints() {
    int e = targetEpoch();
    double lowest = comparedRuns().stream()
        .mapToDouble(r -> r.path("epochs").path(e - 1).path("test_accuracy").asDouble(Double.NaN))
        .min().orElse(Double.NaN);
    return 100 * (lowest - mllibBest().path("test_accuracy").asDouble(Double.NaN));
  }

  /** Renders the section; {@code reportMachine} is the machine of the rest of the report. */
  String render(Machine reportMachine) {
    return render(reportMachine, Double.NaN);
  }

  /**
   * Renders the section; {@code coreScaling} is how far the report's machine scales compute-bound code from one core
   * to all ({@link Peak#coreScaling}; NaN when unmeasured), said beside the workers' scaling when this file is from
   * that machine.
   */
  String render(Machine reportMachine, double coreScaling) {
    StringBuilder md = new StringBuilder("## Spark\n\n");
    if (root.size() == 0) {
      return md.append("Not measured in this run: `spark/bench/run` writes `").append(file.getFileName())
          .append("`.\n\n").toString();
    }
    Machine here = Machine.fromJson(root.path("machine"));
    JsonNode config = root.path("config");
    md.append("`spark/bench/run` (`ClusterBenchmark`): ").append(config.path("network").asText()).append(", ")
        .append(config.path("engine").asText()).append(" engine, ").append(config.path("dtype").asText())
        .append(", batches of ").append(config.path("batch").asText()).append(", reduction `")
        .append(config.path("reduction").asText()).append("`, on ").append(String.format(Locale.ROOT, "%,d",
            rows())).append(" training images of Fashion-MNIST, test accuracy on ")
        .append(String.format(Locale.ROOT, "%,d", config.path("test_rows").asInt())).append(" test images measured "
            + "on the driver ").append(measuredWhen()).append(" and left out of the times. Each worker is an executor JVM of one core "
            + "and ").append(config.path("executor_memory_mb").asText()).append(" MB on `local-cluster`. Measured on "
            + "**").append(here.summary()).append("**.");
    if (!reportMachine.fingerprint().equals(here.fingerprint())) {
      md.append(" **This is another CPU than the rest of this report's (").append(reportMachine.fingerprint())
          .append("):** its figures are compared only with each other, never with the sections above.");
    }
    md.append("\n\n");

    md.append("| round | workers | epoch | epoch seconds | training seconds so far | samples/s | test accuracy |\n"
        + "|---:|---:|---:|---:|---:|---:|---:|\n");
    for (JsonNode r : root.path("delta4j")) {
      for (JsonNode e : r.path("epochs")) {
        md.append(String.format(Locale.ROOT, "| %d | %d | %d | %s | %s | %s | %.4f |%n", r.path("round").asInt(1),
            r.path("workers").asInt(), e.path("epoch").asInt(), num(e.path("seconds").asDouble()),
            num(e.path("training_seconds").asDouble()), num(rows() / e.path("seconds").asDouble()),
            e.path("test_accuracy").asDouble()));
      }
    }
    md.append("\nThe training seconds so far count from the call to `fit`, with its validating pass over the data and "
        + "each epoch's shuffle; samples/s is of the epoch alone; times to an accuracy are interpolated between the "
        + "points where it was measured.\n\n");
    md.append("| round | workers | steady samples/s | time to ").append(percent(GOAL_ACCURACY))
        .append(" test accuracy (s) | accuracy after the last epoch |\n|---:|---:|---:|---:|---:|\n");
    for (JsonNode r : root.path("delta4j")) {
      Curve c = Curve.of(r);
      double t = c.timeTo(GOAL_ACCURACY);
      md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %.4f |%n", r.path("round").asInt(1),
          r.path("workers").asInt(), num(rows() / steadyEpochSeconds(r.path("epochs"), "seconds")),
          Double.isNaN(t) ? "not reached" : num(t) + (t == c.seconds()[0] ? " (by the first measurement)" : ""),
          c.last()));
    }
    JsonNode cluster = root.path("cluster");
    md.append("\nSteady samples/s is of the median epoch after the first (the first warms the executors' JIT). ");
    if (cluster.has("master")) {
      md.append("All the fits ran on one cluster, `").append(cluster.path("master").asText()).append("` (started in ")
          .append(num(cluster.path("startup_seconds").asDouble())).append(" s); a fit of fewer workers than it has "
              + "executors leaves the others idle. The fits alternate, the order reversed every other round, so that "
              + "a change in the machine's speed during the run weighs on both worker counts alike. ");
    }
    md.append("Scaling efficiency from 1 to 2 workers, the rounds' median samples/s on 2 ÷ (2 × that on 1): **")
        .append(ratio(scalingEfficiency())).append("**.");
    if (!Double.isNaN(coreScaling) && reportMachine.fingerprint().equals(here.fingerprint())) {
      md.append(" Code that only computes (`FmaPeakBenchmark`) scales from one core to all of this machine's by ")
          .append(ratio(coreScaling)).append(": the ceiling of any scaling measured here.");
    }
    md.append("\n\n");

    md.append("### Spark's cost per step\n\nThe same blocks on one machine (`FixedOrderSgd`, the same weights bit for "
        + "bit) in the benchmark's driver JVM, against a steady epoch on the cluster:\n\n"
        + "| workers = blocks a batch | one machine, ms a step | Spark, ms a step | Spark's cost, ms a step |\n"
        + "|---:|---:|---:|---:|\n");
    for (int w : workerCounts()) {
      double one = stepSeconds(w, false);
      double spark = stepSeconds(w, true);
      md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s |%n", w, num(1e3 * one), num(1e3 * spark),
          num(1e3 * (spark - one))));
    }
    md.append('\n');

    md.append("### Spark MLlib's MultilayerPerceptronClassifier\n\nLayers ")
        .append(root.path("mllib").path("layers").asText("–")).append(" (MLlib's fixed choice), on `")
        .append(root.path("mllib").path("cluster").asText("–")).append("` with the same cached DataFrame, blocks of "
            + "128; each maxIter a fresh fit (MLlib keeps no model between iterations), so each row's seconds are "
            + "the time to its accuracy; an untimed fit warms the executors first (")
        .append(num(root.path("mllib").path("warm_up_seconds").asDouble(Double.NaN))).append(" s). Its iterations are "
            + "full passes over the data: the fits share a budget of ")
        .append(num(root.path("mllib").path("budget_seconds").asDouble(Double.NaN)))
        .append(" s, and a fit whose time, projected from its solver's previous fit, would pass it is skipped (so "
            + "the whole run stays within about 15 minutes).\n\n"
            + "| solver | maxIter | iterations run | seconds | test accuracy |\n|---|---:|---:|---:|---:|\n");
    for (JsonNode r : root.path("mllib").path("runs")) {
      if (r.has("skipped")) {
        md.append(String.format(Locale.ROOT, "| %s | %d | skipped: %s | – | – |%n", r.path("solver").asText(),
            r.path("max_iter").asInt(), r.path("skipped").asText()));
        continue;
      }
      md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %.4f |%n", r.path("solver").asText(),
          r.path("max_iter").asInt(), r.path("iterations").asInt(), num(r.path("seconds").asDouble()),
          r.path("test_accuracy").asDouble()));
    }
    JsonNode best = mllibBest();
    md.append("\nMLlib's best: ").append(String.format(Locale.ROOT, "%.4f", best.path("test_accuracy")
        .asDouble(Double.NaN))).append(" (").append(best.path("solver").asText("–")).append(", maxIter ")
        .append(best.path("max_iter").asText("–")).append(", ").append(num(best.path("seconds")
            .asDouble(Double.NaN))).append(" s); Delta4j on the same cluster reaches it after ")
        .append(num(timeToMllibBest())).append(" s (the slowest of its runs on ")
        .append(root.path("mllib").path("workers").asInt(2)).append(" workers).\n\n");

    md.append("### Targets\n\n| target | measured | required | status |\n|---|---:|---:|---|\n");
    int epochs = targetEpoch();
    targetRow(md, "time to MLlib's best accuracy ÷ MLlib's time to it", timeToMllibBestRatio(), 0.25, false);
    targetRow(md, "accuracy after " + epochs + (epochs == 1 ? " epoch" : " epochs") + " − MLlib's best, points",
        finalAccuracyLeadPoints(), 2, true);
    targetRow(md, "scaling efficiency from 1 to 2 workers", scalingEfficiency(), 0.8, true);
    md.append('\n');
    projection(md, here);
    return md.toString();
  }

  /** When the runs measured their test accuracy. */
  private String measuredWhen() {
    int reports = root.path("delta4j").path(0).path("reports_per_epoch").asInt(1);
    return reports <= 1 ? "after each epoch" : "at the end of each of " + reports + " equal parts of every epoch "
        + "(each part a Spark stage of its own, whose start is counted; training waits while the driver evaluates)";
  }

  private static void targetRow(StringBuilder md, String what, double measured, double required, boolean atLeast) {
    md.append("| ").append(what).append(" | ").append(num(measured)).append(" | ").append(atLeast ? "≥ " : "≤ ")
        .append(num(required)).append(" | ").append(BenchmarksReport.verdict(measured, required, atLeast))
        .append(" |\n");
  }

  /**
   * Per step on N separate machines of this core: t(N) = c/N + s + x(N), with c the one-machine compute of a step
   * (measured), s Spark's own cost of a step with one worker, where nothing is exchanged (measured), and x(N) the
   * partitioned all-reduce of the gradient vector, V = (P + 2) values of the width it is sent in (4 bytes for a
   * FLOAT32 network, 8 for FLOAT64; 8 when the run does not say): 2(N − 1)/N · V bytes out and in at the
   * network's rate, plus 2(N − 1) message latencies. Efficiency(N) = t(1) / (N · t(N)).
   */
  private void projection(StringBuilder md, Machine here) {
    double c = stepSeconds(2, false);
    double measuredCost = stepSeconds(1, true) - stepSeconds(1, false);
    // Below zero the cluster ran the same blocks faster than the driver did at another moment: the machine's drift,
    // not a gain from Spark; the projection takes it as nothing.
    double s = Math.max(0, measuredCost);
    double measured2 = stepSeconds(2, true);
    double exchangedHere = measured2 - c / 2 - s;
    double vectorBytes = root.path("config").path("gradient_value_bytes").asInt(8)
        * (root.path("config").path("parameters").asLong() + 2.0);
    md.append("### Scaling: what 2 workers on 2 cores show, and a projection\n\nOn this machine the two executors "
        + "share ").append(here.cores()).append(" cores with the driver (which runs the master, the workers' daemons "
            + "and the evaluation), so 2 workers can at best halve the compute of a step while the exchange and "
            + "Spark's own work take cores from it. Measured per step: one machine computes a batch of 2 blocks in ")
        .append(num(1e3 * c)).append(" ms; Spark's own cost with 1 worker (no exchange) is ")
        .append(measuredCost < 0 ? "within this machine's drift (the cluster's step measured " + num(-1e3 * measuredCost)
            + " ms faster than the same blocks on one machine, run at another moment), taken as 0" : num(1e3 * s)
            + " ms").append("; on 2 workers a step takes ").append(num(1e3 * measured2)).append(" ms, of which ")
        .append(num(1e3 * exchangedHere)).append(" ms is neither half the compute nor Spark's 1-worker cost: the "
            + "exchange of the ").append(num(vectorBytes / 1e6)).append(" MB gradient vector over loopback and the "
            + "contention for the cores.\n\n");
    md.append(String.format(Locale.ROOT, "Projected for separate machines of this core, on a %s Gb/s network with "
        + "%s µs a message (assumed): t(N) = c/N + s + 2(N−1)/N · V / rate + 2(N−1) · latency, efficiency = "
        + "t(1) / (N · t(N)).%n%n| workers | compute ms | Spark ms | exchange ms | step ms | samples/s | efficiency |%n"
        + "|---:|---:|---:|---:|---:|---:|---:|%n", num(NETWORK_BYTES_PER_S * 8 / 1e9), num(MESSAGE_LATENCY_S * 1e6)));
    int batch = root.path("config").path("batch").asInt();
    double one = c + s;
    for (int n : new int[] {1, 2, 4, 8, 16}) {
      double exchange = 2.0 * (n - 1) / n * vectorBytes / NETWORK_BYTES_PER_S + 2.0 * (n - 1) * MESSAGE_LATENCY_S;
      double step = c / n + s + exchange;
      md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s |%n", n, num(1e3 * c / n),
          num(1e3 * s), num(1e3 * exchange), num(1e3 * step), num(batch / step), ratio(one / (n * step))));
    }
    double exchange2 = vectorBytes / NETWORK_BYTES_PER_S + 2 * MESSAGE_LATENCY_S;
    md.append(s > exchange2
        ? "\nSpark's own cost per step, s, does not shrink with more workers, and it exceeds the exchange: it is what "
            + "bounds the scaling of this network.\n\n"
        : "\nThe exchange, growing towards 2 V / rate with N, exceeds Spark's own cost per step: the network is what "
            + "bounds the scaling of this network.\n\n");
  }

  private static String num(double v) {
    return BenchmarksReport.num(v);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f %%", 100 * fraction);
  }

  private static String ratio(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
  }
}
