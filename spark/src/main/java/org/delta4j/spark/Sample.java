package org.delta4j.spark;

import java.io.Serializable;

/** One training sample as Spark moves it: its global index (its row's place in the data), features and class. */
public record Sample(long index, double[] features, int label) implements Serializable {
  private static final long serialVersionUID = 1L;
}
