package org.delta4j.spark;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.tensor.Tensor;

/**
 * One worker's side of a synchronous step on its network: the weighted gradient vector of one block of the batch
 * ({@link #leaf}), and the optimizer step from the batch's summed vector ({@link #apply}). A vector holds every
 * parameter's gradient in {@link Network#parameters()} order, then the block's loss, both times the block's share of
 * the batch's rows, then the number of its rows classified correctly. Not thread-safe: one per network.
 */
public final class BlockGradients {
  private final Network network;
  private final int featureSize;
  private final int classes;
  private final int parameterValues;
  private final Map<Integer, Tensor[]> buffers = new HashMap<>();
  private int[] predicted = new int[0];

  public BlockGradients(Network network) {
    checkClassifier(network);
    this.network = network;
    this.featureSize = network.inputShape().intSize();
    this.classes = network.outputShape().dim(0);
    int values = 0;
    for (Parameter p : network.parameters()) {
      values += p.gradient().shape().intSize();
    }
    this.parameterValues = values;
  }

  /** Refuses a network whose output is not one vector of class scores. */
  static void checkClassifier(Network network) {
    if (network.outputShape().rank() != 1) {
      throw new IllegalArgumentException("data-parallel training classifies: the network's output must be one "
          + "vector of class scores, not " + network.outputShape());
    }
  }

  /** Length of a gradient vector: every parameter value, the loss and the correct count. */
  public int vectorLength() {
    return parameterValues + 2;
  }

  public Network network() {
    return network;
  }

  /**
   * The vector of one block: rows {@code features[from … from + count)} with their labels, at position {@code
   * firstRow} of its batch, weighted by {@code weight} (the block's rows over the batch's).
   */
  public double[] leaf(double[][] features, int[] labels, int from, int count, long firstRow, double weight) {
    Tensor[] t = buffers.computeIfAbsent(count, n -> new Tensor[] {
        network.engine().zeros(network.dataType(), network.inputShape().withBatch(n)),
        network.engine().zeros(network.dataType(), network.outputShape().withBatch(n))});
    double[] x = new double[count * featureSize];
    double[] y = new double[count * classes];
    for (int r = 0; r < count; r++) {
      System.arraycopy(features[from + r], 0, x, r * featureSize, featureSize);
      y[r * classes + labels[from + r]] = 1;
    }
    t[0].copyFrom(x);
    t[1].copyFrom(y);
    double loss = network.computeGradients(t[0], t[1], firstRow);
    double[] v = new double[vectorLength()];
    int offset = 0;
    for (Parameter p : network.parameters()) {
      double[] g = p.gradient().toDoubleArray();
      for (int i = 0; i < g.length; i++) {
        v[offset + i] = g[i] * weight;
      }
      offset += g.length;
    }
    v[offset] = loss * weight;
    if (predicted.length < count) {
      predicted = new int[count];
    }
    network.engine().kernels().argmaxRows(network.output(), predicted);
    long correct = 0;
    for (int r = 0; r < count; r++) {
      if (predicted[r] == labels[from + r]) {
        correct++;
      }
    }
    v[offset + 1] = correct;
    return v;
  }

  /** Writes the batch's summed vector into the gradients and applies one optimizer step; returns the batch's loss. */
  public double apply(double[] total) {
    if (total.length != vectorLength()) {
      throw new IllegalArgumentException("a summed gradient vector of " + total.length + " values, but the network "
          + "takes " + vectorLength());
    }
    int offset = 0;
    for (Parameter p : network.parameters()) {
      int n = p.gradient().shape().intSize();
      double[] g = new double[n];
      System.arraycopy(total, offset, g, 0, n);
      p.gradient().copyFrom(g);
      offset += n;
    }
    network.applyUpdate();
    return total[offset];
  }

  /** The correct count in a summed vector. */
  public static long correct(double[] total) {
    return (long) total[total.length - 1];
  }

  /** The loss in a summed vector. */
  public static double loss(double[] total) {
    return total[total.length - 2];
  }

  /** The parameters as they stand, flattened in order (for comparing runs). */
  public static double[] weights(Network network) {
    List<Parameter> params = network.parameters();
    int n = 0;
    for (Parameter p : params) {
      n += p.value().shape().intSize();
    }
    double[] out = new double[n];
    int offset = 0;
    for (Parameter p : params) {
      double[] v = p.value().toDoubleArray();
      System.arraycopy(v, 0, out, offset, v.length);
      offset += v.length;
    }
    return out;
  }
}
