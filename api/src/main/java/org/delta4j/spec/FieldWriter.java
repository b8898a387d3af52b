package org.delta4j.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
    given(name, values);
    var a = node.putArray(name);
    for (int v : values) {
      a.add(v);
    }
    return this;
  }

  public FieldWriter put(String name, Enum<?> value) {
    given(name, value);
    node.put(name, value.name().toLowerCase(Locale.ROOT));
    return this;
  }

  /** An initializer as {@code {"kind": ..., "scale": ...}}. */
  public FieldWriter put(String name, Initializer value) {
    given(name, value);
    node.putObject(name).put("kind", value.kind().name().toLowerCase(Locale.ROOT)).put("scale", value.scale());
    return this;
  }

  /** A schedule as an object with its {@code type} and fields. */
  public FieldWriter put(String name, LearningRateSchedule value) {
    given(name, value);
    value.write(new FieldWriter(node.putObject(name)));
    return this;
  }

  /** A nested object. */
  public FieldWriter object(String name) {
    return new FieldWriter(node.putObject(name));
  }

  /** An array of strings. */
  public FieldWriter put(String name, java.util.List<String> values) {
    given(name, values);
    var a = node.putArray(name);
    values.forEach(a::add);
    return this;
  }

  /** A new object at the end of the array {@code name} (made on first use). */
  public FieldWriter appendObject(String name) {
    JsonNode a = node.get(name);
    return new FieldWriter((a instanceof ArrayNode array ? array : node.putArray(name)).addObject());
  }

  /**
   * A layer as its {@code type}, {@code name} and the kind's own fields; a failure of its {@code writeFields} (a field
   * left null, its own bug) is an {@link IllegalStateException} naming the layer and its class.
   */
  public FieldWriter layer(LayerSpec layer) {
    put("type", layer.type()).put("name", layer.name());
    try {
      layer.writeFields(this);
    } catch (RuntimeException e) {
      throw new IllegalStateException("the " + layer.type() + " layer '" + layer.name() + "' ("
          + layer.getClass().getName() + "): its writeFields failed: "
          + (e.getMessage() != null ? e.getMessage() : e), e);
    }
    return this;
  }

  /** A field's value, which JSON would otherwise have failed on deep inside, or written as null, unreadable. */
  private static void given(String name, Object value) {
    if (value == null) {
      throw new IllegalArgumentException("field '" + name + "' is null: a kind writes a value for each field it "
          + "writes");
    }
  }
}
