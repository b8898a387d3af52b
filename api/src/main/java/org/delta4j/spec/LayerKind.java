package org.delta4j.spec;

import java.util.function.Function;
import org.delta4j.tensor.Shape;

/**
 * A layer kind as registered through a {@link KindProvider}: its stable JSON type name (which its specs return from
 * {@link LayerSpec#type()}), the reader that makes a {@link LayerSpec} from the fields its {@link
 * LayerSpec#writeFields} wrote (including {@code name}; unknown fields are reported by the caller), and an example
 * that the tests which check every registered kind (JSON, save and load, the conformance suite) use.
 */
public record LayerKind(String type, Function<FieldReader, LayerSpec> reader, Example example) {
  /** Refuses a missing part, naming the kind: a kind without a reader would fail only when a description used it. */
  public LayerKind {
    if (type == null || reader == null || example == null || example.spec() == null || example.input() == null) {
      throw new IllegalArgumentException("layer kind '" + type + "': its type name, reader and example must not be "
          + "null");
    }
  }

  /** A small valid spec of the kind and a per-sample input shape it accepts. */
  public record Example(LayerSpec spec, Shape input) {}

  /** The spec written in these fields, which must be of this kind. */
  public LayerSpec read(FieldReader fields) {
    return fields.readKind("layer", type, reader, LayerSpec::type);
  }
}
