package org.delta4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.delta4j.data.ByteImageDataset;
import org.delta4j.datasets.FashionMnist;

/**
 * The data every training and inference benchmark uses, ours and the peers' alike: Fashion-MNIST's training set,
 * pixels scaled to [0, 1], labels one-hot. Loaded once per JVM.
 */
public final class BenchmarkData {
  /** The batch size of the training-step benchmarks, as in the main job's comparison. */
  public static final int BATCH = 128;

  private static ByteImageDataset training;

  private BenchmarkData() {}

  /** Fashion-MNIST's 60,000 training images, from the usual places (see {@link FashionMnist#locate}). */
  public static synchronized ByteImageDataset training() {
    if (training == null) {
      try {
        training = FashionMnist.load(null).training();
      } catch (IOException e) {
        throw new UncheckedIOException("the benchmarks train on Fashion-MNIST: " + e.getMessage(), e);
      }
    }
    return training;
  }

  /**
   * {@code count} consecutive batches of {@code rows} samples from the start of the training set, as flat
   * features [rows × 784] and one-hot targets [rows × 10].
   */
  public static float[][][] batches(int count, int rows) {
    ByteImageDataset data = training();
    float[][][] out = new float[count][2][];
    int[] order = new int[rows];
    for (int b = 0; b < count; b++) {
      for (int i = 0; i < rows; i++) {
        order[i] = (b * rows + i) % data.size();
      }
      out[b][0] = new float[rows * 784];
      out[b][1] = new float[rows * 10];
      data.fill(order, 0, rows, out[b][0], out[b][1]);
    }
    return out;
  }
}
