package org.delta4j.nn;

import java.util.List;
import org.delta4j.tensor.Tensor;

/**
 * Thread-safe inference on a {@link Network}: any number of threads may call it at once. Each thread gets layers of
 * its own, built by the same specs over the network's parameters and buffers, so work tensors are per thread and the
 * weights are shared, read-only. Results equal the network's own inference bit for bit. Obtain it with {@link
 * Network#predictor()}; tensors it returns belong to the calling thread and are overwritten by that thread's next call
 * with the same batch size.
 */
public final class Predictor {
  private final Network network;
  private final ThreadLocal<Workspace> workspaces;

  /** One thread's layers and output reader. */
  private record Workspace(List<Layer> layers, OutputReader reader) {}

  Predictor(Network network) {
    this.network = network;
    this.workspaces = ThreadLocal.withInitial(() -> new Workspace(Network.stages(network.buildLayers()),
        new OutputReader(network.spec().loss(), network.engine(), network.dataType(), network.outputShape())));
  }

  /** The raw output for a batch [N, input...], in inference mode. */
  public Tensor output(Tensor input) {
    return network.run(workspaces.get().layers(), input, Mode.inference());
  }

  /** Class probabilities (or, for losses without a softmax, the raw outputs) for a batch. */
  public Tensor probabilities(Tensor input) {
    Workspace w = workspaces.get();
    return w.reader().probabilities(network.run(w.layers(), input, Mode.inference()));
  }

  /** The most probable class of each row of a batch, into {@code classes} (length ≥ N). */
  public void classes(Tensor input, int[] classes) {
    Workspace w = workspaces.get();
    w.reader().classes(network.run(w.layers(), input, Mode.inference()), classes);
  }

  /** The probabilities (or raw outputs) of each sample, one row of features each. */
  public float[][] probabilities(float[][] samples) {
    int width = network.outputShape().intSize();
    float[] flat = probabilities(input(samples)).toFloatArray();
    float[][] out = new float[samples.length][width];
    for (int i = 0; i < samples.length; i++) {
      System.arraycopy(flat, i * width, out[i], 0, width);
    }
    return out;
  }

  /** The most probable class of each sample. */
  public int[] classes(float[][] samples) {
    int[] out = new int[samples.length];
    classes(input(samples), out);
    return out;
  }

  private Tensor input(float[][] samples) {
    if (samples == null || samples.length == 0) {
      throw new IllegalArgumentException("no samples to predict");
    }
    int size = network.inputShape().intSize();
    float[] flat = new float[Math.multiplyExact(samples.length, size)];
    for (int i = 0; i < samples.length; i++) {
      if (samples[i] == null || samples[i].length != size) {
        throw new IllegalArgumentException("sample " + i + " has " + (samples[i] == null ? 0 : samples[i].length)
            + " features but the network takes " + size + " (input shape " + network.inputShape() + ")");
      }
      System.arraycopy(samples[i], 0, flat, i * size, size);
    }
    Tensor t = network.engine().zeros(network.dataType(), network.inputShape().withBatch(samples.length));
    t.copyFrom(flat);
    return t;
  }
}
