package org.delta4j.spec;

import java.util.function.Function;

/**
 * A loss kind as registered through a {@link KindProvider}: its stable JSON type name (which its specs return from
 * {@link LossSpec#type()}), the reader that makes a {@link LossSpec} from its fields (none for a loss written as its
 * name alone), and an example for the tests that check every registered kind.
 */
public record LossKind(String type, Function<FieldReader, LossSpec> reader, LossSpec example) {
  /** The spec written in these fields. */
  public LossSpec read(FieldReader fields) {
    return reader.apply(fields);
  }
}
