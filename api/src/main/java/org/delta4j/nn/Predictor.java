package org.delta4j.nn;

import java.util.List;
import org.delta4j.tensor.Tensor;

/**
 * Thread-safe inference on a {@link Network}: any number of threads may call it at once. Each thread gets layers of
 * its own, built by the same specs over the network's parameters and buffers, so work tensors are per thread and the
 * weights are shared, read-only. Results equal the network's own inference bit for bit; while the network trains,
 * each call runs on the model between two updates (see {@link Network#predictor()}). Obtain it with {@link
 * Network#predictor()}; tensors it returns belong to the calling thread and are overwritten by that thread's next call
 * with the same batch size.
 */
public final class Predictor {
  /** The most rows run at once by the array methods: their work tensors are those of a batch this size at most. */
  public static final int CHUNK = 1024;

  private final Network network;
  private final ThreadLocal<Workspace> workspaces;

  /** One thread's layers, output reader and input tensors. */
  private record Workspace(List<Layer> layers, OutputReader reader, BatchTensors inputs) {}

  Predictor(Network network) {
    this.network = network;
    this.workspaces = ThreadLocal.withInitial(() -> new Workspace(Network.stages(network.buildLayers()),
        new OutputReader(network.spec().loss(), network.engine(), network.dataType(), network.outputShape()),
        new BatchTensors(network.engine(), network.dataType(), network.inputShape())));
  }

  /** The raw output for a batch [N, input...], in inference mode. */
  public Tensor output(Tensor input) {
    return network.infer(workspaces.get().layers(), input);
  }

  /** Class probabilities (or, for losses without a softmax, the raw outputs) for a batch. */
  public Tensor probabilities(Tensor input) {
    Workspace w = workspaces.get();
    return w.reader().probabilities(network.infer(w.layers(), input));
  }

  /** The most probable class of each row of a batch, into {@code classes} (length ≥ N). */
  public void classes(Tensor input, int[] classes) {
    Workspace w = workspaces.get();
    w.reader().classes(network.infer(w.layers(), input), classes);
  }

  /**
   * The probabilities (or raw outputs) of each sample, one row of features each. Any number of samples: they run
   * {@value #CHUNK} at a time, so the work tensors stay those of a batch of {@value #CHUNK} however many there are;
   * each chunk's results are those of the network's own inference on that chunk as a batch.
   */
  public float[][] probabilities(float[][] samples) {
    return rows(samples, true);
  }

  /**
   * The raw output of each sample, one row of features each: the logits where the loss applies a softmax. Any number
   * of samples, run as {@link #probabilities(float[][])} runs them.
   */
  public float[][] outputs(float[][] samples) {
    return rows(samples, false);
  }

  /** One row of outputs per sample, read as probabilities or raw, {@value #CHUNK} samples at a time. */
  private float[][] rows(float[][] samples, boolean probabilities) {
    checkSamples(samples);
    Workspace w = workspaces.get();
    int width = network.outputShape().intSize();
    float[][] out = new float[samples.length][width];
    for (int from = 0; from < samples.length; from += CHUNK) {
      int rows = Math.min(CHUNK, samples.length - from);
      Tensor y = network.infer(w.layers(), input(w, samples, from, rows));
      float[] flat = (probabilities ? w.reader().probabilities(y) : y).toFloatArray();
      for (int i = 0; i < rows; i++) {
        System.arraycopy(flat, i * width, out[from + i], 0, width);
      }
    }
    return out;
  }

  /** The most probable class of each sample; any number, run as {@link #probabilities(float[][])} runs them. */
  public int[] classes(float[][] samples) {
    checkSamples(samples);
    Workspace w = workspaces.get();
    int[] out = new int[samples.length];
    int[] chunk = new int[Math.min(CHUNK, samples.length)];
    for (int from = 0; from < samples.length; from += CHUNK) {
      int rows = Math.min(CHUNK, samples.length - from);
      w.reader().classes(network.infer(w.layers(), input(w, samples, from, rows)), chunk);
      System.arraycopy(chunk, 0, out, from, rows);
    }
    return out;
  }

  /** Every sample is checked before any is run: a bad one late in a long array is named before work is spent. */
  private void checkSamples(float[][] samples) {
    if (samples == null || samples.length == 0) {
      throw new IllegalArgumentException("no samples to predict");
    }
    int size = network.inputShape().intSize();
    for (int i = 0; i < samples.length; i++) {
      if (samples[i] == null || samples[i].length != size) {
        throw new IllegalArgumentException("sample " + i + " has " + (samples[i] == null ? 0 : samples[i].length)
            + " features but the network takes " + size + " (input shape " + network.inputShape() + ")");
      }
    }
  }

  /** Samples from..from+rows as a batch, in this thread's input tensor of that many rows. */
  private Tensor input(Workspace w, float[][] samples, int from, int rows) {
    int size = network.inputShape().intSize();
    float[] flat = new float[rows * size];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(samples[from + i], 0, flat, i * size, size);
    }
    Tensor t = w.inputs().get(rows);
    t.copyFrom(flat);
    return t;
  }
}
