package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.delta4j.conformance.ObservedIdentity;
import org.delta4j.data.ArrayDataset;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.delta4j.train.Evaluation;
import org.junit.jupiter.api.Test;

/**
 * The predictor's methods, on arrays or batch tensors, and evaluation take any number of samples with bounded work:
 * they run at most {@link Predictor#CHUNK} rows at once, with the results of running each chunk as a batch of its own.
 */
class PredictorChunksTest {
  private static final int SAMPLES = 2 * Predictor.CHUNK + 37;

  /** The most rows any forward pass through it has seen. */
  private final AtomicInteger largest = new AtomicInteger();

  private Network network() {
    NetworkSpec spec = NetworkSpec.builder().input(3).layer(new ObservedIdentity("rows_seen",
        input -> largest.accumulateAndGet(input.shape().dim(0), Math::max))).dense(8).relu().dense(4)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).seed(3).build();
    return Network.create(spec, new RefEngine(), DataType.FLOAT32);
  }

  private static float[][] samples(int n) {
    SplitMix64 r = new SplitMix64(9);
    float[][] x = new float[n][3];
    for (float[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) r.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void manySamplesRunAChunkAtATimeAndGiveEachChunksOwnResults() {
    Network net = network();
    float[][] x = samples(SAMPLES);
    float[][] all = net.predictor().probabilities(x);
    int[] classes = net.predictor().classes(x);
    assertEquals(Predictor.CHUNK, largest.get(), "the most rows run at once");
    assertEquals(SAMPLES, all.length);
    for (int from = 0; from < SAMPLES; from += Predictor.CHUNK) {
      float[][] chunk = Arrays.copyOfRange(x, from, Math.min(SAMPLES, from + Predictor.CHUNK));
      assertArrayEquals(net.predictor().probabilities(chunk), Arrays.copyOfRange(all, from, from + chunk.length));
      assertArrayEquals(net.predictor().classes(chunk), Arrays.copyOfRange(classes, from, from + chunk.length));
    }
  }

  /**
   * The raw outputs (the generated networks' {@code outputs}) run a chunk at a time too, and are the logits behind
   * the probabilities: softmax(outputs) = probabilities.
   */
  @Test
  void rawOutputsRunAChunkAtATimeAndAreTheLogitsOfTheProbabilities() {
    Network net = network();
    float[][] x = samples(SAMPLES);
    float[][] logits = net.predictor().outputs(x);
    assertEquals(Predictor.CHUNK, largest.get(), "the most rows run at once");
    float[][] probabilities = net.predictor().probabilities(x);
    for (int i = 0; i < SAMPLES; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (float z : logits[i]) {
        max = Math.max(max, z);
      }
      double sum = 0;
      for (float z : logits[i]) {
        sum += Math.exp(z - max);
      }
      for (int c = 0; c < logits[i].length; c++) {
        assertEquals(Math.exp(logits[i][c] - max) / sum, probabilities[i][c], 1e-6, "sample " + i + ", class " + c);
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.predictor().outputs(new float[0][]));
    assertEquals("no samples to predict", e.getMessage());
  }

  /** The samples as one batch tensor [N, 3]. */
  private static Tensor batch(Network net, float[][] x) {
    float[] flat = new float[x.length * 3];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, flat, 3 * i, 3);
    }
    Tensor t = net.engine().zeros(DataType.FLOAT32, Shape.of(x.length, 3));
    t.copyFrom(flat);
    return t;
  }

  @Test
  void aBatchTensorOfManySamplesRunsAChunkAtATimeAndGivesEachChunksOwnResults() {
    Network net = network();
    float[][] x = samples(SAMPLES);
    Predictor p = net.predictor();
    float[] outputs = p.output(batch(net, x)).toFloatArray();
    float[] probabilities = p.probabilities(batch(net, x)).toFloatArray();
    int[] classes = new int[SAMPLES];
    p.classes(batch(net, x), classes);
    assertEquals(Predictor.CHUNK, largest.get(), "the most rows run at once");
    assertEquals(SAMPLES * 4, outputs.length);
    for (int from = 0; from < SAMPLES; from += Predictor.CHUNK) {
      int to = Math.min(SAMPLES, from + Predictor.CHUNK);
      Tensor chunk = batch(net, Arrays.copyOfRange(x, from, to));
      assertArrayEquals(p.output(chunk).toFloatArray(), Arrays.copyOfRange(outputs, 4 * from, 4 * to));
      assertArrayEquals(p.probabilities(chunk).toFloatArray(), Arrays.copyOfRange(probabilities, 4 * from, 4 * to));
      int[] c = new int[to - from];
      p.classes(chunk, c);
      assertArrayEquals(c, Arrays.copyOfRange(classes, from, to));
    }
  }

  @Test
  void evaluationRunsAtMostAChunkAtOnceWhateverTheBatchSizeAskedFor() {
    Network net = network();
    float[][] x = samples(SAMPLES);
    int[] y = new int[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      y[i] = i % 4;
    }
    ArrayDataset data = ArrayDataset.classification(x, y, 4);
    Evaluation huge = Evaluation.of(net, data, Integer.MAX_VALUE);
    assertEquals(Predictor.CHUNK, largest.get(), "the most rows run at once");
    Evaluation chunked = Evaluation.of(net, data, Predictor.CHUNK);
    assertEquals(chunked.loss(), huge.loss());
    assertArrayEquals(chunked.predictions(), huge.predictions());
  }

  /**
   * Calls of many chunks made from several threads while the network trains run all of a call's chunks on the model
   * between two updates: each result is one the training thread itself sees between updates, never chunks of one
   * update beside chunks of the next.
   */
  @Test
  void allChunksOfOneCallRunOnOneModelWhileTheNetworkTrains() throws Exception {
    NetworkSpec spec = NetworkSpec.builder().input(3).dense(16).relu().dense(4)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.05)).seed(3).build();
    Network net = Network.create(spec, new RefEngine(), DataType.FLOAT32);
    float[][] x = samples(SAMPLES);
    Tensor input = batch(net, Arrays.copyOf(x, 32));
    Tensor targets = net.engine().zeros(DataType.FLOAT32, Shape.of(32, 4));
    float[] t = new float[32 * 4];
    for (int i = 0; i < 32; i++) {
      t[4 * i + i % 4] = 1;
    }
    targets.copyFrom(t);
    List<float[][]> states = new CopyOnWriteArrayList<>();
    states.add(net.predictor().probabilities(x));
    AtomicBoolean training = new AtomicBoolean(true);
    int threads = 3;
    // every predicting thread runs before training starts, and training goes on (up to a bound) until each has seen
    // two states: a thread the scheduler started late would otherwise see only the last, on a busy machine
    CountDownLatch started = new CountDownLatch(threads);
    AtomicIntegerArray distinct = new AtomicIntegerArray(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<float[][]>>> seen = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int thread = i;
        seen.add(pool.submit(() -> {
          started.countDown();
          List<float[][]> got = new ArrayList<>();
          while (training.get()) {
            float[][] p = net.predictor().probabilities(x);
            if (got.isEmpty() || !Arrays.deepEquals(p, got.get(got.size() - 1))) {
              got.add(p);
              distinct.set(thread, got.size());
            }
          }
          return got;
        }));
      }
      started.await();
      for (int step = 0; step < 100 || step < 1_000 && !eachSawTwo(distinct); step++) {
        net.trainStep(input, targets);
        states.add(net.predictor().probabilities(x));
      }
      training.set(false);
      for (Future<List<float[][]>> f : seen) {
        List<float[][]> got = f.get();
        assertTrue(got.size() > 1, "predicted while training: " + got.size() + " distinct results");
        for (float[][] p : got) {
          assertTrue(states.stream().anyMatch(s -> Arrays.deepEquals(s, p)),
              "a prediction of " + SAMPLES + " samples matches no state of the network between updates");
        }
      }
    } finally {
      training.set(false);
      pool.shutdownNow();
    }
  }

  /** Whether every thread has seen at least two states of the network. */
  private static boolean eachSawTwo(AtomicIntegerArray distinct) {
    for (int i = 0; i < distinct.length(); i++) {
      if (distinct.get(i) < 2) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aBadSampleLateInALongArrayIsNamedBeforeAnyIsRun() {
    Network net = network();
    float[][] x = samples(SAMPLES);
    x[SAMPLES - 1] = new float[2];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.predictor().classes(x));
    assertTrue(e.getMessage().contains("sample " + (SAMPLES - 1) + " has 2 features but the network takes 3"),
        e.getMessage());
    assertEquals(0, largest.get(), "nothing was run");
  }
}
