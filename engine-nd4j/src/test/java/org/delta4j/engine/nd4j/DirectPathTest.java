package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.delta4j.conformance.Agreement;
import org.delta4j.conformance.Tolerances;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The engine's direct path — gemm as one OpenBLAS call on the tensors' memory ({@link BlasGemm}), the bias add and
 * the rectifiers in Java on small tensors ({@link SmallArrays}), the losses of a batch by the reference engine's loops
 * — agrees with the reference engine on both sides of
 * the size threshold, with every transpose, in both types, on arrays that start inside their buffer; gives the same
 * bits run to run and from several threads at once; and refuses memory it cannot address.
 */
class DirectPathTest {
  private static final DataType[] TYPES = {DataType.FLOAT32, DataType.FLOAT64};
  private final Engine nd4j = Engines.get(Nd4jEngine.NAME);
  private final Engine ref = Engines.get("ref");

  private static double[] values(int n, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble() - 0.5;
    }
    return v;
  }

  private static Tensor random(Engine e, DataType type, long seed, int... dims) {
    return e.tensor(type, Shape.of(dims), values(Shape.of(dims).intSize(), seed));
  }

  /** C ← α·op(A)·op(B) + β·C on both engines from the same numbers; fails unless they agree. */
  private void gemmAgrees(DataType type, int m, int k, int n, boolean ta, boolean tb, double alpha, double beta) {
    int[] aDims = ta ? new int[] {k, m} : new int[] {m, k};
    int[] bDims = tb ? new int[] {n, k} : new int[] {k, n};
    Tensor[] c = new Tensor[2];
    Engine[] engines = {ref, nd4j};
    for (int e = 0; e < 2; e++) {
      Tensor a = random(engines[e], type, 1, aDims);
      Tensor b = random(engines[e], type, 2, bDims);
      c[e] = random(engines[e], type, 3, m, n);
      engines[e].kernels().gemm(a, ta, b, tb, alpha, beta, c[e]);
    }
    Agreement.assertAgree("gemm " + type + " " + m + "x" + k + "x" + n + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : ""), c[0],
        c[1], Tolerances.of(type));
  }

  @Test
  void gemmAgreesWithTheReferenceAtBatchOneAndAtTrainingSizesWithEveryTranspose() {
    for (DataType type : TYPES) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          gemmAgrees(type, 1, 784, 256, ta, tb, 1, 0); //   a dense layer at batch 1 (one gemv)
          gemmAgrees(type, 1, 37, 11, ta, tb, -0.5, 0.75); // one row, scaled and accumulated
          gemmAgrees(type, 1, 1, 5, ta, tb, 2, 0);
          gemmAgrees(type, 3, 5, 7, ta, tb, 0.5, 1); //     accumulating, as dW += Xᵀ·dY
          gemmAgrees(type, 128, 256, 100, ta, tb, -2, 0.25);
        }
      }
      gemmAgrees(type, 784, 128, 256, true, false, 1, 1); // dW = Xᵀ·dY
      gemmAgrees(type, 128, 256, 784, false, true, 1, 0); // dX = dY·Wᵀ
    }
  }

  @Test
  void gemmWithBetaZeroIgnoresWhatCHeld() {
    for (DataType type : TYPES) {
      Tensor a = random(nd4j, type, 1, 2, 3);
      Tensor b = random(nd4j, type, 2, 3, 4);
      Tensor c = nd4j.zeros(type, Shape.of(2, 4));
      nd4j.kernels().fill(c, Double.NaN);
      nd4j.kernels().gemm(a, false, b, false, 1, 0, c);
      Tensor r = ref.zeros(type, Shape.of(2, 4));
      ref.kernels().gemm(random(ref, type, 1, 2, 3), false, random(ref, type, 2, 3, 4), false, 1, 0, r);
      Agreement.assertAgree("gemm over NaN " + type, r, c, Tolerances.of(type));
      Tensor row = nd4j.zeros(type, Shape.of(1, 4)); // one row: the gemv path
      nd4j.kernels().fill(row, Double.NaN);
      nd4j.kernels().gemm(random(nd4j, type, 1, 1, 3), false, b, false, 1, 0, row);
      Tensor expected = ref.zeros(type, Shape.of(1, 4));
      ref.kernels().gemm(random(ref, type, 1, 1, 3), false, random(ref, type, 2, 3, 4), false, 1, 0, expected);
      Agreement.assertAgree("one-row gemm over NaN " + type, expected, row, Tolerances.of(type));
    }
  }

  @Test
  void gemmReadsAndWritesArraysThatStartInsideTheirBuffer() {
    for (DataType type : TYPES) {
      org.nd4j.linalg.api.buffer.DataType t = Nd4jEngine.nd4jType(type);
      // Rows 2..4 of a [7, 5] matrix, rows 1..5 of a [8, 6] one, rows 3..5 of a [9, 6] output: each contiguous, at an
      // offset in its buffer.
      INDArray bigA = Nd4j.create(values(35, 1), new long[] {7, 5}, t);
      INDArray bigB = Nd4j.create(values(48, 2), new long[] {8, 6}, t);
      INDArray bigC = Nd4j.create(values(54, 3), new long[] {9, 6}, t);
      INDArray a = bigA.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all());
      INDArray b = bigB.get(NDArrayIndex.interval(1, 6), NDArrayIndex.all());
      INDArray c = bigC.get(NDArrayIndex.interval(3, 6), NDArrayIndex.all());
      assertTrue(a.offset() > 0 && b.offset() > 0 && c.offset() > 0, "the views start inside their buffers");
      INDArray expected = a.dup().mmul(b.dup()).muli(2).addi(c.dup().muli(0.5));
      double[] before = bigC.dup().data().asDouble();
      BlasGemm.gemm(tensor(type, a), false, tensor(type, b), false, 2, 0.5, tensor(type, c));
      Agreement.assertAgree("gemm on views " + type, expected.data().asDouble(), c.dup().data().asDouble(),
          Tolerances.of(type));
      double[] after = bigC.data().asDouble();
      for (int i = 0; i < after.length; i++) {
        if (i < 18 || i >= 36) {
          assertEquals(before[i], after[i], "element " + i + " of C's buffer outside the view");
        }
      }
    }
  }

  private Nd4jTensor tensor(DataType type, INDArray a) {
    return new Nd4jTensor((Nd4jEngine) nd4j, Shape.of(a.rows(), a.columns()), type, a);
  }

  @Test
  void memoryThatIsNotContiguousInCOrderIsRefusedByName() {
    INDArray column = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 4).getColumn(1).reshape(4, 1);
    INDArray other = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BlasGemm.gemm(tensor(DataType.FLOAT32, column), false, tensor(DataType.FLOAT32, other), false, 1, 0,
            tensor(DataType.FLOAT32, Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3))));
    assertTrue(e.getMessage().startsWith("gemm: array [4, 1]") && e.getMessage().contains("not contiguous"),
        e.getMessage());
  }

  @Test
  void theThresholdSitsBetweenABatchOneLayerAndALargeOne() {
    assertTrue(SmallArrays.VECTOR_API, "surefire runs with --add-modules jdk.incubator.vector");
    assertTrue(SmallArrays.applies(nd4j.zeros(DataType.FLOAT32, Shape.of(128, 256))));
    assertFalse(SmallArrays.applies(nd4j.zeros(DataType.FLOAT32, Shape.of(300, 300))));
  }

  /**
   * The bias add, the rectifiers and softmax on both engines from the same numbers: the same bits below the threshold;
   * above it, ND4J's ops, the same bits but for softmax, which agrees to round-off.
   */
  private void elementWiseAgrees(DataType type, int rows, int n) {
    double[] x = values(rows * n, 4);
    x[0] = Double.NaN;
    x[1] = -0.0;
    x[2] = 0.0;
    if (rows * n > SmallArrays.MAX_ELEMENTS) {
      x[0] = 1; // ND4J's own ReLU takes NaN to 0 where Math.max keeps it: outside the direct path it is ND4J's rule
    }
    double[] bias = values(n, 5);
    List<double[]> results = new ArrayList<>();
    for (Engine e : new Engine[] {ref, nd4j}) {
      Tensor m = e.tensor(type, Shape.of(rows, n), x);
      e.kernels().addRowVector(m, e.tensor(type, Shape.of(n), bias));
      Tensor relu = e.zeros(type, Shape.of(rows, n));
      e.kernels().activation(ActivationFunction.RELU, 0, m, relu);
      Tensor leaky = e.zeros(type, Shape.of(rows, n));
      e.kernels().activation(ActivationFunction.LEAKY_RELU, 0.01, m, leaky);
      e.kernels().activation(ActivationFunction.LEAKY_RELU, 0.2, m, m); // in place
      Tensor softmax = e.zeros(type, Shape.of(rows, n));
      e.kernels().activation(ActivationFunction.SOFTMAX, 0, leaky, softmax);
      results.add(concat(relu.toDoubleArray(), leaky.toDoubleArray(), m.toDoubleArray(), softmax.toDoubleArray()));
    }
    String what = type + " [" + rows + ", " + n + "]";
    if (rows * n <= SmallArrays.MAX_ELEMENTS) {
      assertArrayEquals(results.get(0), results.get(1), what);
    } else {
      int rectified = 3 * rows * n;
      assertArrayEquals(java.util.Arrays.copyOf(results.get(0), rectified),
          java.util.Arrays.copyOf(results.get(1), rectified), what);
      Agreement.assertAgree("softmax " + what, results.get(0), results.get(1), Tolerances.of(type));
    }
  }

  private static double[] concat(double[]... parts) {
    return java.util.Arrays.stream(parts).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  @Test
  void biasAddRectifiersAndSoftmaxAgreeWithTheReferenceOnBothSidesOfTheThreshold() {
    for (DataType type : TYPES) {
      elementWiseAgrees(type, 1, 10); //   shorter than a vector
      elementWiseAgrees(type, 3, 37); //   rows with a tail
      elementWiseAgrees(type, 1, 256); //  a layer at batch 1
      elementWiseAgrees(type, 300, 301); // above the threshold: ND4J's ops
    }
  }

  @Test
  void everyLossGivesTheReferenceBitsOnASmallBatchAndAgreesOnALargeOne() {
    for (DataType type : TYPES) {
      for (LossFunction f : LossFunction.values()) {
        // 128 × 10: a batch's outputs, computed by the loss loops; 7,000 × 10 past the threshold, by ND4J's ops
        for (int rows : new int[] {128, 7_000}) {
          double[] p = values(rows * 10, 11);
          double[] t = values(rows * 10, 12);
          for (int i = 0; i < p.length; i++) {
            if (f == LossFunction.BINARY_CROSS_ENTROPY || f == LossFunction.CATEGORICAL_CROSS_ENTROPY) {
              p[i] += 0.5; // probabilities in (0, 1)
            }
            t[i] = f == LossFunction.PERCEPTRON ? Math.signum(t[i]) : t[i] > 0 ? 1 : 0;
          }
          double[] loss = new double[2];
          Tensor[] gradient = new Tensor[2];
          Engine[] engines = {ref, nd4j};
          for (int e = 0; e < 2; e++) {
            Shape s = Shape.of(rows, 10);
            gradient[e] = engines[e].zeros(type, s);
            loss[e] = engines[e].kernels().loss(f, engines[e].tensor(type, s, p), engines[e].tensor(type, s, t),
                gradient[e]);
          }
          String what = f + " " + type + " " + rows + " rows";
          if (rows * 10 <= SmallArrays.MAX_ELEMENTS) {
            assertEquals(loss[0], loss[1], what);
            assertArrayEquals(gradient[0].toDoubleArray(), gradient[1].toDoubleArray(), what);
          } else {
            Agreement.assertAgree(what, gradient[0], gradient[1], Tolerances.of(type));
            Agreement.assertAgree(what + " loss", loss[0], loss[1], Tolerances.of(type));
          }
        }
      }
    }
  }

  @Test
  void aForwardStepGivesTheSameBitsRunToRunAndFromSeveralThreads() throws Exception {
    for (DataType type : TYPES) {
      double[] once = denseForward(type);
      assertArrayEquals(once, denseForward(type), type + " twice");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<double[]>> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          runs.add(pool.submit(() -> directDenseForward(type)));
        }
        for (Future<double[]> run : runs) {
          assertArrayEquals(once, run.get(), type + " from several threads");
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  /** relu(X·W + b) at batch 4, through the kernels. */
  private double[] denseForward(DataType type) {
    Tensor y = nd4j.zeros(type, Shape.of(4, 256));
    nd4j.kernels().gemm(random(nd4j, type, 1, 4, 784), false, random(nd4j, type, 2, 784, 256), false, 1, 0, y);
    nd4j.kernels().addRowVector(y, random(nd4j, type, 3, 256));
    nd4j.kernels().activation(ActivationFunction.RELU, 0, y, y);
    return y.toDoubleArray();
  }

  /** The same through the direct path's classes themselves, which hold no lock. */
  private double[] directDenseForward(DataType type) {
    Nd4jTensor y = (Nd4jTensor) nd4j.zeros(type, Shape.of(4, 256));
    BlasGemm.gemm((Nd4jTensor) random(nd4j, type, 1, 4, 784), false, (Nd4jTensor) random(nd4j, type, 2, 784, 256),
        false, 1, 0, y);
    SmallArrays.addRowVector(y, (Nd4jTensor) random(nd4j, type, 3, 256));
    SmallArrays.rectify(y, y, false, 0, y);
    return y.toDoubleArray();
  }
}
