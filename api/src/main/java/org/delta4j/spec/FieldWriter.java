package org.delta4j.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Where a kind writes its spec's own fields, as one JSON object of a network description. Writing gives every field,
 * so that a description round-trips exactly through {@link FieldReader}. Not thread-safe.
 */
public final class FieldWriter {
  private final ObjectNode node;

  /** Writes into {@code node}. */
  public FieldWriter(ObjectNode node) {
    this.node = node;
  }

  public FieldWriter put(String name, String value) {
    node.put(name, value);
    return this;
  }

  public FieldWriter put(String name, double value) {
    node.put(name, value);
    return this;
  }

  public FieldWriter put(String name, long value) {
    node.put(name, value);
    return this;
  }

  public FieldWriter put(String name, boolean value) {
    node.put(name, value);
    return this;
  }

  public FieldWriter put(String name, int[] values) {
    var a = node.putArray(name);
    for (int v : values) {
      a.add(v);
    }
    return this;
  }

  public FieldWriter put(String name, Enum<?> value) {
    node.put(name, value.name().toLowerCase(Locale.ROOT));
    return this;
  }

  /** An initializer as {@code {"kind": ..., "scale": ...}}. */
  public FieldWriter put(String name, Initializer value) {
    node.putObject(name).put("kind", value.kind().name().toLowerCase(Locale.ROOT)).put("scale", value.scale());
    return this;
  }

  /** A schedule as an object with its {@code type} and fields. */
  public FieldWriter put(String name, LearningRateSchedule value) {
    value.write(new FieldWriter(node.putObject(name)));
    return this;
  }

  /** A nested object. */
  public FieldWriter object(String name) {
    return new FieldWriter(node.putObject(name));
  }
}
