package org.delta4j.io;

import java.io.IOException;
import java.util.Locale;

/**
 * What the Java heap can still give, checked before a file's contents are read into arrays (a dataset, a model's
 * tensors): contents larger than that are refused up front, saying how much they need and how to give Java more,
 * instead of an OutOfMemoryError part way through reading them. A computation's work memory that could not be had is
 * reported the same way ({@link #outOfMemory}).
 */
public final class Heap {
  private Heap() {}

  /** The bytes the heap can still give: its maximum less what is in use. */
  public static long available() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  /**
   * Refuses {@code bytes} more than the heap can still give, as "{@code subject} need about … MiB, more than …"
   * with the heap's maximum and the -Xmx that would do.
   */
  public static void require(String subject, long bytes) throws IOException {
    long available = available();
    if (bytes > available) {
      long max = Runtime.getRuntime().maxMemory();
      throw new IOException(String.format(Locale.ROOT, "%s need about %,d MiB, more than the %,d MiB Java can still "
          + "give (maximum heap %,d MiB); give Java more memory (-Xmx, or DELTA4J_JAVA_OPTS=-Xmx%dg for "
          + "bin/delta4j)", subject, bytes >> 20, available >> 20, max >> 20,
          Math.max(2, (bytes + (max - available)) / (1L << 30) + 2)));
    }
  }

  /**
   * The failure to report when {@code bytes} of work memory for {@code subject} could not be allocated: an
   * {@link IllegalStateException}, since nothing about the input is wrong but the room to run it, saying what was
   * asked for and how to give Java more. The caller catches its allocation's {@link OutOfMemoryError}, thrown once the
   * JVM has collected what it could, rather than checking {@link #available} before, which counts garbage not yet
   * collected as used.
   */
  public static IllegalStateException outOfMemory(String subject, long bytes, OutOfMemoryError cause) {
    long max = Runtime.getRuntime().maxMemory();
    return new IllegalStateException(String.format(Locale.ROOT, "%s need about %,d MiB, more than Java could give "
        + "(maximum heap %,d MiB); give Java more memory (-Xmx, or DELTA4J_JAVA_OPTS=-Xmx%dg for bin/delta4j)",
        subject, bytes >> 20, max >> 20, Math.max(2, bytes / (1L << 30) + 2)), cause);
  }
}
