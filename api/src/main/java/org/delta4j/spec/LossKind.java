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
    return fields.readKind("loss", type, reader, LossSpec::type);
  }
}
