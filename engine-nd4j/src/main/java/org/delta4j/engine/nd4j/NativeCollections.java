package org.delta4j.engine.nd4j;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Asks the JVM for a collection after every {@link #BUDGET} bytes of native tensors made. ND4J frees a tensor's native
 * memory only once its Java object is collected, and that object is small: tensors dropped as batch sizes vary (a
 * training run's short last batch, a predictor's fifth batch size, a network let go) put no pressure on the heap, and
 * a process alternating two batch sizes grew by 31 MB a step to gigabytes while its heap stayed at 100 MB. A steady
 * run makes no tensors, so this costs nothing there. JavaCPP does the same past its own bound. Thread-safe.
 */
final class NativeCollections {
  /** The native tensor bytes made between two collections asked for. */
  static final long BUDGET = 512L << 20;

  private static final AtomicLong sinceLast = new AtomicLong();

  private NativeCollections() {}

  /** Counts {@code bytes} of native memory just allocated, asking for a collection once the budget is spent. */
  static void made(long bytes) {
    if (sinceLast.addAndGet(bytes) > BUDGET) {
      sinceLast.set(0);
      System.gc(); // the dropped tensors' native memory is freed as their objects are collected
    }
  }
}
