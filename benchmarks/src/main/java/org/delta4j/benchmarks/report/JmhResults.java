package org.delta4j.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The results of one JMH run, read from its JSON output ({@code -rf json}). Immutable. */
final class JmhResults {
  /** One benchmark method with one set of parameters. */
  record Result(String benchmark, Map<String, String> params, double score, double error, String unit,
      Optional<Double> allocatedBytesPerOp) {
    /** The method's simple name with its class, e.g. {@code GemmBenchmark.gemm}. */
    String shortName() {
      String[] parts = benchmark.split("\\.");
      return parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    String param(String name) {
      return params.getOrDefault(name, "");
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
          alloc.isMissingNode() ? Optional.empty() : Optional.of(alloc.path("score").asDouble())));
    }
    return new JmhResults(out);
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
