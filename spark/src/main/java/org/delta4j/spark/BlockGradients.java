package org.delta4j.spark;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.NonFinite;
import org.delta4j.tensor.Tensor;

/**
 * One worker's side of a synchronous step on its network: the weighted gradient vector of one block of the batch
 * ({@link #leaf}), and the optimizer step from the batch's summed vector ({@link #apply}). A vector holds every
 * parameter's gradient in {@link Network#parameters()} order, times the block's share of the batch's rows; then the
 * network's buffers (batch normalization's running statistics) as block 0's forward pass leaves them, zeros in every
 * other block's vector, so that the sum carries them unchanged; then the block's loss, times its share; then the
 * number of its rows classified correctly. For a FLOAT32 network every value is a float (see {@link #precision}).
 * Every block's forward pass starts from the buffers of the step's start, and {@link #apply} sets the summed vector's,
 * so every worker, and one machine computing the blocks in turn, keeps the same buffers bit for bit: those a
 * single-machine trainer keeps when a batch is one block. A step allocates no array of the network's
 * size: the input and target buffers (per block size) and one array per parameter for the copies between its tensors
 * and the vectors are made once, and the vectors are the caller's. Not thread-safe: one per network.
 */
public final class BlockGradients {
  private final Network network;
  private final int featureSize;
  private final int classes;
  private final int parameterValues;
  /** The network's buffers in {@link Network#buffers()} order, their values at the step's start, and their count. */
  private final List<Tensor> buffers;
  private final double[][] stepStartBuffers;
  private final double[][] bufferScratch;
  private final int bufferValues;
  private final GradientTree.Precision precision;
  private final Map<Integer, BlockInput> inputs = new HashMap<>();
  /** One array per parameter, of its size: where its gradient passes between its tensor and a vector. */
  private final double[][] parameterScratch;
  private int[] predicted = new int[0];
  /** Why the first block since the last {@link #apply} had no finite loss (the network's own words), or null. */
  private String failure;

  /**
   * Rows a block is taken from, by index: a row's features written as doubles into an array, and its class. An
   * implementation reads rows where they are kept (packed floats, an epoch's order), so a step copies no row into a
   * row array of its own.
   */
  public interface Rows {
    /** Writes the features of row {@code row} into {@code into} from {@code at}. */
    void features(int row, double[] into, int at);

    /** The class of row {@code row}. */
    int label(int row);
  }

  /** A block of {@code rows} rows as the network takes it: the tensors, and the arrays they are filled from. */
  private record BlockInput(Tensor input, Tensor target, double[] x, double[] y) {}

  public BlockGradients(Network network) {
    checkClassifier(network);
    this.network = network;
    this.featureSize = network.inputShape().intSize();
    this.classes = network.outputShape().dim(0);
    List<Parameter> params = network.parameters();
    this.parameterScratch = new double[params.size()][];
    int values = 0;
    for (int i = 0; i < params.size(); i++) {
      parameterScratch[i] = new double[params.get(i).gradient().shape().intSize()];
      values += parameterScratch[i].length;
    }
    this.parameterValues = values;
    this.buffers = List.copyOf(network.buffers().values());
    this.stepStartBuffers = new double[buffers.size()][];
    this.bufferScratch = new double[buffers.size()][];
    int bufferCount = 0;
    for (int i = 0; i < buffers.size(); i++) {
      stepStartBuffers[i] = buffers.get(i).toDoubleArray();
      bufferScratch[i] = new double[stepStartBuffers[i].length];
      bufferCount += stepStartBuffers[i].length;
    }
    this.bufferValues = bufferCount;
    this.precision = GradientTree.Precision.of(network.dataType());
  }

  /**
   * The precision of this network's vectors and of their sums: {@code FLOAT} for a FLOAT32 network, whose vectors
   * hold floats (each weighted gradient and loss rounded to a float) and are summed in float.
   */
  public GradientTree.Precision precision() {
    return precision;
  }

  /** Refuses a network whose output is not one vector of class scores. */
  static void checkClassifier(Network network) {
    if (network.outputShape().rank() != 1 || network.outputShape().dim(0) < 2) {
      throw new IllegalArgumentException("data-parallel training classifies: the network's output must be one "
          + "vector of at least 2 class scores, not " + network.outputShape());
    }
    // Each row's class becomes a one-hot target; a loss that reads its targets otherwise would learn something else.
    LossSpec loss = network.spec().loss();
    if (loss.targets() == LossSpec.Targets.SIGNS) {
      throw new IllegalArgumentException("data-parallel training gives each row's class as a one-hot target (1 for "
          + "the class, 0 for the others), but the network's loss " + loss.type() + " takes targets of ±1: use "
          + "softmax_cross_entropy on logits, or another loss of class targets");
    }
  }

  /** Length of a gradient vector: every parameter value, every buffer value, the loss and the correct count. */
  public int vectorLength() {
    return parameterValues + bufferValues + 2;
  }

  public Network network() {
    return network;
  }

  /**
   * The vector of one block, written into {@code into} (of {@link #vectorLength}, every value overwritten) and
   * returned: rows {@code from … from + count} of {@code rows}, at position {@code firstRow} of its batch, weighted by
   * {@code weight} (the block's rows over the batch's). The block at position 0, block 0, carries the buffers.
   */
  public double[] leaf(Rows rows, int from, int count, long firstRow, double weight, double[] into) {
    if (into.length != vectorLength()) {
      throw new IllegalArgumentException("a block's gradient vector of " + into.length + " values, but the network "
          + "has " + vectorLength());
    }
    BlockInput b = inputs.computeIfAbsent(count, n -> new BlockInput(
        network.engine().zeros(network.dataType(), network.inputShape().withBatch(n)),
        network.engine().zeros(network.dataType(), network.outputShape().withBatch(n)),
        new double[n * featureSize], new double[n * classes]));
    double[] x = b.x();
    double[] y = b.y();
    Arrays.fill(y, 0);
    for (int r = 0; r < count; r++) {
      rows.features(from + r, x, r * featureSize);
      y[r * classes + rows.label(from + r)] = 1;
    }
    b.input().copyFrom(x);
    b.target().copyFrom(y);
    for (int i = 0; i < buffers.size(); i++) { // each block's forward pass starts where the step started
      buffers.get(i).copyFrom(stepStartBuffers[i]);
    }
    double loss;
    try {
      loss = network.computeGradients(b.input(), b.target(), firstRow);
    } catch (ArithmeticException e) { // a loss that is not finite: carried through the sum, so every worker stops
      if (failure == null) { // the first block's reason, the one one machine would meet first
        failure = e.getMessage();
      }
      Arrays.fill(into, 0);
      into[vectorLength() - 2] = Double.NaN;
      return into;
    }
    List<Parameter> params = network.parameters();
    int offset = 0;
    for (int p = 0; p < params.size(); p++) {
      double[] g = parameterScratch[p];
      params.get(p).gradient().copyTo(g);
      for (int i = 0; i < g.length; i++) {
        into[offset + i] = precision.round(g[i] * weight);
      }
      offset += g.length;
    }
    for (int i = 0; i < buffers.size(); i++) {
      double[] v = bufferScratch[i];
      if (firstRow == 0) {
        buffers.get(i).copyTo(v);
        for (int j = 0; j < v.length; j++) {
          into[offset + j] = precision.round(v[j]); // exact: a FLOAT32 network's buffers hold floats
        }
      } else {
        Arrays.fill(into, offset, offset + v.length, 0);
      }
      offset += v.length;
    }
    into[offset] = precision.round(loss * weight);
    if (predicted.length < count) {
      predicted = new int[count];
    }
    network.engine().kernels().argmaxRows(network.output(), predicted);
    long correct = 0;
    for (int r = 0; r < count; r++) {
      if (predicted[r] == rows.label(from + r)) {
        correct++;
      }
    }
    into[offset + 1] = correct;
    return into;
  }

  /**
   * Why a block of this network's since the last {@link #apply} had no finite loss, in the network's words (which
   * weight or layer was not finite, as one machine's trainer says it); null when every block's loss was finite.
   */
  public String failure() {
    return failure;
  }

  /**
   * The error that ends training whose summed loss is not finite at {@code step} of {@code epoch}: what one machine's
   * trainer throws, and before the update, as there. {@code cause}: a block's {@link #failure}, null when none said.
   */
  static ArithmeticException diverged(int epoch, int step, long update, String cause) {
    return new ArithmeticException("the loss is not finite at step " + step + " of epoch " + epoch + " (update "
        + update + "): " + (cause != null ? cause : "training diverged (lower the learning rate) or the data or "
        + "weights hold NaN or infinite values"));
  }

  /**
   * The error that ends training whose update {@code update}, that of {@code step} of {@code epoch}, left the model
   * not finite ({@code spoiled}: {@link #nonFinite}): such a model can be neither sent nor saved.
   */
  static ArithmeticException spoiled(int epoch, int step, long update, String spoiled, Network network) {
    return new ArithmeticException(String.format(java.util.Locale.ROOT, "the weights are not finite after update %d "
        + "(step %d of epoch %d) of the %s optimizer: %s; training diverged (try a lower learning rate than %g), or "
        + "a gradient was not finite", update, step, epoch, network.spec().optimizer().type(), spoiled,
        network.optimizer().currentLearningRate()));
  }

  /**
   * The first value of {@code network}'s model — weights, buffers, optimizer state, which a model file must hold
   * finite — that is NaN or infinite, as "tensor 'name' holds …"; null when all are finite.
   */
  static String nonFinite(Network network) {
    Map<String, Tensor> model = new java.util.LinkedHashMap<>();
    for (Parameter p : network.parameters()) {
      model.put(p.name(), p.value());
    }
    model.putAll(network.buffers());
    network.optimizer().state().forEach((name, t) -> model.put("optimizer state " + name, t));
    return NonFinite.first(model);
  }

  /** Whether a summed vector's loss is finite: a block whose loss was not gives NaN (see {@link #leaf}). */
  public static boolean finite(double[] total) {
    return Double.isFinite(loss(total));
  }

  /**
   * Writes the batch's summed vector into the gradients and applies one optimizer step; returns the batch's loss.
   *
   * @throws ArithmeticException when the summed loss is not finite (see {@link #finite}), changing nothing
   */
  public double apply(double[] total) {
    if (total.length != vectorLength()) {
      throw new IllegalArgumentException("a summed gradient vector of " + total.length + " values, but the network "
          + "takes " + vectorLength());
    }
    if (!finite(total)) {
      throw new ArithmeticException("the summed loss is not finite at update " + (network.optimizer().iterations() + 1)
          + ": training diverged (lower the learning rate) or the data or weights hold NaN or infinite values");
    }
    List<Parameter> params = network.parameters();
    int offset = 0;
    for (int p = 0; p < params.size(); p++) {
      double[] g = parameterScratch[p];
      System.arraycopy(total, offset, g, 0, g.length);
      params.get(p).gradient().copyFrom(g);
      offset += g.length;
    }
    for (int i = 0; i < buffers.size(); i++) { // block 0's, carried through the sum unchanged
      double[] v = stepStartBuffers[i];
      System.arraycopy(total, offset, v, 0, v.length);
      buffers.get(i).copyFrom(v);
      offset += v.length;
    }
    network.applyUpdate();
    failure = null;
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
