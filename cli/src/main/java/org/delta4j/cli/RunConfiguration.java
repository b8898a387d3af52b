package org.delta4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
  /** The key of the run's class names: not an option, so without the options' "--". */
  static final String CLASSES = "classes";
  /** The key of what the run trains on, in brief ({@link DataOptions.Loaded#fingerprint()}); not an option either. */
  static final String DATA = "data";
  /**
   * The key of the engine's {@link org.delta4j.engine.Engine#numerics()}: a resume on an engine set up otherwise
   * continues the run, but not to the same bits.
   */
  static final String NUMERICS = "numerics";

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

  /** This configuration with the names of the run's classes, in the order of the network's outputs. */
  RunConfiguration withClasses(List<String> classes) {
    ArrayNode a = JSON.createArrayNode();
    classes.forEach(a::add);
    return with(CLASSES, a.toString());
  }

  /** This configuration with {@code value} under {@code key}. */
  RunConfiguration with(String key, String value) {
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put(key, value);
    return new RunConfiguration(v);
  }

  /** The names of the run's classes, or null when the run did not record them. */
  List<String> classes() {
    String json = values.get(CLASSES);
    if (json == null) {
      return null;
    }
    try {
      JsonNode a = JSON.readTree(json);
      List<String> out = new ArrayList<>();
      for (JsonNode n : a.isArray() ? a : JSON.createArrayNode()) {
        out.add(n.asText());
      }
      return a.isArray() ? out : null;
    } catch (JsonProcessingException e) {
      return null;
    }
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
