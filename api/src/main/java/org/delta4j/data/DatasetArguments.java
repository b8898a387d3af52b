package org.delta4j.data;

import java.util.Objects;

/**
 * The argument checks of the datasets' reads, in one place, so that a sample index or batch range outside the data
 * fails with a message naming the index and the size instead of an array index error inside a copy loop.
 */
final class DatasetArguments {
  private DatasetArguments() {}

  /** Returns {@code index} when it names one of a dataset's {@code size} samples. */
  static int sample(int index, int size) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("sample " + index + " is outside the dataset's " + size + " samples");
    }
    return index;
  }

  /**
   * Checks the arguments of {@link Dataset#fill}: {@code order[from, from + count)} lies in {@code order} and names
   * samples of {@code data}, and {@code features} and {@code targets} hold {@code count} samples' values.
   */
  static void fill(Dataset data, int[] order, int from, int count, float[] features, float[] targets) {
    Objects.requireNonNull(order, "fill: order is null");
    Objects.requireNonNull(features, "fill: features is null");
    Objects.requireNonNull(targets, "fill: targets is null");
    if (from < 0 || count < 0 || (long) from + count > order.length) {
      throw new IndexOutOfBoundsException("fill: samples [" + from + ", " + ((long) from + count) + ") of an order of "
          + order.length);
    }
    room("features", features, count, data.featureShape().size());
    room("targets", targets, count, data.targetShape().size());
    for (int i = from; i < from + count; i++) {
      if (order[i] < 0 || order[i] >= data.size()) {
        throw new IndexOutOfBoundsException("fill: order[" + i + "] is sample " + order[i] + ", outside the dataset's "
            + data.size() + " samples");
      }
    }
  }

  private static void room(String name, float[] array, int count, long perSample) {
    if (array.length < count * perSample) {
      throw new IllegalArgumentException("fill: " + name + " holds " + array.length + " values, not the " + count
          + " × " + perSample + " of " + count + " samples");
    }
  }
}
