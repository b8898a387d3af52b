package org.delta4j.io;

import java.io.IOException;
import java.nio.file.Path;

/** A saved model or safetensors file that cannot be trusted: the message names the file and what is wrong with it. */
public final class ModelFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public ModelFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }

  /** The most characters of a value from the file that a message gives. */
  private static final int SHOWN = 100;

  /**
   * {@code text} in quotes, cut to {@link #SHOWN} characters (saying how many it has): a message names what the file
   * holds, and a forged value of megabytes made one of megabytes.
   */
  static String quoted(String text) {
    return "'" + (text == null ? "null" : cut(text)) + "'";
  }

  /** {@code text} cut to {@link #SHOWN} characters (whole ones), saying how many it has when it is cut. */
  static String cut(String text) {
    int characters = text.codePointCount(0, text.length());
    return characters <= SHOWN ? text : text.substring(0, text.offsetByCodePoints(0, SHOWN)) + "… (" + characters
        + " characters)";
  }
}
