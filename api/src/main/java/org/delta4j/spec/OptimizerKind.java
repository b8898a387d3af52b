package org.delta4j.spec;

import java.util.function.Function;

/**
 * An optimizer kind as registered through a {@link KindProvider}: its stable JSON type name (which its specs return
 * from {@link OptimizerSpec#type()}), the reader that makes an {@link OptimizerSpec} from its fields (with {@link
 * OptimizerSpec.Settings#read} for the ones every optimizer has), and an example for the tests that check every
 * registered kind.
 */
public record OptimizerKind(String type, Function<FieldReader, OptimizerSpec> reader, OptimizerSpec example) {
  /** Refuses a missing part, naming the kind: a kind without a reader would fail only when a description used it. */
  public OptimizerKind {
    if (type == null || reader == null || example == null) {
      throw new IllegalArgumentException("optimizer kind '" + type + "': its type name, reader and example must not be "
          + "null");
    }
  }

  /** The spec written in these fields, which must be of this kind. */
  public OptimizerSpec read(FieldReader fields) {
    return fields.readKind("optimizer", type, reader, OptimizerSpec::type);
  }
}
