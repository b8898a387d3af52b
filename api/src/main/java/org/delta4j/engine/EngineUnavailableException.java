package org.delta4j.engine;

/** Thrown when a requested engine is unknown or cannot run here; the message lists every engine found and why. */
public final class EngineUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EngineUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
