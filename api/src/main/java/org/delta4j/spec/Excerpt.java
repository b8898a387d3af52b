package org.delta4j.spec;

/**
 * A value as an error message quotes it: at most {@value #CHARACTERS} characters (whole code points, never half a
 * surrogate pair), then how many it has when it is cut. A message names the value it refuses, and a forged or runaway
 * one (a spec's string of megabytes, a file's header field) would otherwise make a message of megabytes. Stateless.
 */
public final class Excerpt {
  /** The most characters of a value a message gives. */
  public static final int CHARACTERS = 100;

  private Excerpt() {}

  /** {@code text} itself when it has at most {@value #CHARACTERS} characters, else its first ones and its length. */
  public static String of(String text) {
    int characters = text.codePointCount(0, text.length());
    return characters <= CHARACTERS ? text
        : text.substring(0, text.offsetByCodePoints(0, CHARACTERS)) + "… (" + characters + " characters)";
  }
}
