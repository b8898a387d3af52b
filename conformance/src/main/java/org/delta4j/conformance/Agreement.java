package org.delta4j.conformance;

import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Tensor;

/** Comparisons of an engine's results with the reference engine's, failing with what differs, where and by how much. */
public final class Agreement {
  private Agreement() {}

  /** Fails unless {@code actual} (the engine under test) agrees with {@code expected} (the reference) everywhere. */
  public static void assertAgree(String what, Tensor expected, Tensor actual, Tolerances tolerances) {
    if (!expected.shape().equals(actual.shape())) {
      throw new AssertionError(what + ": shape " + actual.shape() + " but the reference has " + expected.shape());
    }
    assertAgree(what, expected.toDoubleArray(), actual.toDoubleArray(), tolerances);
  }

  public static void assertAgree(String what, double[] expected, double[] actual, Tolerances tolerances) {
    if (expected.length != actual.length) {
      throw new AssertionError(what + ": " + actual.length + " values but the reference has " + expected.length);
    }
    for (int i = 0; i < expected.length; i++) {
      if (!tolerances.agree(expected[i], actual[i]) || Double.isNaN(actual[i]) != Double.isNaN(expected[i])) {
        throw new AssertionError(String.format(
            "%s: element %d is %.10g but the reference engine has %.10g (difference %.3g, tolerance %s)", what, i,
            actual[i], expected[i], Math.abs(actual[i] - expected[i]), tolerances));
      }
    }
  }

  public static void assertAgree(String what, double expected, double actual, Tolerances tolerances) {
    assertAgree(what, new double[] {expected}, new double[] {actual}, tolerances);
  }

  /** Tolerances for a type. */
  static Tolerances of(DataType type) {
    return Tolerances.of(type);
  }
}
