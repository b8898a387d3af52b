package org.delta4j.nn;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.Window;
import org.delta4j.tensor.Tensor;

/**
 * Thread-safe inference on a {@link Network}: any number of threads may call it at once. Each thread gets layers of
 * its own, built by the same specs over the network's parameters and buffers, so work tensors are per thread and the
 * weights are shared, read-only. Any call runs at most {@value #CHUNK} rows at once: one of N &gt; {@value #CHUNK}
 * rows runs chunks of {@value #CHUNK} and one of the rest, so its work tensors are those of batches of those two
 * sizes however large N is; only the result grows with N. A thread keeps the work tensors of the last four batch sizes
 * it ran ({@link BatchTensors}), at most those of four batches of up to {@value #CHUNK} rows. Results equal the
 * network's own inference bit for bit, on each chunk as a batch; while the network trains, each call, all its chunks,
 * runs on the model between two updates (see {@link Network#predictor()}). Obtain it with {@link
 * Network#predictor()}; tensors it returns belong to the calling thread and hold until that thread's next call that
 * runs a batch of as many rows: a call of that many, or a larger one whose chunks or rest have that many.
 */
public final class Predictor {
  /** The most rows run at once by any method: their work tensors are those of a batch this size at most. */
  public static final int CHUNK = 1024;

  private final Network network;
  /**
   * Each thread's workspace, held by this predictor: a ThreadLocal's would outlive it in every thread that ran it, with
   * the layers' work tensors (a loop of networks made and dropped kept dozens of them).
   */
  private final Map<Thread, Workspace> workspaces = Collections.synchronizedMap(new WeakHashMap<>());

  /** One thread's layers, output reader, input tensors for chunks, and result tensors for batches past a chunk. */
  private record Workspace(List<Layer> layers, OutputReader reader, BatchTensors inputs, BatchTensors results) {}

  Predictor(Network network) {
    this.network = network;
  }

  /** The calling thread's workspace, made on its first call. */
  private Workspace workspace() {
    return workspaces.computeIfAbsent(Thread.currentThread(), t -> new Workspace(
        Network.stages(network.buildLayers()),
        new OutputReader(network.spec().loss(), network.engine(), network.dataType(), network.outputShape()),
        new BatchTensors(network.engine(), network.dataType(), network.inputShape()),
        new BatchTensors(network.engine(), network.dataType(), network.outputShape())));
  }

  /**
   * The raw output for a batch [N, input...], in inference mode. A batch of more than {@value #CHUNK} rows runs
   * {@value #CHUNK} at a time, as the array methods do, so that the work tensors stay those of a chunk and of the rest
   * however large the batch; each chunk's rows are those of the network's own inference on that chunk as a batch.
   */
  public Tensor output(Tensor input) {
    return batch(input, false);
  }

  /** Class probabilities (or, for losses without a softmax, the raw outputs) for a batch, run as {@link #output}. */
  public Tensor probabilities(Tensor input) {
    return batch(input, true);
  }

  /** The most probable class of each row of a batch, into {@code classes} (length ≥ N); run as {@link #output}. */
  public void classes(Tensor input, int[] classes) {
    network.checkInput(input); // before any copy: the input's engine, type and shape
    int n = input.shape().dim(0);
    if (classes == null || classes.length < n) {
      throw new IllegalArgumentException("classes: the array for " + n + " rows has "
          + (classes == null ? "none (null)" : classes.length + " elements"));
    }
    Workspace w = workspace();
    if (n <= CHUNK) {
      w.reader().classes(network.infer(w.layers(), input), classes,
          () -> network.readModel(() -> network.inferenceCause(w.layers(), input)));
      return;
    }
    int[] chunk = new int[CHUNK];
    inChunks(w, n, (from, rows) -> rows(w, input, from, rows), (from, rows, out) -> {
      w.reader().classes(out, chunk, () -> network.inferenceCause(w.layers(), w.inputs().get(rows)));
      System.arraycopy(chunk, 0, classes, from, rows);
    });
  }

  /**
   * The outputs (or probabilities) of a batch: run whole when it is a chunk or less, else a chunk at a time into this
   * thread's result tensor of N rows.
   */
  private Tensor batch(Tensor input, boolean probabilities) {
    network.checkInput(input);
    Workspace w = workspace();
    int n = input.shape().dim(0);
    if (n <= CHUNK) {
      Tensor out = network.infer(w.layers(), input);
      return probabilities ? w.reader().probabilities(out) : out;
    }
    Tensor result = w.results().get(n);
    int width = network.outputShape().intSize();
    Kernels k = network.engine().kernels();
    inChunks(w, n, (from, rows) -> rows(w, input, from, rows), (from, rows, out) -> k.copyWindow(
        probabilities ? w.reader().probabilities(out) : out, Window.dense(0, rows, width), result,
        Window.dense((long) from * width, rows, width)));
    return result;
  }

  /** Rows from..from+rows of a batch, in this thread's input tensor of that many rows. */
  private Tensor rows(Workspace w, Tensor input, int from, int rows) {
    int size = network.inputShape().intSize();
    Tensor t = w.inputs().get(rows);
    network.engine().kernels().copyWindow(input, Window.dense((long) from * size, rows, size), t,
        Window.dense(0, rows, size));
    return t;
  }

  /** The input of the rows from..from+rows of a call's samples. */
  private interface ChunkInput {
    Tensor rows(int from, int rows);
  }

  /** Takes the output of the rows from..from+rows. */
  private interface ChunkOutput {
    void take(int from, int rows, Tensor output);
  }

  /**
   * Runs rows [0, n) {@value #CHUNK} at a time, all under one reading of the model: a call's chunks run on the same
   * model between two updates while the network trains, never some on one update's weights and some on the next.
   */
  private void inChunks(Workspace w, int n, ChunkInput input, ChunkOutput output) {
    network.readModel(() -> {
      for (int from = 0; from < n; from += CHUNK) {
        int rows = Math.min(CHUNK, n - from);
        output.take(from, rows, network.infer(w.layers(), input.rows(from, rows)));
      }
      return null;
    });
  }

  /**
   * The probabilities (or raw outputs) of each sample, one row of features each. Any number of samples: they run
   * {@value #CHUNK} at a time, so the work tensors stay those of a chunk and of the rest however many there are;
   * each chunk's results are those of the network's own inference on that chunk as a batch, and all chunks run on the
   * same model.
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
    Workspace w = workspace();
    int width = network.outputShape().intSize();
    float[][] out = new float[samples.length][width];
    inChunks(w, samples.length, (from, rows) -> input(w, samples, from, rows), (from, rows, o) -> {
      float[] flat = (probabilities ? w.reader().probabilities(o) : o).toFloatArray();
      for (int i = 0; i < rows; i++) {
        System.arraycopy(flat, i * width, out[from + i], 0, width);
      }
    });
    return out;
  }

  /** The most probable class of each sample; any number, run as {@link #probabilities(float[][])} runs them. */
  public int[] classes(float[][] samples) {
    checkSamples(samples);
    Workspace w = workspace();
    int[] out = new int[samples.length];
    int[] chunk = new int[Math.min(CHUNK, samples.length)];
    inChunks(w, samples.length, (from, rows) -> input(w, samples, from, rows), (from, rows, o) -> {
      w.reader().classes(o, chunk, () -> network.inferenceCause(w.layers(), w.inputs().get(rows)));
      System.arraycopy(chunk, 0, out, from, rows);
    });
    return out;
  }

  /**
   * Every sample is checked before any is run: a bad one late in a long array is named before work is spent. A
   * feature that is NaN or infinite is refused, as a dataset refuses it: its class came out as the first, confidently.
   */
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
      for (int j = 0; j < size; j++) {
        if (!Float.isFinite(samples[i][j])) {
          throw new IllegalArgumentException("feature " + j + " of sample " + i + " is " + samples[i][j]
              + ": features must be finite");
        }
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
