package org.delta4j.io;

import java.io.IOException;
import java.nio.file.Path;
import org.delta4j.spec.Excerpt;

/** A saved model or safetensors file that cannot be trusted: the message names the file and what is wrong with it. */
public final class ModelFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public ModelFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }

  /**
   * {@code text} in quotes, as an {@link Excerpt}: a message names what the file holds, and a forged value of
   * megabytes made one of megabytes.
   */
  static String quoted(String text) {
    return "'" + (text == null ? "null" : Excerpt.of(text)) + "'";
  }
}
