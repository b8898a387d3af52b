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
    LayerSpec spec;
    try {
      spec = reader.apply(fields);
    } catch (IllegalArgumentException | IllegalStateException e) { // a refusal of what the description says
      throw e;
    } catch (RuntimeException e) {
      // the reader's own bug (a null unboxed, an index): the JVM's words alone named neither the kind nor the place
      throw new IllegalStateException("layer kind '" + type + "': its reader failed at " + fields.where() + ": " + e,
          e);
    }
    // the registry checked the example's type; a reader making another kind's spec would read one kind as another
    if (spec == null || !type.equals(spec.type())) {
      throw new IllegalStateException("layer kind '" + type + "': its reader made " + (spec == null ? "null"
          : "a spec of type '" + spec.type() + "'") + " at " + fields.where() + "; a kind's reader must make specs of "
          + "the kind's type");
    }
    return spec;
  }
}
