package org.delta4j.tensor;

import java.util.Map;
import java.util.Objects;

/** Finds the first NaN or infinite value among named tensors, to name it where it is refused. */
public final class NonFinite {
  private NonFinite() {}

  /**
   * The first NaN or infinite value of {@code tensors}, in their order, as "tensor 'name' holds NaN at index [i, j]
   * (flat k)"; null when every value is finite.
   */
  public static String first(Map<String, Tensor> tensors) {
    for (Map.Entry<String, Tensor> e : Objects.requireNonNull(tensors, "the tensors are null").entrySet()) {
      String value = first(e.getValue());
      if (value != null) {
        return "tensor '" + e.getKey() + "' holds " + value;
      }
    }
    return null;
  }

  /** The first NaN or infinite value of {@code t}, as "NaN at index [i, j] (flat k)"; null when every one is finite. */
  public static String first(Tensor t) {
    double[] v = Objects.requireNonNull(t, "the tensor is null").toDoubleArray();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        return v[i] + " at index " + t.shape().index(i) + " (flat " + i + ")";
      }
    }
    return null;
  }
}
