package org.delta4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.delta4j.data.ByteImageDataset;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.engine.Engine;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

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

  /** The features of the first {@code rows} samples of the training set, flat [rows × 784]: an inference input. */
  public static float[] features(int rows) {
    return batches(1, rows)[0][0];
  }

  /** {@link #features(int)} in an engine's FLOAT32 tensor, each sample of shape {@code sample}. */
  public static Tensor features(Engine engine, int rows, Shape sample) {
    Tensor t = engine.zeros(DataType.FLOAT32, sample.withBatch(rows));
    t.copyFrom(features(rows));
    return t;
  }

  /**
   * {@link #batches} of {@link #BATCH} samples in an engine's FLOAT32 tensors: [0] the inputs, each sample of shape
   * {@code sample} (784 values: [784], or [1, 28, 28] for a convolutional network), [1] the one-hot targets.
   */
  public static Tensor[][] onEngine(Engine engine, int count, Shape sample) {
    float[][][] batches = batches(count, BATCH);
    Tensor[][] out = new Tensor[2][count];
    for (int b = 0; b < count; b++) {
      out[0][b] = engine.zeros(DataType.FLOAT32, sample.withBatch(BATCH));
      out[0][b].copyFrom(batches[b][0]);
      out[1][b] = engine.zeros(DataType.FLOAT32, Shape.of(BATCH, 10));
      out[1][b].copyFrom(batches[b][1]);
    }
    return out;
  }
}
