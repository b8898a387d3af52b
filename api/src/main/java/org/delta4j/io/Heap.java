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
      throw new IOException(refusal(subject, bytes, String.format(Locale.ROOT, "the %,d MiB Java can still give",
          available >> 20), bytes + (Runtime.getRuntime().maxMemory() - available)));
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
    return new IllegalStateException(refusal(subject, bytes, "Java could give", bytes), cause);
  }

  /**
   * "{@code subject} need about … MiB, more than {@code than} (maximum heap … MiB)", and the -Xmx that would do: whole
   * GiB, two past {@code heapNeeded} bytes, at least 2.
   */
  private static String refusal(String subject, long bytes, String than, long heapNeeded) {
    return String.format(Locale.ROOT, "%s need about %,d MiB, more than %s (maximum heap %,d MiB); give Java more "
        + "memory (-Xmx, or DELTA4J_JAVA_OPTS=-Xmx%dg for bin/delta4j)", subject, bytes >> 20, than,
        Runtime.getRuntime().maxMemory() >> 20, Math.max(2, heapNeeded / (1L << 30) + 2));
  }
}
