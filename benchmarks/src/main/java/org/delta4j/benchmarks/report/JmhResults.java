package org.delta4j.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.delta4j.benchmarks.CorePlacementProfiler;

/** The results of one JMH run, read from its JSON output ({@code -rf json}). Immutable. */
final class JmhResults {
  /** One measured iteration: its score, and where the cores sat during it ({@link CorePlacement}). */
  record Iteration(double score, CorePlacement placement) {}

  /**
   * One benchmark method with one set of parameters, with its measured iterations of every fork in order (empty when
   * the file has no raw data).
   */
  record Result(String benchmark, Map<String, String> params, double score, double error, String unit,
      Optional<Double> allocatedBytesPerOp, List<Iteration> iterations) {
    Result {
      iterations = List.copyOf(iterations);
    }

    /** The method's simple name with its class, e.g. {@code GemmBenchmark.gemm}. */
    String shortName() {
      String[] parts = benchmark.split("\\.");
      return parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    String param(String name) {
      return params.getOrDefault(name, "");
    }

    /** How many measured iterations ran in each placement of the cores that occurred, in the enum's order; a new map. */
    Map<CorePlacement, Integer> placements() {
      Map<CorePlacement, Integer> count = new EnumMap<>(CorePlacement.class);
      iterations.forEach(i -> count.merge(i.placement(), 1, Integer::sum));
      return count;
    }

    /** The highest score of the iterations measured in {@code placement}; NaN if there were none. */
    double bestIn(CorePlacement placement) {
      return iterations.stream().filter(i -> i.placement() == placement).mapToDouble(Iteration::score).max()
          .orElse(Double.NaN);
    }

    /** The mean score of the iterations measured in {@code placement}; NaN if there were none. */
    double scoreIn(CorePlacement placement) {
      return iterations.stream().filter(i -> i.placement() == placement).mapToDouble(Iteration::score).average()
          .orElse(Double.NaN);
    }
  }

  private final List<Result> results;

  private JmhResults(List<Result> results) {
    this.results = List.copyOf(results);
  }

  /** No results. */
  static JmhResults none() {
    return new JmhResults(List.of());
  }

  static JmhResults read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return none();
    }
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    List<Result> out = new ArrayList<>();
    for (JsonNode r : root) {
      Map<String, String> params = new TreeMap<>();
      r.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      JsonNode primary = r.path("primaryMetric");
      JsonNode secondary = r.path("secondaryMetrics");
      JsonNode alloc = secondary.has("gc.alloc.rate.norm") ? secondary.path("gc.alloc.rate.norm")
          : secondary.path("·gc.alloc.rate.norm"); // the name JMH used before 1.37
      out.add(new Result(r.path("benchmark").asText(), params, primary.path("score").asDouble(),
          primary.path("scoreError").asDouble(Double.NaN), primary.path("scoreUnit").asText(),
          alloc.isMissingNode() ? Optional.empty() : Optional.of(alloc.path("score").asDouble()),
          iterations(primary, secondary)));
    }
    return new JmhResults(out);
  }

  /**
   * The measured iterations of one result, forks in order, each with the placement its profiler recorded (JMH keeps a
   * secondary metric's raw data in the same forks and iterations as the primary's). Without the profiler's metrics, or
   * with a number of them that does not match, every iteration's placement is {@link CorePlacement#UNKNOWN}.
   */
  private static List<Iteration> iterations(JsonNode primary, JsonNode secondary) {
    List<Double> scores = raw(primary);
    List<Double> before = raw(secondary.path(CorePlacementProfiler.BEFORE));
    List<Double> after = raw(secondary.path(CorePlacementProfiler.AFTER));
    boolean placed = before.size() == scores.size() && after.size() == scores.size();
    List<Iteration> out = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      out.add(new Iteration(scores.get(i),
          placed ? CorePlacement.of(before.get(i), after.get(i)) : CorePlacement.UNKNOWN));
    }
    return out;
  }

  /** A metric's raw data, every fork's iterations in order. */
  private static List<Double> raw(JsonNode metric) {
    List<Double> out = new ArrayList<>();
    for (JsonNode fork : metric.path("rawData")) {
      for (JsonNode value : fork) {
        out.add(value.asDouble(Double.NaN));
      }
    }
    return out;
  }

  /** The result of {@code shortName} whose parameters include all of {@code params} (name, value, ...). */
  Optional<Result> find(String shortName, String... params) {
    outer:
    for (Result r : results) {
      if (!r.shortName().equals(shortName)) {
        continue;
      }
      for (int i = 0; i < params.length; i += 2) {
        if (!params[i + 1].equals(r.param(params[i]))) {
          continue outer;
        }
      }
      return Optional.of(r);
    }
    return Optional.empty();
  }

  List<Result> all() {
    return results;
  }
}
