package org.delta4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A training run's configuration, option by option ({@code --seed} → {@code "42"}), as saved in its checkpoints so
 * that {@code train --resume} repeats the run exactly. Values are compared as the program formats them, with names of
 * choices (engines, data types, optimizers) compared case-insensitively. Immutable.
 */
final class RunConfiguration {
  /** The options a resumed run may change: how many epochs, where to stop, and how to find the run itself. */
  static final Set<String> MAY_CHANGE = Set.of("--epochs", "--stop-after", "--output", "--resume", "--download");
  private static final Set<String> CASE_INSENSITIVE = Set.of("--engine", "--dtype", "--optimizer", "--preset");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> values;

  RunConfiguration(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The value saved for {@code option}, or null when the run had none. */
  String get(String option) {
    return values.get(option);
  }

  /** Whether the run saved a value, possibly none (null), for {@code option}. */
  boolean has(String option) {
    return values.containsKey(option);
  }

  Map<String, String> values() {
    return values;
  }

  /** Whether {@code given} is the value the run had for {@code option}. */
  boolean agrees(String option, String given) {
    String saved = values.get(option);
    if (saved == null || given == null) {
      return saved == given;
    }
    return CASE_INSENSITIVE.contains(option) ? saved.equalsIgnoreCase(given) : saved.equals(given);
  }

  /** A path as saved: absolute and normalised, so that two spellings of one place agree. */
  static String path(Path p) {
    return p == null ? null : p.toAbsolutePath().normalize().toString();
  }

  String toJson() {
    ObjectNode o = JSON.createObjectNode();
    values.forEach(o::put);
    return o.toString();
  }

  /** Reads what {@link #toJson()} wrote; a malformed text is an {@link IllegalArgumentException} saying so. */
  static RunConfiguration fromJson(String json, Path file) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(file + ": the saved run configuration is not a JSON object");
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        values.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
      }
      return new RunConfiguration(values);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": the saved run configuration is not valid JSON ("
          + e.getOriginalMessage() + ")", e);
    }
  }
}
