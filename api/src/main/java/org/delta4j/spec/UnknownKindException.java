package org.delta4j.spec;

import java.util.List;

/** Thrown when a description names a layer, loss or optimizer kind that no registered {@link KindProvider} provides. */
public final class UnknownKindException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String category;
  private final String type;

  public UnknownKindException(String where, String category, String type, List<String> known) {
    super(where + ": unknown " + category + " kind '" + Excerpt.of(String.valueOf(type)) + "'; registered: "
        + known + ". A kind is registered by a KindProvider on the class path (META-INF/services/"
        + KindProvider.class.getName() + ")");
    this.category = category;
    this.type = type;
  }

  /** {@code layer}, {@code loss} or {@code optimizer}. */
  public String category() {
    return category;
  }

  /** The type name no provider registered. */
  public String type() {
    return type;
  }
}
