package org.delta4j.spec;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Thrown when a network description breaks {@link SpecRules}; carries every problem found, not just the first. */
public final class InvalidSpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<SpecRules.Problem> problems;

  public InvalidSpecException(List<SpecRules.Problem> problems) {
    super("invalid network: " + Objects.requireNonNull(problems, "the problems are null").stream()
        .map(SpecRules.Problem::toString).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  public List<SpecRules.Problem> problems() {
    return problems;
  }
}
