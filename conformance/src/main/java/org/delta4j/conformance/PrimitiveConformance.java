package org.delta4j.conformance;

import static org.delta4j.conformance.Agreement.assertAgree;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.ReluGate;
import org.delta4j.engine.UnaryOp;
import org.delta4j.engine.Window;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite's part for the primitive kernels of {@link Kernels} (the fused operations are held to the
 * reference engine through {@link EngineConformance}, which extends this class): every primitive in FLOAT32 and
 * FLOAT64 on shapes that include a single element, a batch of 1, a single column, odd sizes and ranks 1 and 3; every
 * broadcast of {@link Kernels#binary} (row, column, scalar) and its in-place forms; each kind of window of
 * {@link Kernels#copyWindow}; ties and equal elements where a comparison or a maximum meets them; and each kind of bad
 * argument rejected with a message naming the kernel and the shapes. And the fused operations' defaults, run over
 * this engine's primitives ({@link DefaultsOver}), whatever the engine overrides. Results agree with the reference
 * engine (its own fused kernels) within {@link Tolerances}.
 */
public abstract class PrimitiveConformance {
  private final Engine reference = new RefEngine();

  /** The engine under test. */
  protected abstract Engine engine();

  /** Element-wise shapes: a single element, a batch of 1, a single column, odd sizes, rank 1 and rank 3. */
  private static final List<Shape> SHAPES =
      List.of(Shape.of(1, 1), Shape.of(1, 7), Shape.of(6, 1), Shape.of(5, 7), Shape.of(9), Shape.of(3, 2, 4));

  /** Matrix shapes for broadcasting and reductions; a square one, where a reduction along the other axis still fits. */
  private static final List<Shape> MATRICES =
      List.of(Shape.of(1, 1), Shape.of(1, 7), Shape.of(6, 1), Shape.of(4, 4), Shape.of(5, 7), Shape.of(33, 65));

  /** Uniform values in [lo, hi). */
  private static double[] uniform(Shape s, long seed, double lo, double hi) {
    SplitMix64 r = new SplitMix64(seed);
    double[] v = new double[s.intSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + (hi - lo) * r.nextDouble();
    }
    return v;
  }

  /** Values in {−1, −½, 0, ½, 1}: comparisons, maxima and selections meet ties and zeros. */
  private static double[] steps(Shape s, long seed) {
    double[] v = uniform(s, seed, 0, 5);
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.floor(v[i]) / 2 - 1;
    }
    return v;
  }

  /** Runs one computation on the reference engine and on the engine under test; the results must agree. */
  private void agree(String what, DataType type, Function<Engine, Tensor> computation) {
    assertAgree(type + " " + what, computation.apply(reference), computation.apply(engine()), Tolerances.of(type));
  }

  // ---------------------------------------------------------------- unary and affine

  /** (type, op) for both data types and every op. */
  private static Stream<Arguments> everyType(Enum<?>[] ops) {
    return Stream.of(DataType.values()).flatMap(type -> Stream.of(ops).map(op -> Arguments.of(type, op)));
  }

  static Stream<Arguments> unaryCases() {
    return everyType(UnaryOp.values());
  }

  @ParameterizedTest(name = "{0} unary {1}")
  @MethodSource("unaryCases")
  void unaryAgrees(DataType type, UnaryOp f) {
    boolean positive = f == UnaryOp.LOG || f == UnaryOp.SQRT;
    for (Shape s : SHAPES) {
      double[] x = uniform(s, 1, positive ? 0.01 : -6, 6);
      agree(f + " of " + s, type, e -> {
        Tensor y = e.zeros(type, s);
        e.kernels().unary(f, e.tensor(type, s, x), y);
        return y;
      });
      agree(f + " of " + s + " in place", type, e -> {
        Tensor y = e.tensor(type, s, x);
        e.kernels().unary(f, y, y);
        return y;
      });
    }
  }

  @ParameterizedTest(name = "{0} affine")
  @EnumSource(DataType.class)
  void affineAgrees(DataType type) {
    for (Shape s : SHAPES) {
      double[] x = uniform(s, 2, -3, 3);
      for (double[] st : new double[][] {{1, 0}, {-1, 1}, {0.3, -2.5}, {0, 4}}) {
        agree("affine " + st[0] + "·x + " + st[1] + " of " + s, type, e -> {
          Tensor y = e.tensor(type, s, uniform(s, 3, -1, 1));
          e.kernels().affine(e.tensor(type, s, x), st[0], st[1], y);
          return y;
        });
        agree("affine in place of " + s, type, e -> {
          Tensor y = e.tensor(type, s, x);
          e.kernels().affine(y, st[0], st[1], y);
          return y;
        });
      }
    }
  }

  // ---------------------------------------------------------------- binary, with broadcasting

  static Stream<Arguments> binaryCases() {
    return everyType(BinaryOp.values());
  }

  /** b's shapes against an [m, n] out: the same, a row, a column and a scalar. */
  private static List<Shape> broadcasts(Shape out) {
    return List.of(out, Shape.of(1, out.dim(1)), Shape.of(out.dim(0), 1), Shape.of(1, 1));
  }

  /** Operands for op: a divisor is kept away from 0. */
  private static double[] operand(BinaryOp op, Shape s, long seed, boolean divisor) {
    double[] v = steps(s, seed);
    if (divisor && op == BinaryOp.DIVIDE) {
      for (int i = 0; i < v.length; i++) {
        v[i] = v[i] == 0 ? 1.5 : v[i];
      }
    }
    return v;
  }

  @ParameterizedTest(name = "{0} binary {1}")
  @MethodSource("binaryCases")
  void binaryAgreesWithEveryBroadcast(DataType type, BinaryOp op) {
    List<Shape[]> pairs = new ArrayList<>();
    for (Shape out : MATRICES) {
      for (Shape b : broadcasts(out)) {
        pairs.add(new Shape[] {out, b});
      }
    }
    pairs.add(new Shape[] {Shape.of(9), Shape.of(9)});
    pairs.add(new Shape[] {Shape.of(3, 2, 4), Shape.of(3, 2, 4)});
    for (Shape[] p : pairs) {
      Shape out = p[0];
      Shape bs = p[1];
      double[] a = operand(op, out, 4, false);
      double[] b = operand(op, bs, 5, true);
      String what = op + " of " + out + " and " + bs;
      agree(what, type, e -> {
        Tensor z = e.tensor(type, out, uniform(out, 6, -1, 1));
        e.kernels().binary(op, e.tensor(type, out, a), e.tensor(type, bs, b), z);
        return z;
      });
      agree(what + " into a", type, e -> {
        Tensor x = e.tensor(type, out, a);
        e.kernels().binary(op, x, e.tensor(type, bs, b), x);
        return x;
      });
      if (bs.equals(out)) {
        agree(what + " into b", type, e -> {
          Tensor y = e.tensor(type, bs, b);
          e.kernels().binary(op, e.tensor(type, out, a), y, y);
          return y;
        });
        agree(op + " of " + out + " with itself", type, e -> {
          Tensor x = e.tensor(type, out, b);
          Tensor z = e.zeros(type, out);
          e.kernels().binary(op, x, x, z);
          return z;
        });
      }
    }
  }

  /**
   * MAX and MIN by their formulas where an operand is NaN, whichever operand it is and however b is broadcast: the
   * result is NaN (so that a NaN in a network is not turned into a number).
   */
  @ParameterizedTest(name = "{0} MAX and MIN give NaN for a NaN operand")
  @EnumSource(DataType.class)
  void maxAndMinGiveNaNForANaNOperand(DataType type) {
    double nan = Double.NaN;
    double[] a = {nan, 1, nan, -2, 3, Double.NEGATIVE_INFINITY};
    double[] b = {1, nan, nan, -3, nan, nan};
    for (BinaryOp op : List.of(BinaryOp.MAX, BinaryOp.MIN)) {
      double[] expected = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        expected[i] = op.apply(a[i], b[i]);
      }
      Tensor z = engine().zeros(type, Shape.of(2, 3));
      engine().kernels().binary(op, engine().tensor(type, Shape.of(2, 3), a), engine().tensor(type, Shape.of(2, 3), b),
          z);
      assertAgree(type + " " + op + " with NaN", expected, z.toDoubleArray(), Tolerances.of(type));
      // b a row [1, 3] or a scalar [1, 1] broadcast over a [2, 3] holding NaN
      Tensor zr = engine().zeros(type, Shape.of(2, 3));
      engine().kernels().binary(op, engine().tensor(type, Shape.of(2, 3), a),
          engine().tensor(type, Shape.of(1, 3), 0, nan, 0), zr);
      assertAgree(type + " " + op + " with a broadcast row",
          new double[] {nan, nan, nan, op.apply(-2, 0), nan, op.apply(a[5], 0)}, zr.toDoubleArray(),
          Tolerances.of(type));
      Tensor zs = engine().zeros(type, Shape.of(2, 3));
      engine().kernels().binary(op, engine().tensor(type, Shape.of(2, 3), a), engine().tensor(type, Shape.of(1, 1), 0),
          zs);
      assertAgree(type + " " + op + " with a broadcast scalar", new double[] {nan, op.apply(1, 0), nan, op.apply(-2, 0),
          op.apply(3, 0), op.apply(a[5], 0)}, zs.toDoubleArray(), Tolerances.of(type));
    }
  }

  /** A row or column that holds a NaN has the maximum NaN, by ReduceOp.MAX's formula, wherever the NaN lies. */
  @ParameterizedTest(name = "{0} reduce MAX gives NaN for a row or column holding one")
  @EnumSource(DataType.class)
  void reduceMaxGivesNaNForARowOrColumnHoldingOne(DataType type) {
    double nan = Double.NaN;
    Tensor m = engine().tensor(type, Shape.of(3, 4), nan, 1, -2, Double.POSITIVE_INFINITY, 5, 0, 3, 2, -1, -4,
        Double.NEGATIVE_INFINITY, nan);
    Tensor rows = engine().zeros(type, Shape.of(3, 1));
    engine().kernels().reduce(ReduceOp.MAX, m, 1, rows);
    assertAgree(type + " row maxima with NaN", new double[] {nan, 5, nan}, rows.toDoubleArray(), Tolerances.of(type));
    Tensor columns = engine().zeros(type, Shape.of(1, 4));
    engine().kernels().reduce(ReduceOp.MAX, m, 0, columns);
    assertAgree(type + " column maxima with NaN", new double[] {nan, 1, 3, nan}, columns.toDoubleArray(),
        Tolerances.of(type));
  }

  @ParameterizedTest(name = "{0} GREATER gives 1 or 0, and 0 on ties")
  @EnumSource(DataType.class)
  void greaterGivesOneOrZero(DataType type) {
    Tensor a = engine().tensor(type, Shape.of(2, 3), -1, 0, 0.5, 2, 2, Double.NaN);
    Tensor b = engine().tensor(type, Shape.of(1, 3), 0, 0, 0.25);
    Tensor out = engine().zeros(type, Shape.of(2, 3));
    engine().kernels().binary(BinaryOp.GREATER, a, b, out);
    assertArrayEquals(new double[] {0, 0, 1, 1, 1, 0}, out.toDoubleArray(), "a > b for a row b");
  }

  // ---------------------------------------------------------------- select

  @ParameterizedTest(name = "{0} select")
  @EnumSource(DataType.class)
  void selectAgrees(DataType type) {
    for (Shape s : SHAPES) {
      double[] mask = steps(s, 7);
      for (int i = 0; i < mask.length; i++) {
        mask[i] = mask[i] > 0 ? 1 : 0;
      }
      double[] a = uniform(s, 8, -2, 2);
      double[] b = uniform(s, 9, -2, 2);
      agree("select of " + s, type, e -> {
        Tensor out = e.zeros(type, s);
        e.kernels().select(e.tensor(type, s, mask), e.tensor(type, s, a), e.tensor(type, s, b), out);
        return out;
      });
      agree("select of " + s + " into b", type, e -> {
        Tensor out = e.tensor(type, s, b);
        e.kernels().select(e.tensor(type, s, mask), e.tensor(type, s, a), out, out);
        return out;
      });
    }
  }

  // ---------------------------------------------------------------- reductions

  static Stream<Arguments> reduceCases() {
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      for (ReduceOp op : ReduceOp.values()) {
        for (int axis = 0; axis < 2; axis++) {
          cases.add(Arguments.of(type, op, axis));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} reduce {1} along axis {2}")
  @MethodSource("reduceCases")
  void reduceAgrees(DataType type, ReduceOp op, int axis) {
    for (Shape s : MATRICES) {
      Shape out = axis == 0 ? Shape.of(1, s.dim(1)) : Shape.of(s.dim(0), 1);
      for (double[] x : List.of(uniform(s, 10, -3, 3), steps(s, 11), uniform(s, 12, -9, -1))) {
        agree(op + " of " + s + " along axis " + axis, type, e -> {
          Tensor r = e.tensor(type, out, uniform(out, 13, -1, 1)); // what out held is ignored
          e.kernels().reduce(op, e.tensor(type, s, x), axis, r);
          return r;
        });
      }
    }
  }

  // ---------------------------------------------------------------- strided copies

  /** A [6, 8] source and a [5, 9] destination (held random, so that untouched elements are checked too). */
  static Stream<Arguments> windows() {
    List<Arguments> cases = new ArrayList<>();
    List<Object[]> copies = List.of(
        new Object[] {"the first 5 rows, into [5, 9] read flat", Window.dense(0, 5, 8), Window.dense(0, 5, 8)},
        new Object[] {"rows 2..4 (a slice)", Window.dense(16, 3, 8), Window.dense(0, 3, 8)},
        new Object[] {"columns 3..5 (a slice)", new Window(3, 6, 3, 8, 1), Window.dense(0, 6, 3)},
        new Object[] {"into columns 4..7 of each row (a concatenation)", Window.dense(0, 5, 4),
            new Window(4, 5, 4, 9, 1)},
        new Object[] {"transposed", new Window(0, 8, 5, 1, 8), Window.dense(0, 8, 5)},
        new Object[] {"every other row and column (a stride-2 patch, as im2col)", new Window(9, 3, 3, 16, 2),
            new Window(10, 3, 3, 9, 1)},
        new Object[] {"one element", Window.dense(47, 1, 1), Window.dense(44, 1, 1)},
        new Object[] {"one row repeated (a source stride of 0)", new Window(8, 4, 8, 0, 1), Window.dense(1, 4, 8)},
        new Object[] {"into a transposed destination", Window.dense(0, 5, 8), new Window(0, 5, 8, 1, 5)});
    for (DataType type : DataType.values()) {
      for (Object[] c : copies) {
        cases.add(Arguments.of(type, c[0], c[1], c[2]));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} copyWindow {1}")
  @MethodSource("windows")
  void copyWindowAgrees(DataType type, String label, Window from, Window to) {
    Shape src = Shape.of(6, 8);
    Shape dst = Shape.of(5, 9);
    agree("copyWindow " + label, type, e -> {
      Tensor d = e.tensor(type, dst, uniform(dst, 15, -1, 1));
      e.kernels().copyWindow(e.tensor(type, src, uniform(src, 14, -1, 1)), from, d, to);
      return d;
    });
  }

  // ---------------------------------------------------------------- fill and argmax

  @ParameterizedTest(name = "{0} fill and argmaxRows")
  @EnumSource(DataType.class)
  void fillAndArgmaxAgree(DataType type) {
    for (Shape s : MATRICES) {
      agree("fill of " + s, type, e -> {
        Tensor t = e.tensor(type, s, uniform(s, 16, -1, 1));
        e.kernels().fill(t, -0.75);
        return t;
      });
      double[] x = steps(s, 17); // ties: the first maximum wins
      int[] expected = new int[s.dim(0)];
      int[] actual = new int[s.dim(0)];
      reference.kernels().argmaxRows(reference.tensor(type, s, x), expected);
      engine().kernels().argmaxRows(engine().tensor(type, s, x), actual);
      assertArrayEquals(expected, actual, type + " argmaxRows of " + s);
    }
  }

  @ParameterizedTest(name = "{0} argmaxRows passes over NaN")
  @EnumSource(DataType.class)
  void argmaxRowsPassesOverNaN(DataType type) {
    double nan = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    // a NaN first, in the middle, last, alone with −∞ and everywhere; a NaN never wins, a row without a winner gives 0
    Tensor m = engine().tensor(type, Shape.of(6, 3), nan, 1, 2, 3, nan, 2, 1, 2, nan, nan, -inf, -inf, nan, nan, nan,
        nan, -inf, 5);
    int[] classes = new int[6];
    engine().kernels().argmaxRows(m, classes);
    assertArrayEquals(new int[] {2, 0, 1, 0, 0, 2}, classes, type + " argmaxRows with NaN");
  }

  @Test
  void argmaxRowsRefusesANullOutput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> engine().kernels().argmaxRows(engine().zeros(DataType.FLOAT32, Shape.of(2, 3)), null));
    assertTrue(e.getMessage().contains("argmaxRows") && e.getMessage().contains("null"), e.getMessage());
  }

  // ---------------------------------------------------------------- the fused defaults over this engine's primitives

  /** The reference engine's own (fused) kernels, or this engine's primitives with the fused defaults. */
  private Kernels fusedOrDefaults(Engine e) {
    return e == reference ? e.kernels() : new DefaultsOver(e.kernels());
  }

  static Stream<Arguments> activationCases() {
    return everyType(ActivationFunction.values());
  }

  /**
   * The activations by the defaults over this engine's primitives compute what the reference engine's loops compute;
   * the [5, 7] input holds NaN, ±∞, 0 and −0 in its first two rows (which softmax makes NaN), as the primitives must
   * carry them (ReLU's mask at NaN, say, which {@link Kernels#select} takes as ≠ 0).
   */
  @ParameterizedTest(name = "{0} {1} by the defaults over this engine's primitives")
  @MethodSource("activationCases")
  void activationDefaultsAgree(DataType type, ActivationFunction f) {
    for (Shape s : List.of(Shape.of(1, 9), Shape.of(5, 7))) {
      double[] x = uniform(s, 20, -3, 3);
      if (s.dim(0) > 1) {
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -0.0, Double.NaN};
        for (int i = 0; i < special.length; i++) {
          x[3 * i] = special[i];
        }
      }
      double[] dy = uniform(s, 21, -1, 1);
      agree(f + " of " + s, type, e -> {
        Tensor y = e.zeros(type, s);
        fusedOrDefaults(e).activation(f, 0.05, e.tensor(type, s, x), y);
        return y;
      });
      agree(f + " backward of " + s, type, e -> {
        Kernels k = fusedOrDefaults(e);
        Tensor in = e.tensor(type, s, x);
        Tensor y = e.zeros(type, s);
        k.activation(f, 0.05, in, y);
        Tensor dx = e.zeros(type, s);
        k.activationBackward(f, 0.05, in, y, e.tensor(type, s, dy), dx);
        return dx;
      });
    }
  }

  static Stream<Arguments> lossCases() {
    return everyType(LossFunction.values());
  }

  @ParameterizedTest(name = "{0} {1} by the defaults over this engine's primitives")
  @MethodSource("lossCases")
  void lossDefaultsAgree(DataType type, LossFunction f) {
    for (int rows : new int[] {1, 5}) {
      Shape s = Shape.of(rows, 7);
      double[][] in = EngineConformance.lossInputs(f, rows, 7);
      double[] value = new double[2];
      agree(f + " gradient, " + rows + " rows", type, e -> {
        Tensor g = e.zeros(type, s);
        value[e == reference ? 0 : 1] =
            fusedOrDefaults(e).loss(f, e.tensor(type, s, in[0]), e.tensor(type, s, in[1]), g);
        return g;
      });
      assertAgree(type + " " + f + " value, " + rows + " rows", value[0], value[1], Tolerances.of(type));
    }
  }

  /** One fused operation on (w, g, s1, s2) of one shape; the result is w, s1 and s2 end to end. */
  @FunctionalInterface
  private interface Update {
    void apply(Kernels k, Tensor w, Tensor g, Tensor s1, Tensor s2);
  }

  @ParameterizedTest(name = "{0} updates and other fused operations by the defaults over this engine's primitives")
  @EnumSource(DataType.class)
  void updateDefaultsAgree(DataType type) {
    Shape s = Shape.of(6, 5);
    Map<String, Update> updates = new LinkedHashMap<>();
    updates.put("momentum", (k, w, g, v, u) -> k.momentumUpdate(w, g, v, 0.1, 0.9, false));
    updates.put("nesterov", (k, w, g, v, u) -> k.momentumUpdate(w, g, v, 0.1, 0.9, true));
    updates.put("adaGrad", (k, w, g, v, u) -> k.adaGradUpdate(w, g, v, 0.1, 1e-7));
    updates.put("rmsProp", (k, w, g, v, u) -> k.rmsPropUpdate(w, g, v, 0.01, 0.9, 1e-7));
    updates.put("adam", (k, w, g, m, v) -> k.adamUpdate(w, g, m, v, 0.01, 0.9, 0.999, 1e-8, 0.1, 0.001));
    updates.put("axpy", (k, w, g, m, v) -> k.axpy(-0.3, g, w));
    updates.put("scale", (k, w, g, m, v) -> k.scale(w, 0.7));
    updates.put("multiply", (k, w, g, m, v) -> k.multiply(w, g, m));
    updates.put("copy", (k, w, g, m, v) -> k.copy(g, m));
    updates.put("addRowVector", (k, w, g, m, v) -> k.addRowVector(w, w.engine().tensor(type, Shape.of(5), 1, -2, 3,
        -4, 5)));
    for (Map.Entry<String, Update> u : updates.entrySet()) {
      agree(u.getKey(), type, e -> {
        Tensor w = e.tensor(type, s, uniform(s, 30, -1, 1));
        Tensor g = e.tensor(type, s, uniform(s, 31, -1, 1));
        Tensor s1 = e.tensor(type, s, uniform(s, 32, 0, 0.1));
        Tensor s2 = e.tensor(type, s, uniform(s, 33, 0, 0.01));
        Kernels k = fusedOrDefaults(e);
        for (int step = 0; step < 2; step++) {
          u.getValue().apply(k, w, g, s1, s2);
        }
        Tensor all = e.zeros(type, Shape.of(3, 30));
        k.copyWindow(w, Window.dense(0, 1, 30), all, Window.dense(0, 1, 30));
        k.copyWindow(s1, Window.dense(0, 1, 30), all, Window.dense(30, 1, 30));
        k.copyWindow(s2, Window.dense(0, 1, 30), all, Window.dense(60, 1, 30));
        return all;
      });
    }
    for (double beta : new double[] {0, 0.5}) {
      agree("sumRows with β = " + beta, type, e -> {
        Tensor out = e.tensor(type, Shape.of(5), beta == 0 ? Double.NaN : 1, 2, 3, 4, 5);
        fusedOrDefaults(e).sumRows(e.tensor(type, s, uniform(s, 34, -1, 1)), beta, out);
        return out;
      });
    }
  }

  /** Tensors end to end, as one vector of their values, to hold a kernel's several outputs to another's. */
  private static Tensor joined(Engine e, DataType type, Tensor... parts) {
    List<Double> values = new ArrayList<>();
    for (Tensor t : parts) {
      for (double v : t.toDoubleArray()) {
        values.add(v);
      }
    }
    return e.tensor(type, Shape.of(values.size()), values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** One image or per-channel kernel on this engine's tensors, its outputs joined end to end. */
  @FunctionalInterface
  private interface ImageKernel {
    Tensor apply(Kernels k, Engine e);
  }

  /**
   * The image and per-channel operations (convolution, im2col and col2im, the axis swap, pooling, the batch
   * normalisation's affine maps, combinations and sums, gated or not) by the defaults over this engine's primitives
   * agree with the reference engine's own: an engine that overrides only the primitives gets them right.
   */
  @ParameterizedTest(name = "{0} image and per-channel operations by the defaults over this engine's primitives")
  @EnumSource(DataType.class)
  void imageAndChannelDefaultsAgree(DataType type) {
    Shape images = Shape.of(3, 4, 5, 6);
    Shape channels = Shape.of(4);
    ConvGeometry conv = new ConvGeometry(4, 5, 6, 3, 2, 2, 1, 1, 2, 1, 1, 3, 6); // stride 2 down, dilated across
    ConvGeometry pool = new ConvGeometry(4, 5, 6, 2, 2, 2, 2, 1, 1, 0, 0, 2, 3);
    Shape columns = Shape.of(conv.columnRows(), 3 * conv.positions());
    Shape pooled = Shape.of(3, 4, 2, 3);
    Map<String, ImageKernel> kernels = new LinkedHashMap<>();
    kernels.put("channelAffine", (k, e) -> {
      Tensor y = e.zeros(type, images);
      k.channelAffine(t(e, type, images, 40), t(e, type, channels, 50), t(e, type, channels, 51), y);
      return y;
    });
    kernels.put("channelAffine about a centre", (k, e) -> {
      Tensor y = e.zeros(type, images);
      k.channelAffine(t(e, type, images, 40), t(e, type, channels, 52), t(e, type, channels, 50),
          t(e, type, channels, 51), y);
      return y;
    });
    kernels.put("channelAffineRelu", (k, e) -> {
      Tensor y = e.zeros(type, images);
      k.channelAffineRelu(t(e, type, images, 40), t(e, type, channels, 52), t(e, type, channels, 50),
          t(e, type, channels, 51), y);
      return y;
    });
    kernels.put("channelCombine", (k, e) -> {
      Tensor y = e.zeros(type, images);
      k.channelCombine(t(e, type, images, 40), t(e, type, channels, 50), t(e, type, images, 41),
          t(e, type, channels, 51), t(e, type, channels, 52), y, e.zeros(type, images));
      return y;
    });
    kernels.put("channelCombine gated about a centre", (k, e) -> {
      Tensor y = e.zeros(type, images);
      k.channelCombine(t(e, type, images, 40), t(e, type, channels, 50), t(e, type, images, 41),
          t(e, type, channels, 52), t(e, type, channels, 51), t(e, type, channels, 53), gate(e, type), y,
          e.zeros(type, images));
      return y;
    });
    kernels.put("channelSumsAndProducts, plain and gated about an origin", (k, e) -> {
      Tensor[] out = {e.zeros(type, channels), e.zeros(type, channels), e.zeros(type, channels),
          e.zeros(type, channels)};
      k.channelSumsAndProducts(t(e, type, images, 40), t(e, type, images, 41), out[0], out[1]);
      k.channelSumsAndProducts(t(e, type, images, 40), t(e, type, images, 41), t(e, type, channels, 52),
          gate(e, type), out[2], out[3], e.zeros(type, images));
      return joined(e, type, out);
    });
    kernels.put("channelShiftAndSquares", (k, e) -> {
      Tensor y = e.zeros(type, images);
      Tensor squares = e.zeros(type, channels);
      k.channelShiftAndSquares(t(e, type, images, 40), t(e, type, channels, 51), y, squares);
      return joined(e, type, y, squares);
    });
    kernels.put("channelMoments", (k, e) -> {
      Tensor mean = e.zeros(type, channels);
      Tensor variance = e.zeros(type, channels);
      k.channelMoments(t(e, type, images, 40), mean, variance, e.zeros(type, images));
      return joined(e, type, mean, variance);
    });
    kernels.put("channelSums of products", (k, e) -> {
      Tensor out = e.tensor(type, channels, Double.NaN, 1, 2, 3); // β = 0 ignores what it held
      k.channelSums(t(e, type, images, 40), t(e, type, images, 41), 0, out);
      return out;
    });
    kernels.put("channelSums with β = 0.5", (k, e) -> {
      Tensor out = t(e, type, channels, 53);
      k.channelSums(t(e, type, images, 40), null, 0.5, out);
      return out;
    });
    kernels.put("swapLeadingAxes", (k, e) -> {
      Tensor dst = e.zeros(type, Shape.of(4, 3, 5, 6));
      k.swapLeadingAxes(t(e, type, images, 40), dst);
      return dst;
    });
    kernels.put("im2col", (k, e) -> {
      Tensor col = e.zeros(type, columns);
      k.im2col(t(e, type, images, 40), conv, col);
      return col;
    });
    kernels.put("col2im", (k, e) -> {
      Tensor x = e.zeros(type, images);
      k.col2im(t(e, type, columns, 42), conv, x);
      return x;
    });
    kernels.put("maxPool and its backward", (k, e) -> {
      Tensor x = t(e, type, images, 40);
      Tensor y = e.zeros(type, pooled);
      Tensor dx = e.zeros(type, images);
      k.maxPool(x, pool, y);
      k.maxPoolBackward(x, t(e, type, pooled, 43), pool, dx);
      return joined(e, type, y, dx);
    });
    kernels.put("avgPool and its backward", (k, e) -> {
      Tensor y = e.zeros(type, pooled);
      Tensor dx = e.zeros(type, images);
      k.avgPool(t(e, type, images, 40), pool, y);
      k.avgPoolBackward(t(e, type, pooled, 43), pool, dx);
      return joined(e, type, y, dx);
    });
    kernels.put("convolution forward and backward", (k, e) -> {
      Shape filters = Shape.of(3, conv.columnRows());
      Tensor w = t(e, type, filters, 44);
      Tensor y = e.zeros(type, Shape.of(3, 3, conv.outputHeight(), conv.outputWidth()));
      Tensor dw = t(e, type, filters, 45);
      Tensor dx = e.zeros(type, images);
      Convolution c = k.convolution(conv, 3);
      c.forward(t(e, type, images, 40), w, y, true);
      c.backward(t(e, type, y.shape(), 46), w, 0.5, dw, dx);
      return joined(e, type, y, dw, dx);
    });
    for (Map.Entry<String, ImageKernel> c : kernels.entrySet()) {
      agree(c.getKey(), type, e -> c.getValue().apply(fusedOrDefaults(e), e));
    }
  }

  /** Values in [−1, 1) of {@code shape} on {@code e}, drawn from {@code seed}. */
  private static Tensor t(Engine e, DataType type, Shape shape, long seed) {
    return e.tensor(type, shape, uniform(shape, seed, -1, 1));
  }

  /** A ReLU gate over 4 channels that is open at some elements and closed at others. */
  private static ReluGate gate(Engine e, DataType type) {
    return new ReluGate(t(e, type, Shape.of(4), 52), t(e, type, Shape.of(4), 50), t(e, type, Shape.of(4), 51));
  }

  // ---------------------------------------------------------------- bad arguments

  /** Fails unless {@code call} throws an IllegalArgumentException whose message holds every one of {@code words}. */
  private static void rejects(Executable call, String... words) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), "message '" + e.getMessage() + "' does not name '" + w + "'");
    }
  }

  /**
   * gemm refuses a C that is a reshape of A or B (or of a tensor they reshape): the product would read what it writes.
   * With β = 0 both engines had zeroed C, and so A, first, and returned zeros for [[1, 2], [3, 4]]².
   */
  @ParameterizedTest(name = "{0} gemm refuses a C sharing storage with A or B")
  @EnumSource(DataType.class)
  void gemmRefusesACSharingStorageWithAOrB(DataType type) {
    Tensor a = engine().tensor(type, Shape.of(2, 2), 1, 2, 3, 4);
    Tensor b = engine().tensor(type, Shape.of(2, 2), 5, 6, 7, 8);
    Kernels k = engine().kernels();
    rejects(() -> k.gemm(a, false, b, false, 1, 0, a.reshape(Shape.of(2, 2))), "gemm", "share storage");
    rejects(() -> k.gemm(a, false, b, true, 1, 1, b.reshape(Shape.of(4)).reshape(Shape.of(2, 2))), "gemm",
        "share storage");
    assertEquals(java.util.List.of(1.0, 2.0, 3.0, 4.0), java.util.Arrays.stream(a.toDoubleArray()).boxed().toList(),
        "A untouched");
    assertTrue(a.sharesStorage(a.reshape(Shape.of(4))) && a.reshape(Shape.of(4)).sharesStorage(a));
    assertTrue(!a.sharesStorage(b) && !a.sharesStorage(engine().tensor(type, Shape.of(2, 2), 1, 2, 3, 4)));
    Tensor c = engine().zeros(type, Shape.of(2, 2));
    k.gemm(a, false, a, false, 1, 0, c); // A read twice is fine
    assertAgree(type + " A·A", new double[] {7, 10, 15, 22}, c.toDoubleArray(), Tolerances.of(type));
  }

  @ParameterizedTest(name = "{0} bad arguments are rejected with the kernel and the shapes")
  @EnumSource(DataType.class)
  void badArgumentsAreRejectedClearly(DataType type) {
    Engine e = engine();
    Kernels k = e.kernels();
    Tensor m57 = e.zeros(type, Shape.of(5, 7));
    Tensor m75 = e.zeros(type, Shape.of(7, 5));
    Tensor other = e.zeros(type == DataType.FLOAT32 ? DataType.FLOAT64 : DataType.FLOAT32, Shape.of(5, 7));
    rejects(() -> k.unary(UnaryOp.EXP, m57, m75), "unary EXP", "[5, 7]", "[7, 5]");
    rejects(() -> k.affine(m57, 2, 1, m75), "affine", "[5, 7]", "[7, 5]");
    rejects(() -> k.binary(BinaryOp.ADD, m57, e.zeros(type, Shape.of(2, 7)), e.zeros(type, Shape.of(5, 7))),
        "binary ADD", "[2, 7]", "[5, 7]");
    rejects(() -> k.binary(BinaryOp.MULTIPLY, m57, e.zeros(type, Shape.of(1, 5)), m57), "binary MULTIPLY", "[1, 5]");
    rejects(() -> k.binary(BinaryOp.SUBTRACT, m57, m57, m75), "binary SUBTRACT", "[5, 7]", "[7, 5]");
    rejects(() -> k.binary(BinaryOp.ADD, e.zeros(type, Shape.of(35)), e.zeros(type, Shape.of(1, 1)),
        e.zeros(type, Shape.of(35))), "binary ADD", "[1, 1]", "[35]");
    rejects(() -> k.binary(BinaryOp.ADD, m57, other, m57), "binary ADD", "FLOAT32", "FLOAT64");
    rejects(() -> k.select(m57, m57, m75, m57), "select", "[5, 7]", "[7, 5] (tensor 3)");
    rejects(() -> k.reduce(ReduceOp.SUM, m57, 0, e.zeros(type, Shape.of(5, 1))), "reduce SUM", "[5, 7]", "[1, 7]",
        "[5, 1]");
    rejects(() -> k.reduce(ReduceOp.MAX, m57, 2, e.zeros(type, Shape.of(5, 1))), "reduce MAX", "axis", "2");
    rejects(() -> k.reduce(ReduceOp.SUM, e.zeros(type, Shape.of(3, 2, 4)), 1, e.zeros(type, Shape.of(3, 1))),
        "reduce SUM", "[3, 2, 4]");
    rejects(() -> k.copyWindow(m57, Window.dense(30, 2, 3), m75, Window.dense(0, 2, 3)), "copyWindow", "source",
        "[5, 7]", "35");
    rejects(() -> k.copyWindow(m57, Window.dense(0, 2, 3), m75, Window.dense(0, 3, 2)), "copyWindow", "2×3", "3×2");
    rejects(() -> k.copyWindow(m57, Window.dense(0, 2, 3), m75, new Window(0, 2, 3, 0, 1)), "copyWindow",
        "destination", "twice");
    rejects(() -> new Window(-1, 2, 3, 3, 1), "offset -1");
    Tensor foreign = reference.zeros(type, Shape.of(5, 7));
    rejects(() -> k.unary(UnaryOp.TANH, foreign, foreign), "unary TANH", "[5, 7]", "engine 'ref'");
    rejects(() -> k.binary(BinaryOp.ADD, m57, foreign, m57), "binary ADD", "different engines", "'ref'");
  }
}
