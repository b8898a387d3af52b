package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.delta4j.conformance.ObservedIdentity;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;

/**
 * The predictor's array methods take any number of samples with bounded work: they run at most {@link
 * Predictor#CHUNK} rows at once, with the results of running each chunk as a batch of its own.
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
