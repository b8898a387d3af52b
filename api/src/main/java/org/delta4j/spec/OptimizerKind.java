package org.delta4j.spec;

import java.util.function.Function;

/**
 * An optimizer kind as registered through a {@link KindProvider}: its stable JSON type name (which its specs return
 * from {@link OptimizerSpec#type()}), the reader that makes an {@link OptimizerSpec} from its fields (with {@link
 * OptimizerSpec.Settings#read} for the ones every optimizer has), and an example for the tests that check every
 * registered kind.
 */
public record OptimizerKind(String type, Function<FieldReader, OptimizerSpec> reader, OptimizerSpec example) {
  /** The spec written in these fields. */
  public OptimizerSpec read(FieldReader fields) {
    return reader.apply(fields);
  }
}
