package org.delta4j.engine;

/**
 * Each thread's work arrays for the engines' loops, one per element type, kept and grown to the largest length asked
 * for, so that a loop run in every step allocates nothing once warm. An array returned is at least the length asked
 * for, holds arbitrary values, and is the calling thread's until that thread asks for another of the same type: a loop
 * must not hold one across a call that may ask for one too. Thread-safe (each thread has its own).
 */
public final class WorkArrays {
  private static final ThreadLocal<WorkArrays> OF_THIS_THREAD = ThreadLocal.withInitial(WorkArrays::new);

  private float[] floats = new float[0];
  private double[] doubles = new double[0];
  private int[] ints = new int[0];

  private WorkArrays() {}

  /** A float array of at least {@code length} elements. */
  public static float[] floats(int length) {
    WorkArrays w = OF_THIS_THREAD.get();
    if (w.floats.length < length) {
      w.floats = new float[length];
    }
    return w.floats;
  }

  /** A double array of at least {@code length} elements. */
  public static double[] doubles(int length) {
    WorkArrays w = OF_THIS_THREAD.get();
    if (w.doubles.length < length) {
      w.doubles = new double[length];
    }
    return w.doubles;
  }

  /** An int array of at least {@code length} elements. */
  public static int[] ints(int length) {
    WorkArrays w = OF_THIS_THREAD.get();
    if (w.ints.length < length) {
      w.ints = new int[length];
    }
    return w.ints;
  }
}
