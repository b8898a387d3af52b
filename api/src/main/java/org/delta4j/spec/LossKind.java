package org.delta4j.spec;

import java.util.function.Function;

/**
 * A loss kind as registered through a {@link KindProvider}: its stable JSON type name (which its specs return from
 * {@link LossSpec#type()}), the reader that makes a {@link LossSpec} from its fields (none for a loss written as its
 * name alone), and an example for the tests that check every registered kind.
 */
public record LossKind(String type, Function<FieldReader, LossSpec> reader, LossSpec example) {
  /** Refuses a missing part, naming the kind: a kind without a reader would fail only when a description used it. */
  public LossKind {
    if (type == null || reader == null || example == null) {
      throw new IllegalArgumentException("loss kind '" + type + "': its type name, reader and example must not be "
          + "null");
    }
  }

  /** The spec written in these fields, which must be of this kind. */
  public LossSpec read(FieldReader fields) {
    LossSpec spec;
    try {
      spec = reader.apply(fields);
    } catch (IllegalArgumentException | IllegalStateException e) { // a refusal of what the description says
      throw e;
    } catch (RuntimeException e) {
      // the reader's own bug (a null unboxed, an index): the JVM's words alone named neither the kind nor the place
      throw new IllegalStateException("loss kind '" + type + "': its reader failed at " + fields.where() + ": " + e,
          e);
    }
    // the registry checked the example's type; a reader making another kind's spec would read one kind as another
    if (spec == null || !type.equals(spec.type())) {
      throw new IllegalStateException("loss kind '" + type + "': its reader made " + (spec == null ? "null"
          : "a spec of type '" + spec.type() + "'") + " at " + fields.where() + "; a kind's reader must make specs of "
          + "the kind's type");
    }
    return spec;
  }
}
