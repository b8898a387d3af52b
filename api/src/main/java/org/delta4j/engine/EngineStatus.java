package org.delta4j.engine;

import java.util.Optional;

/**
 * What {@link Engines} knows about one engine: its name and priority, whether it runs here, and if not, why.
 *
 * @param name the provider's name, or the class name of a provider that could not even be loaded
 * @param priority the provider's priority ({@link Integer#MIN_VALUE} for a provider that failed to load)
 * @param failure why the engine is unavailable; empty when it is available
 */
public record EngineStatus(String name, int priority, Optional<Throwable> failure) {
  public boolean available() {
    return failure.isEmpty();
  }

  /** "available" or "unavailable: cause", for people. */
  public String describe() {
    return failure.map(f -> "unavailable: " + Engines.reason(f)).orElse("available");
  }
}
