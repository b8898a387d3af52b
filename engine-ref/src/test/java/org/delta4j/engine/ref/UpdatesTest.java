package org.delta4j.engine.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The optimizers' update loops: the vector Adam is the scalar one, bit for bit, also split between the cores; no state
 * decays into subnormals.
 */
class UpdatesTest {
  static float[] random(int n, long seed, float scale) {
    SplitMix64 r = new SplitMix64(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((2 * r.nextDouble() - 1) * scale);
    }
    return v;
  }

  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {1, 15, 16, 17, 100, 1027})
  void vectorAdamGivesTheScalarLoopsBits(int n) {
    Updates.FloatAdam vector = new VectorAdam();
    float[] w1 = random(n, 1, 1);
    float[] m1 = random(n, 2, 0.01f);
    float[] v1 = random(n, 3, 1e-4f);
    for (int i = 0; i < n; i++) {
      v1[i] = Math.abs(v1[i]);
    }
    float[] w2 = w1.clone();
    float[] m2 = m1.clone();
    float[] v2 = v1.clone();
    for (int step = 1; step <= 3; step++) {
      float[] g = random(n, 10 + step, 0.1f);
      float r1 = (float) (1 / (1 - Math.pow(0.9, step))); // the reciprocals of the bias corrections
      float r2 = (float) (1 / (1 - Math.pow(0.999, step)));
      vector.apply(w1, g, m1, v1, 0, n, 1e-3f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, r1, r2);
      Updates.scalarAdam(w2, g, m2, v2, 0, n, 1e-3f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, r1, r2);
    }
    assertArrayEquals(w2, w1);
    assertArrayEquals(m2, m1);
    assertArrayEquals(v2, v1);
  }

  @Test
  void vectorAdamTouchesOnlyItsRange() {
    float[] w = random(40, 1, 1);
    float[] before = w.clone();
    new VectorAdam().apply(w, random(40, 2, 1), new float[40], new float[40], 5, 33, 0.1f, 0.9f, 0.1f, 0.999f, 0.001f,
        1e-8f, 0.1f, 0.001f);
    for (int i = 0; i < 40; i++) {
      assertEquals(i >= 5 && i < 33, w[i] != before[i], "element " + i);
    }
  }

  /**
   * The engine's Adam, a large parameter's elements split between the cores, gives the bits of the scalar loop run
   * over the whole parameter on one thread, with the bias corrections' reciprocals rounded to float; for a parameter
   * too small to split and one of a length that neither the cores nor the vectors divide.
   */
  @ParameterizedTest(name = "{0} elements")
  @ValueSource(ints = {30, 100_003})
  void enginesAdamSplitBetweenTheCoresIsTheScalarLoop(int n) {
    Engine e = new RefEngine();
    Kernels k = e.kernels();
    Shape s = Shape.of(n);
    float[] w = random(n, 1, 1);
    float[] m = random(n, 2, 0.1f);
    float[] v = random(n, 3, 1e-2f);
    for (int i = 0; i < n; i++) {
      v[i] = Math.abs(v[i]);
    }
    Tensor[] fused = {e.zeros(DataType.FLOAT32, s), e.zeros(DataType.FLOAT32, s), e.zeros(DataType.FLOAT32, s)};
    fused[0].copyFrom(w);
    fused[1].copyFrom(m);
    fused[2].copyFrom(v);
    for (int step = 1; step <= 3; step++) {
      float[] g = random(n, 10 + step, 0.1f);
      Tensor gradient = e.zeros(DataType.FLOAT32, s);
      gradient.copyFrom(g);
      double c1 = 1 - Math.pow(0.9, step);
      double c2 = 1 - Math.pow(0.999, step);
      k.adamUpdate(fused[0], gradient, fused[1], fused[2], 1e-3, 0.9, 0.999, 1e-8, c1, c2);
      Updates.scalarAdam(w, g, m, v, 0, n, 1e-3f, 0.9f, (float) (1 - 0.9), 0.999f, (float) (1 - 0.999), 1e-8f,
          (float) (1 / c1), (float) (1 / c2));
    }
    assertArrayEquals(w, fused[0].toFloatArray(), "w");
    assertArrayEquals(m, fused[1].toFloatArray(), "m");
    assertArrayEquals(v, fused[2].toFloatArray(), "v");
  }

  /** After one gradient and then only zeros, m decays by β₁ a step: it must reach 0, never a subnormal. */
  @Test
  void stateDecaysToZeroRatherThanIntoSubnormals() {
    float[] w = {0.5f, -0.5f};
    float[] m = new float[2];
    float[] v = new float[2];
    Updates.scalarAdam(w, new float[] {1e-3f, 1}, m, v, 0, 2, 1e-3f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 10, 1000);
    float[] zero = new float[2];
    for (int step = 0; step < 100_000; step++) {
      Updates.scalarAdam(w, zero, m, v, 0, 2, 1e-3f, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 1, 1);
      for (float x : new float[] {m[0], m[1], v[0], v[1]}) {
        assertTrue(x == 0 || Math.abs(x) >= Float.MIN_NORMAL, "subnormal state " + x + " at step " + step);
      }
    }
    assertEquals(0f, m[0]);
    assertEquals(0f, v[0]);
    double[] md = {1e-300};
    double[] vd = {1e-300};
    Updates.adam(new double[1], new double[1], md, vd, 1e-3, 0.9, 0.999, 1e-8, 1, 1);
    assertEquals(1e-300 * 0.9, md[0], 1e-310);
    for (int step = 0; step < 10_000; step++) {
      Updates.adam(new double[1], new double[1], md, vd, 1e-3, 0.9, 0.999, 1e-8, 1, 1);
      assertTrue(md[0] == 0 || md[0] >= Double.MIN_NORMAL, "subnormal state " + md[0]);
    }
    assertEquals(0, md[0]);
  }

  @Test
  void momentumAndRmsPropStatesAreFlushedToo() {
    float[] v = {Float.MIN_NORMAL * 1.5f};
    Updates.momentum(new float[1], new float[1], v, 0.1f, 0.5f, false);
    assertEquals(0f, v[0]);
    float[] s = {Float.MIN_NORMAL * 1.5f};
    Updates.rmsProp(new float[1], new float[1], s, 0.1f, 0.5f, 0.5f, 1e-8f);
    assertEquals(0f, s[0]);
  }
}
