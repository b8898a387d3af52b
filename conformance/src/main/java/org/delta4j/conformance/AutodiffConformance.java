package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.autodiff.ExpressionLayerSpec;
import org.delta4j.autodiff.ExpressionLossSpec;
import org.delta4j.autodiff.Scope;
import org.delta4j.autodiff.TapeKinds;
import org.delta4j.autodiff.Tape;
import org.delta4j.autodiff.Value;
import org.delta4j.engine.Engine;
import org.delta4j.gradcheck.GradientCheckResult;
import org.delta4j.gradcheck.GradientChecker;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.KernelLoss;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Loss;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.BatchNorm;
import org.delta4j.spec.Conv2D;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.spec.Pool2D;
import org.delta4j.spec.Window2D;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite's part for automatic differentiation ({@link Tape}), which every engine runs because the tape
 * is built from the primitives alone: every differentiable operation, with each kind of broadcast and the reuse of a
 * value, agrees with central finite differences in FLOAT64, and so do random expressions of all of them
 * ({@link RandomExpression}), which also compute what PyTorch's autograd computes; networks of blocks train as their
 * PyTorch modules do; the tape's derivatives of the built-in layers and of softmax cross-entropy equal their
 * hand-written backward passes to 1e-12; a steady-state training step of layers, a block and a loss written with the
 * tape makes no engine tensor; and bad input is refused with the operation named. The PyTorch comparisons need
 * {@code /usr/bin/python3} with torch and are skipped without it.
 */
public abstract class AutodiffConformance extends PrimitiveConformance {
  private static final DataType F64 = DataType.FLOAT64;
  private static final Tolerances EXACT = new Tolerances(1e-12, 1e-12);

  /** An expression of its inputs. */
  @FunctionalInterface
  public interface Expression {
    Value of(Tape tape, Value[] x);
  }

  /** An expression to check, its inputs' shapes, and the lower end of their values (inputs lie in [lo, lo + 2)). */
  public record Case(String name, List<Shape> inputs, double lo, Expression f) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case of(String name, Expression f, int[]... shapes) {
    return withValuesFrom(-1, name, f, shapes);
  }

  private static Case withValuesFrom(double lo, String name, Expression f, int[]... shapes) {
    return new Case(name, Stream.of(shapes).map(Shape::of).toList(), lo, f);
  }

  private static int[] s(int... dims) {
    return dims;
  }

  static Stream<Case> differentiableOperations() {
    return Stream.of(
        of("matmul", (t, x) -> x[0].matmul(x[1]), s(4, 3), s(3, 5)),
        of("add", (t, x) -> x[0].add(x[1]), s(2, 3, 4), s(2, 3, 4)),
        of("add a row", (t, x) -> x[0].add(x[1]), s(4, 3), s(1, 3)),
        of("add to a column", (t, x) -> x[0].add(x[1]), s(4, 1), s(4, 3)),
        of("add a scalar", (t, x) -> x[0].add(x[1]), s(4, 3), s(1, 1)),
        of("add a column and a row", (t, x) -> x[0].add(x[1]), s(4, 1), s(1, 3)),
        of("subtract", (t, x) -> x[0].subtract(x[1]), s(4, 3), s(4, 3)),
        of("subtract a column", (t, x) -> x[0].subtract(x[1]), s(4, 3), s(4, 1)),
        of("subtract from a row", (t, x) -> x[0].subtract(x[1]), s(1, 3), s(4, 3)),
        of("multiply", (t, x) -> x[0].multiply(x[1]), s(4, 3), s(4, 3)),
        of("multiply by a row", (t, x) -> x[0].multiply(x[1]), s(4, 3), s(1, 3)),
        of("multiply a scalar", (t, x) -> x[0].multiply(x[1]), s(1, 1), s(4, 3)),
        withValuesFrom(0.5, "divide", (t, x) -> x[0].divide(x[1]), s(4, 3), s(4, 3)),
        withValuesFrom(0.5, "divide by a column", (t, x) -> x[0].divide(x[1]), s(4, 3), s(4, 1)),
        withValuesFrom(0.5, "divide a row", (t, x) -> x[0].divide(x[1]), s(1, 3), s(4, 3)),
        of("max", (t, x) -> x[0].max(x[1]), s(4, 3), s(4, 3)),
        of("max with a row", (t, x) -> x[0].max(x[1]), s(4, 3), s(1, 3)),
        of("affine", (t, x) -> x[0].affine(-2.5, 1), s(4, 3)),
        of("exp", (t, x) -> x[0].exp(), s(4, 3)),
        withValuesFrom(0.5, "log", (t, x) -> x[0].log(), s(4, 3)),
        of("tanh", (t, x) -> x[0].tanh(), s(2, 3, 2)),
        of("sigmoid", (t, x) -> x[0].sigmoid(), s(4, 3)),
        of("relu", (t, x) -> x[0].relu(), s(2, 3, 2)),
        of("sum along axis 0", (t, x) -> x[0].sum(0), s(4, 3)),
        of("sum along axis 1", (t, x) -> x[0].sum(1), s(4, 3)),
        of("sum", (t, x) -> x[0].sum(), s(4, 3)),
        of("mean along axis 0", (t, x) -> x[0].mean(0), s(4, 3)),
        of("mean along axis 1", (t, x) -> x[0].mean(1), s(4, 3)),
        of("max along axis 0", (t, x) -> x[0].max(0), s(4, 3)),
        of("max along axis 1", (t, x) -> x[0].max(1), s(4, 3)),
        of("reshape", (t, x) -> x[0].reshape(2, 6).multiply(x[1]), s(4, 3), s(2, 6)),
        of("flatten", (t, x) -> x[0].flatten(), s(2, 3, 2)),
        of("transpose", (t, x) -> x[0].transpose().matmul(x[1]), s(4, 3), s(4, 2)),
        of("slice rows", (t, x) -> x[0].slice(0, 1, 3), s(4, 3)),
        of("slice columns", (t, x) -> x[0].slice(1, 1, 2), s(4, 3)),
        of("concat along axis 0", (t, x) -> t.concat(0, x[0], x[1]), s(2, 3), s(4, 3)),
        of("concat along axis 1", (t, x) -> t.concat(1, x[0], x[1], x[0]), s(4, 2), s(4, 3)),
        of("x·x", (t, x) -> x[0].matmul(x[0]), s(3, 3)),
        of("x ⊙ x", (t, x) -> x[0].multiply(x[0]), s(4, 3)),
        of("x + f(x)", (t, x) -> x[0].add(x[0].tanh()), s(4, 3)),
        of("x + x − x", (t, x) -> x[0].add(x[0]).subtract(x[0]), s(4, 3)),
        of("a sum used twice", (t, x) -> {
          Value u = x[0].add(x[1]);
          return u.tanh().add(u.relu()).add(u);
        }, s(4, 3), s(4, 3)),
        of("one weight in two branches", (t, x) -> x[0].matmul(x[1]).tanh().add(x[0].matmul(x[1]).sigmoid()),
            s(4, 3), s(3, 2)),
        of("conv2d 3×3, same padding", (t, x) -> x[0].conv2d(x[1], Window2D.square(3, Padding.SAME)),
            s(2, 2, 5, 5), s(3, 2, 3, 3)),
        of("conv2d 3×2, stride 2, dilation 2, explicit padding", (t, x) -> x[0].conv2d(x[1],
            new Window2D(3, 2, 2, 1, 2, 1, Padding.explicit(1, 2))), s(2, 2, 6, 5), s(3, 2, 3, 2)),
        of("conv2d of one weight twice", (t, x) -> x[0].conv2d(x[1], Window2D.square(1, Padding.VALID))
            .conv2d(x[1], Window2D.square(1, Padding.VALID)), s(2, 3, 2, 3), s(3, 3, 1, 1)),
        of("add per channel", (t, x) -> x[0].addPerChannel(x[1]), s(2, 3, 2, 2), s(1, 3)),
        of("max pool 2×2", (t, x) -> x[0].maxPool(new Pool2D(Pool2D.Kind.MAX, 2).window()), s(2, 2, 4, 4)),
        of("max pool 3×3, stride 2, same padding", (t, x) -> x[0].maxPool(Window2D.square(3, Padding.SAME)
            .withStride(2)), s(2, 2, 5, 5)),
        of("average pool 3×3, explicit padding", (t, x) -> x[0].avgPool(Window2D.square(3, Padding.explicit(1, 1))),
            s(2, 2, 4, 3)),
        of("a residual convolution block", (t, x) -> x[0].conv2d(x[1], Window2D.square(3, Padding.SAME)).relu()
            .add(x[0]).maxPool(new Pool2D(Pool2D.Kind.MAX, 2).window()), s(2, 2, 4, 4), s(2, 2, 3, 3)),
        of("softmax with its shift stopped", (t, x) -> {
          Value e = x[0].subtract(x[0].max(1).detach()).exp(); // softmax(x − c) = softmax(x) for any c
          return e.divide(e.sum(1));
        }, s(4, 3)));
  }

  /** Σ r ⊙ f(x) for fixed random r, so that ∂/∂f = r; its gradient by the tape, and by central differences. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("differentiableOperations")
  void everyDifferentiableOperationPassesTheGradientCheck(Case c) {
    Engine e = engine();
    Tensor[] inputs = new Tensor[c.inputs().size()];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = e.tensor(F64, c.inputs().get(i), uniform(c.inputs().get(i), 31 + i, c.lo(), c.lo() + 2));
    }
    Tape tape = new Tape(e, F64);
    Value[] x = new Value[inputs.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = tape.variable(inputs[i]);
    }
    Value y = c.f().of(tape, x);
    double[] r = uniform(y.shape(), 7, -1, 1);
    Value objective = y.reshape(1, r.length).multiply(tape.constant(e.tensor(F64, Shape.of(1, r.length), r))).sum();
    tape.backward(objective);
    List<double[]> gradients = Stream.of(x).map(v -> v.gradient().toDoubleArray()).toList();
    for (int i = 0; i < x.length; i++) {
      double[] analytic = gradients.get(i);
      double[] values = inputs[i].toDoubleArray();
      for (int j = 0; j < values.length; j++) {
        double original = values[j];
        values[j] = original + 1e-6;
        inputs[i].copyFrom(values);
        double plus = weighted(tape, c, inputs, r);
        values[j] = original - 1e-6;
        inputs[i].copyFrom(values);
        double minus = weighted(tape, c, inputs, r);
        values[j] = original;
        inputs[i].copyFrom(values);
        double numeric = (plus - minus) / 2e-6;
        double error = Math.abs(analytic[j] - numeric) / Math.max(Math.abs(analytic[j]) + Math.abs(numeric), 1e-8);
        assertTrue(error < 1e-6, c.name() + ": ∂/∂x" + i + "[" + j + "] by the tape " + analytic[j]
            + ", by differences " + numeric);
      }
    }
  }

  private static double weighted(Tape tape, Case c, Tensor[] inputs, double[] r) {
    tape.reset();
    Value[] x = new Value[inputs.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = tape.constant(inputs[i]);
    }
    double[] y = c.f().of(tape, x).value().toDoubleArray();
    double sum = 0;
    for (int i = 0; i < y.length; i++) {
      sum += r[i] * y[i];
    }
    return sum;
  }

  private static double[] uniform(Shape s, long seed, double lo, double hi) {
    SplitMix64 random = new SplitMix64(seed);
    double[] v = new double[s.intSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + (hi - lo) * random.nextDouble();
    }
    return v;
  }

  /**
   * Tied maxima share the gradient of a maximum along an axis: max_j(c_j + s) with tied c_j is max(c) + s, whose
   * derivative in s is 1; every tied element receiving the whole gradient made it the number of ties.
   */
  @Test
  void tiedMaximaShareTheGradientOfAMaximumAlongAnAxis() {
    for (int axis = 0; axis < 2; axis++) {
      Tape tape = new Tape(engine(), F64);
      Value s = tape.variable(engine().tensor(F64, Shape.of(1, 1), 0.5));
      Value c = tape.constant(engine().tensor(F64, axis == 1 ? Shape.of(2, 3) : Shape.of(3, 2),
          axis == 1 ? new double[] {1, 1, 1, 2, 0, 2} : new double[] {1, 2, 1, 0, 1, 2}));
      Value x = c.add(s);
      tape.backward(x.max(axis).sum()); //                    Σ over two maxima of s + max(c)
      Agreement.assertAgree("∂/∂s along axis " + axis, new double[] {2}, s.gradient().toDoubleArray(), EXACT);
      double third = 1.0 / 3;
      Agreement.assertAgree("∂/∂x along axis " + axis, axis == 1 ? new double[] {third, third, third, 0.5, 0, 0.5}
          : new double[] {third, 0.5, third, 0, third, 0.5}, x.gradient().toDoubleArray(), EXACT);
    }
  }

  /**
   * The element-wise maximum is differentiated as torch.maximum: the larger operand takes dy, tied operands share it
   * (max(a, a + s) at s = 0 moves by ½·(∂a + ∂b) along either), and where either is NaN, max is NaN and both operands
   * take the whole of dy, so the NaN reaches every input that met it.
   */
  @Test
  void tiedOperandsShareTheGradientOfAnElementWiseMaximumAndANaNReachesBoth() {
    double nan = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    Tape tape = new Tape(engine(), F64);
    Value a = tape.variable(engine().tensor(F64, Shape.of(1, 6), 1, 2, 3, nan, nan, inf));
    Value b = tape.variable(engine().tensor(F64, Shape.of(1, 6), 2, 2, 1, 0, nan, inf));
    Value dy = tape.constant(engine().tensor(F64, Shape.of(1, 6), 1, 2, 4, 8, 16, 32));
    tape.backward(a.max(b).multiply(dy).sum());
    Agreement.assertAgree("∂/∂a", new double[] {0, 1, 4, 8, 16, 16}, a.gradient().toDoubleArray(), EXACT);
    Agreement.assertAgree("∂/∂b", new double[] {1, 1, 0, 8, 16, 16}, b.gradient().toDoubleArray(), EXACT);
  }

  /** A line holding a NaN has the maximum NaN along it, and every element of the line the gradient NaN, as torch.amax. */
  @Test
  void aLineHoldingANaNGetsNaNGradientsFromItsMaximum() {
    Tape tape = new Tape(engine(), F64);
    Value x = tape.variable(engine().tensor(F64, Shape.of(2, 3), 1, Double.NaN, 2, 3, 3, 1));
    Value m = x.max(1);
    tape.backward(m.sum());
    double[] max = m.value().toDoubleArray();
    assertTrue(Double.isNaN(max[0]) && max[1] == 3, "max along rows: " + java.util.Arrays.toString(max));
    double[] g = x.gradient().toDoubleArray();
    assertTrue(Double.isNaN(g[0]) && Double.isNaN(g[1]) && Double.isNaN(g[2]), "the NaN row's gradient: "
        + java.util.Arrays.toString(g));
    Agreement.assertAgree("the other row's gradient", new double[] {0.5, 0.5, 0},
        java.util.Arrays.copyOfRange(g, 3, 6), EXACT);
  }

  // ---------------------------------------------------------------- random expressions

  /**
   * Random expressions of every tape operation ({@link RandomExpression}: axes and batches of 1, broadcasts both
   * ways, values used twice, parameters, constants and stop-gradients) compute on this engine what PyTorch's
   * autograd computes for them in float64 — every step's value, whether it is tracked, and every tracked step's
   * gradient — to 1e-9 of each tensor's scale ({@code tape_agreement.py}). Skipped without torch.
   */
  @Test
  void randomExpressionsComputeWhatPyTorchComputes(@TempDir Path dir) throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> cases = new ArrayList<>();
    java.util.Set<String> drawn = new java.util.TreeSet<>();
    for (int seed = 0; seed < 300; seed++) {
      RandomExpression e = RandomExpression.draw(seed, engine(), true);
      e.steps.forEach(s -> drawn.add(s.op()));
      cases.add(json.writeValueAsString(e.json("expression" + seed, engine(), seed)));
    }
    assertTrue(drawn.containsAll(RandomExpression.OPERATIONS), "operations drawn: " + drawn);
    PyTorch.assertAgree(dir, "tape_agreement.py", cases, 1e-9);
  }

  /**
   * The random expressions without stop-gradients (which finite differences do not see), each as a layer: the
   * tape's ∂/∂input and ∂/∂parameters agree with {@link GradientChecker}'s central differences, with no PyTorch, to
   * 1e-3: differences over ε = 1e-6 of values up to 100 carry round-off near 1e-8, a thousandth of the smallest
   * gradients drawn, while a gradient wrong by 1 % is off by 5e-3.
   */
  @Test
  void randomExpressionsPassTheGradientCheck() {
    List<String> failing = new ArrayList<>();
    for (int seed = 0; seed < 100; seed++) {
      RandomExpression e = RandomExpression.draw(seed, engine(), false);
      RandomExpression.AsLayer spec = new RandomExpression.AsLayer(null, e);
      Layer layer = spec.build(LayerContext.of("expression", spec.input(), engine(), F64, 1, spec.parameters(engine()),
          Map.of()));
      Tensor input = engine().tensor(F64, spec.input().withBatch(1), e.steps.get(0).numbers());
      GradientCheckResult result = new GradientChecker(1e-6, 16, seed).checkLayer(layer, input);
      if (!result.passes(1e-3)) {
        failing.add("expression " + seed + ", " + e + ": " + result);
      }
    }
    assertTrue(failing.isEmpty(), failing.size() + " of 100 fail the gradient check:\n" + String.join("\n", failing));
  }

  /**
   * One tape serving passes of different random expressions, in any order and so of any shapes, gives in each pass
   * exactly what a fresh tape gives: the tensors it keeps from pass to pass, per position and shape, carry nothing
   * over.
   */
  @Test
  void aTapeReusedForOtherExpressionsGivesWhatAFreshTapeGives() {
    SplitMix64 order = new SplitMix64(3);
    for (int round = 0; round < 10; round++) {
      Tape shared = new Tape(engine(), F64);
      List<RandomExpression> expressions = new ArrayList<>();
      for (int k = 0; k < 5; k++) {
        expressions.add(RandomExpression.draw(500 + 5 * round + k, engine(), true));
      }
      for (int pass = 0; pass < 20; pass++) {
        RandomExpression e = expressions.get(order.nextInt(expressions.size()));
        List<double[]> reused = e.computed(shared, engine(), pass);
        List<double[]> fresh = e.computed(new Tape(engine(), F64), engine(), pass);
        for (int i = 0; i < fresh.size(); i++) {
          Agreement.assertAgree("pass " + pass + " of round " + round + ", step " + i / 2 + (i % 2 == 0 ? "'s value"
              : "'s gradient") + " of " + e, fresh.get(i), reused.get(i), new Tolerances(0, 0));
        }
      }
    }
  }

  // ---------------------------------------------------------------- networks of blocks

  /**
   * A highway layer written forward-only (Srivastava et al., 2015): y = T ⊙ H + (1 − T) ⊙ x with the gate
   * T = σ(x·V + c) and H = tanh(x·W + b), for inputs [N, n] and outputs of the same width.
   */
  record Highway(String name) implements ExpressionLayerSpec {
    @Override
    public Value forward(Value x, Scope s) {
      Value gate = s.linear("gate", x).sigmoid();
      return gate.multiply(s.linear("transform", x).tanh()).add(gate.affine(-1, 1).multiply(x));
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      List<ParameterSpec> p = new ArrayList<>(ExpressionLayerSpec.linear("gate", input.dim(0), input.dim(0)));
      p.addAll(ExpressionLayerSpec.linear("transform", input.dim(0), input.dim(0)));
      return p;
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public String type() {
      return "highway";
    }

    @Override
    public Highway withName(String name) {
      return new Highway(name);
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  private static LayerSpec named(LayerSpec layer, String name) {
    return layer.withName(name);
  }

  /**
   * Networks of blocks, trained by SGD: a residual block nested in a block with skips around it; blocks of one node,
   * with and without parameters; a residual block of convolutions (one dilated, explicitly padded) and batch norms,
   * its output joined to a convolution's along the width; and a block of layers written forward-only (the tape's
   * dense layer, a highway, tanh) joined to its input.
   */
  static Stream<NetworkSpec> blockNetworks() {
    BlockSpec inner = new BlockSpec("inner", List.of(
        BlockSpec.Node.of(named(new LayerSpec.Dense(5), "fc1"), BlockSpec.INPUT),
        BlockSpec.Node.of(named(new LayerSpec.Activation(ActivationFunction.RELU), "r"), "fc1"),
        BlockSpec.Node.of(named(new LayerSpec.Dense(5), "fc2"), "r"),
        BlockSpec.Node.of(named(new LayerSpec.Activation(ActivationFunction.TANH), "out"), "fc2", BlockSpec.INPUT)),
        null);
    BlockSpec outer = new BlockSpec("outer", List.of(BlockSpec.Node.of(inner, BlockSpec.INPUT),
        BlockSpec.Node.of(named(new LayerSpec.Dense(5), "fc"), "inner"),
        BlockSpec.Node.of(named(new LayerSpec.Activation(ActivationFunction.RELU), "out"), "fc", BlockSpec.INPUT,
            "inner")), null);
    NetworkSpec nested = NetworkSpec.builder().input(4).dense(5).layer(outer).dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(0.1)).seed(1).build();
    NetworkSpec single = NetworkSpec.builder().input(3)
        .layer(new BlockSpec("one", List.of(BlockSpec.Node.of(named(new LayerSpec.Dense(4), "fc"), BlockSpec.INPUT)),
            null))
        .layer(new BlockSpec("squash", List.of(BlockSpec.Node.of(named(new LayerSpec.Activation(
            ActivationFunction.SIGMOID), "s"), BlockSpec.INPUT)), null))
        .dense(2).loss(LossFunction.MEAN_SQUARED_ERROR).optimizer(new OptimizerSpec.Sgd(0.1)).seed(2).build();
    Conv2D dilated = new Conv2D(null, 2, new Window2D(3, 3, 1, 1, 2, 2, Padding.explicit(2, 2)),
        Initializer.heUniform(), true, Initializer.zeros());
    BlockSpec convolutional = new BlockSpec("res", List.of(
        BlockSpec.Node.of(named(new Conv2D(2, 3, Padding.SAME), "c1"), BlockSpec.INPUT),
        BlockSpec.Node.of(named(new BatchNorm(), "bn1"), "c1"),
        BlockSpec.Node.of(named(new LayerSpec.Activation(ActivationFunction.RELU), "r1"), "bn1"),
        BlockSpec.Node.of(named(dilated, "c2"), "r1"),
        BlockSpec.Node.of(named(new BatchNorm(), "bn2"), "c2"),
        BlockSpec.Node.of(named(new LayerSpec.Activation(ActivationFunction.RELU), "out"), "bn2", BlockSpec.INPUT),
        BlockSpec.Node.concat(named(new LayerSpec.Activation(ActivationFunction.TANH), "joined"), "out", "c1")),
        null); //                                        images joined along their last axis, the width

    NetworkSpec convolution = NetworkSpec.builder().input(2, 5, 5).layer(convolutional)
        .layer(new Pool2D(Pool2D.Kind.MAX, 2)).flatten().dense(3).loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
        .optimizer(new OptimizerSpec.Sgd(0.1)).seed(3).build();
    BlockSpec forwardOnly = new BlockSpec("fo", List.of(
        BlockSpec.Node.of(new TapeKinds.TapeDense("d", 4), BlockSpec.INPUT),
        BlockSpec.Node.of(new Highway("h"), "d"),
        BlockSpec.Node.concat(new TapeKinds.TapeActivation("t", ActivationFunction.TANH, 0), "h", BlockSpec.INPUT)),
        null);
    NetworkSpec userLayers = NetworkSpec.builder().input(4).layer(forwardOnly).dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(0.1)).seed(4).build();
    return Stream.of(nested, single, convolution, userLayers);
  }

  /**
   * Networks of a random block between an input of 1 to 4 and a dense layer of 3: each node applies a dense layer, an
   * activation, the tape's dense layer or tanh, a highway or (two levels deep at most) a random block of its own to
   * one or two earlier outputs, added when of one width and else joined; the last node takes every output no other
   * took, so that all lead to it.
   */
  static Stream<NetworkSpec> randomBlockNetworks() {
    List<NetworkSpec> networks = new ArrayList<>();
    for (int seed = 0; seed < 20; seed++) {
      SplitMix64 r = new SplitMix64(seed);
      int width = 1 + r.nextInt(4);
      networks.add(NetworkSpec.builder().input(width).layer(randomBlock(r, "b", width, 2, new int[1])).dense(3)
          .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(0.1)).seed(seed).build());
    }
    return networks.stream();
  }

  /** A random block over inputs of {@code width} (see {@link #randomBlockNetworks}); its output width in out[0]. */
  private static BlockSpec randomBlock(SplitMix64 r, String name, int width, int depth, int[] out) {
    List<BlockSpec.Node> nodes = new ArrayList<>();
    List<String> names = new ArrayList<>(List.of(BlockSpec.INPUT));
    List<Integer> widths = new ArrayList<>(List.of(width));
    java.util.Set<String> untaken = new java.util.LinkedHashSet<>();
    int count = 2 + r.nextInt(4);
    for (int i = 0; i < count; i++) {
      java.util.Set<String> inputs = new java.util.LinkedHashSet<>();
      if (i == count - 1 && !untaken.isEmpty()) {
        inputs.addAll(untaken);
      } else {
        for (int k = 1 + r.nextInt(2); k > 0; k--) {
          inputs.add(names.get(r.nextInt(names.size())));
        }
      }
      List<Integer> in = inputs.stream().map(n -> widths.get(names.indexOf(n))).toList();
      boolean add = in.stream().distinct().count() == 1 && r.nextInt(2) == 0;
      int w = add ? in.get(0) : in.stream().mapToInt(Integer::intValue).sum();
      String node = "n" + i;
      int[] produced = {w};
      LayerSpec layer = switch (r.nextInt(depth > 0 ? 7 : 6)) {
        case 0 -> named(new LayerSpec.Dense(produced[0] = 1 + r.nextInt(5)), node);
        case 1 -> named(new LayerSpec.Activation(ActivationFunction.RELU), node);
        case 2 -> named(new LayerSpec.Activation(ActivationFunction.TANH), node);
        case 3 -> new TapeKinds.TapeDense(node, produced[0] = 1 + r.nextInt(5));
        case 4 -> new Highway(node);
        case 5 -> new TapeKinds.TapeActivation(node, ActivationFunction.SIGMOID, 0);
        default -> randomBlock(r, node, w, depth - 1, produced);
      };
      String[] from = inputs.toArray(String[]::new);
      nodes.add(add ? BlockSpec.Node.of(layer, from) : BlockSpec.Node.concat(layer, from));
      untaken.removeAll(inputs);
      untaken.add(node);
      names.add(node);
      widths.add(produced[0]);
    }
    out[0] = widths.get(widths.size() - 1);
    return new BlockSpec(name, nodes, null);
  }

  /**
   * Each network of blocks, and of random blocks, trains on this engine as the PyTorch module written from its spec
   * does, its initial parameters copied: over three SGD steps on batches of 3, 1 and 2, the losses, the parameters
   * after them and the inference-mode outputs (batch norm on the running statistics) agree to 1e-9
   * ({@code tape_agreement.py}). Skipped without torch.
   */
  @Test
  void networksOfBlocksTrainAsTheirPyTorchModulesDo(@TempDir Path dir) throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> cases = new ArrayList<>();
    for (NetworkSpec spec : Stream.concat(blockNetworks(), randomBlockNetworks()).toList()) {
      Network network = Network.create(spec, engine(), F64);
      Map<String, Object> c = new java.util.LinkedHashMap<>();
      c.put("kind", "network");
      c.put("name", "network" + cases.size());
      c.put("spec", json.readTree(NetworkSpecJson.write(spec)));
      c.put("learning_rate", spec.optimizer().learningRate());
      c.put("params", parameterValues(network, true));
      List<Map<String, Object>> batches = new ArrayList<>();
      List<Double> losses = new ArrayList<>();
      Tensor last = null;
      int step = 0;
      for (int rows : new int[] {3, 1, 2}) {
        Shape in = spec.input().withBatch(rows);
        Shape out = spec.outputShape().withBatch(rows);
        double[] x = uniform(in, 40 + step, -1, 1);
        double[] y = uniform(out, 50 + step, 0, 1); //   soft targets, or regression targets
        last = engine().tensor(F64, in, x);
        losses.add(network.trainStep(last, engine().tensor(F64, out, y)));
        batches.add(Map.of("rows", rows, "x", x, "y", y));
        step++;
      }
      c.put("batches", batches);
      c.put("losses", losses);
      c.put("trained", parameterValues(network, false));
      c.put("inference", network.forward(last, Mode.inference()).toDoubleArray());
      cases.add(json.writeValueAsString(c));
    }
    PyTorch.assertAgree(dir, "tape_agreement.py", cases, 1e-9);
  }

  /** Each parameter's values by name, with its shape when {@code shapes}. */
  private static Map<String, Object> parameterValues(Network network, boolean shapes) {
    Map<String, Object> values = new java.util.LinkedHashMap<>();
    for (Parameter p : network.parameters()) {
      values.put(p.name(), shapes ? Map.of("shape", p.value().shape().dims(), "v", p.value().toDoubleArray())
          : p.value().toDoubleArray());
    }
    return values;
  }

  /**
   * A block of a convolution, batch norm, tanh written forward-only and dropout at {@code rate}, nested in a block
   * that adds its input back (the tape's identity, written forward-only), then a dense layer.
   */
  private static NetworkSpec dropoutNetwork(double rate) {
    BlockSpec body = new BlockSpec("body", List.of(
        BlockSpec.Node.of(new Conv2D("c", 2, Window2D.square(3, Padding.SAME), Initializer.heUniform(), false,
            Initializer.zeros()), BlockSpec.INPUT), //  no bias: batch norm would cancel it, ∂E/∂b = 0
        BlockSpec.Node.of(named(new BatchNorm(), "bn"), "c"),
        BlockSpec.Node.of(new TapeKinds.TapeActivation("t", ActivationFunction.TANH, 0), "bn"),
        BlockSpec.Node.of(named(new LayerSpec.Dropout(rate), "drop"), "t")), null);
    BlockSpec skip = new BlockSpec("skip", List.of(BlockSpec.Node.of(body, BlockSpec.INPUT),
        BlockSpec.Node.of(new TapeKinds.TapeActivation("sum", ActivationFunction.IDENTITY, 0), "body",
            BlockSpec.INPUT)), null);
    return NetworkSpec.builder().input(2, 4, 4).layer(skip).flatten().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Sgd(0.1)).seed(5).build();
  }

  /**
   * A block of a convolution, batch norm, dropout and a forward-only layer, nested in a block with a skip, passes
   * the gradient check as a network (dropout keeps one mask at a fixed step), with no PyTorch; and in inference mode
   * its dropout passes the input through, so that it computes what the same network without dropout computes.
   */
  @Test
  void aBlockOfConvolutionBatchNormAndDropoutPassesTheGradientCheck() {
    Network network = Network.create(dropoutNetwork(0.4), engine(), F64);
    Shape in = Shape.of(3, 2, 4, 4);
    Tensor x = engine().tensor(F64, in, uniform(in, 60, -1, 1));
    Tensor y = engine().tensor(F64, Shape.of(3, 3), 1, 0, 0, 0, 1, 0, 0.5, 0, 0.5);
    GradientCheckResult result = new GradientChecker(1e-6, 24, 7).check(network, x, y);
    assertTrue(result.passes(1e-6), result.toString());
    Network plain = Network.create(dropoutNetwork(0), engine(), F64);
    for (int i = 0; i < network.parameters().size(); i++) {
      plain.parameters().get(i).value().copyFrom(network.parameters().get(i).value().toDoubleArray());
    }
    network.buffers().forEach((name, b) -> plain.buffers().get(name).copyFrom(b.toDoubleArray()));
    Agreement.assertAgree("inference with and without dropout", plain.forward(x, Mode.inference()),
        network.forward(x, Mode.inference()), EXACT);
  }

  @Test
  void aParameterUsedByTwoBranchesGetsBothContributionsAddedToItsGradient() {
    Engine e = engine();
    Parameter w = new Parameter("w", e.tensor(F64, Shape.of(2), 0.5, -2), e.tensor(F64, Shape.of(2), 10, 20));
    Tape tape = new Tape(e, F64);
    Value x = tape.constant(e.tensor(F64, Shape.of(3, 2), 1, 2, 3, 4, 5, 6));
    Value p = tape.parameter(w);
    // E = Σ x ⊙ w + Σ (x ⊙ w)²: ∂E/∂wⱼ = Σᵢ xᵢⱼ + 2 Σᵢ xᵢⱼ² wⱼ
    Value xw = x.multiply(p);
    tape.backward(xw.sum().add(xw.multiply(xw).sum()));
    double d0 = (1 + 3 + 5) + 2 * (1 + 9 + 25) * 0.5;
    double d1 = (2 + 4 + 6) + 2 * (4 + 16 + 36) * -2.0;
    Agreement.assertAgree("∂E/∂w added to what the gradient held", new double[] {10 + d0, 20 + d1},
        w.gradient().toDoubleArray(), EXACT);
  }

  // ---------------------------------------------------------------- the hand-written backward passes

  private LayerContext context(Shape input, Map<String, Parameter> parameters) {
    return LayerContext.of("layer", input, engine(), F64, 5, parameters, Map.of());
  }

  /** Forward, then backward of a random ∂E/∂y: the output, ∂E/∂x and each parameter's gradient. */
  private List<double[]> pass(Layer layer, Tensor x) {
    Tensor y = layer.forward(x, Mode.training(1));
    List<double[]> out = new ArrayList<>(List.of(y.toDoubleArray()));
    Tensor dy = engine().tensor(F64, y.shape(), uniform(y.shape(), 3, -1, 1));
    out.add(layer.backward(dy, true).toDoubleArray());
    layer.parameters().forEach(p -> out.add(p.gradient().toDoubleArray()));
    return out;
  }

  private void assertSamePasses(String what, Layer hand, Layer auto, Tensor x) {
    List<double[]> expected = pass(hand, x);
    List<double[]> actual = pass(auto, x);
    assertEquals(expected.size(), actual.size(), what + ": the number of gradients");
    for (int i = 0; i < expected.size(); i++) {
      Agreement.assertAgree(what + (i == 0 ? " output" : i == 1 ? " input gradient" : " parameter gradient " + i),
          expected.get(i), actual.get(i), EXACT);
    }
  }

  /** The layer's parameters with one set of random values (the same for every call) and zero gradients. */
  private Map<String, Parameter> parameters(LayerSpec layer, Shape in) {
    Map<String, Parameter> p = new java.util.HashMap<>();
    long seed = 11;
    for (ParameterSpec s : layer.parameters(in)) {
      p.put(s.role(), new Parameter(s.role(), engine().tensor(F64, s.shape(), uniform(s.shape(), seed++, -1, 1)),
          engine().zeros(F64, s.shape())));
    }
    return p;
  }

  /** The built-in kind and its tape twin, each built with its own copy of the same parameters, on one batch. */
  private void assertSamePasses(String what, LayerSpec hand, LayerSpec auto, Shape in, double scale) {
    Shape batch = in.withBatch(5);
    Tensor x = engine().tensor(F64, batch, uniform(batch, 13, -scale, scale));
    assertSamePasses(what, hand.build(context(in, parameters(hand, in))), auto.build(context(in, parameters(auto,
        in))), x);
  }

  @Test
  void theTapesDenseEqualsTheHandWrittenBackward() {
    assertSamePasses("dense", new LayerSpec.Dense(4), new TapeKinds.TapeDense(null, 4), Shape.of(7), 2);
  }

  static Stream<Conv2D> convolutions() {
    return Stream.of(new Conv2D(4, 3, Padding.SAME), new Conv2D(null, 3, new Window2D(3, 2, 2, 1, 2, 1,
        Padding.explicit(1, 2)), Initializer.heUniform(), false, Initializer.zeros()));
  }

  @ParameterizedTest
  @MethodSource("convolutions")
  void theTapesConv2DEqualsTheHandWrittenBackward(Conv2D conv) {
    assertSamePasses(conv.summary(), conv, new TapeKinds.TapeConv2D(null, conv), Shape.of(2, 6, 5), 2);
  }

  static Stream<Pool2D> poolings() {
    return Stream.of(new Pool2D(Pool2D.Kind.MAX, 2), new Pool2D(Pool2D.Kind.AVERAGE, 2),
        new Pool2D(null, Pool2D.Kind.MAX, Window2D.square(3, Padding.SAME).withStride(2)),
        new Pool2D(null, Pool2D.Kind.AVERAGE, Window2D.square(3, Padding.explicit(1, 1))));
  }

  @ParameterizedTest
  @MethodSource("poolings")
  void theTapesPoolingEqualsTheHandWrittenBackward(Pool2D pool) {
    assertSamePasses(pool.summary(), pool, new TapeKinds.TapePool2D(null, pool), Shape.of(2, 6, 5), 2);
  }

  @ParameterizedTest
  @EnumSource(ActivationFunction.class)
  void theTapesActivationEqualsTheHandWrittenBackward(ActivationFunction f) {
    assertSamePasses(f.label(), new LayerSpec.Activation(f), new TapeKinds.TapeActivation(f), Shape.of(6), 3);
  }

  @Test
  void theTapesSoftmaxCrossEntropyEqualsTheHandWrittenGradient() {
    Shape s = Shape.of(5, 4);
    Tensor z = engine().tensor(F64, s, uniform(s, 19, -30, 30));
    double[] t = new double[20];
    for (int i = 0; i < 5; i++) {
      t[4 * i + (i * 3) % 4] = 1;
    }
    t[1] = 0.5; // a soft target row: Σt ≠ 1
    Tensor targets = engine().tensor(F64, s, t);
    Tensor expected = engine().zeros(F64, s);
    Tensor actual = engine().zeros(F64, s);
    double le = new KernelLoss(LossFunction.SOFTMAX_CROSS_ENTROPY, engine().kernels()).compute(z, targets, expected);
    double la = new TapeKinds.TapeSoftmaxCrossEntropy().build(engine(), F64).compute(z, targets, actual);
    Agreement.assertAgree("softmax cross-entropy", le, la, EXACT);
    Agreement.assertAgree("its gradient", expected, actual, EXACT);
  }

  // ---------------------------------------------------------------- no allocation in a steady state

  /** A network of tape layers, a block with a skip connection and a tape loss. */
  static NetworkSpec tapeNetwork() {
    BlockSpec residual = new BlockSpec(
        BlockSpec.Node.of(new TapeKinds.TapeDense(null, 6), BlockSpec.INPUT),
        BlockSpec.Node.of(new TapeKinds.TapeActivation(ActivationFunction.TANH), "autodiff_dense1"),
        BlockSpec.Node.concat(new LayerSpec.Dense(6), "autodiff_tanh1", BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU), "dense1", BlockSpec.INPUT));
    return NetworkSpec.builder().input(5).layer(new TapeKinds.TapeDense(null, 6)).layer(residual)
        .layer(new TapeKinds.TapeActivation(ActivationFunction.SIGMOID)).layer(new TapeKinds.TapeDense(null, 3))
        .loss(new TapeKinds.TapeSoftmaxCrossEntropy()).optimizer(new OptimizerSpec.Adam(0.01)).seed(4).build();
  }

  /** A convolutional network of tape layers: conv2d, ReLU, max-pool, flatten, dense and a tape loss. */
  static NetworkSpec tapeConvolutionalNetwork() {
    return NetworkSpec.builder().input(2, 6, 6).layer(new TapeKinds.TapeConv2D(null, new Conv2D(4, 3, Padding.SAME)))
        .layer(new TapeKinds.TapeActivation(ActivationFunction.RELU))
        .layer(new TapeKinds.TapePool2D(null, new Pool2D(Pool2D.Kind.MAX, 2))).flatten()
        .layer(new TapeKinds.TapeDense(null, 3)).loss(new TapeKinds.TapeSoftmaxCrossEntropy())
        .optimizer(new OptimizerSpec.Adam(0.01)).seed(4).build();
  }

  static Stream<NetworkSpec> tapeNetworks() {
    return Stream.of(tapeNetwork(), tapeConvolutionalNetwork());
  }

  @ParameterizedTest
  @MethodSource("tapeNetworks")
  void aSteadyStateStepMakesNoEngineTensor(NetworkSpec spec) {
    CountingEngine counting = new CountingEngine(engine());
    List<Layer> layers = new ArrayList<>();
    Shape in = spec.input();
    for (LayerSpec l : spec.layers()) {
      layers.add(l.build(LayerContext.of(l.name(), in, counting, F64, 1, parameters(l, in), Map.of())));
      in = l.outputShape(in);
    }
    Loss loss = spec.loss().build(counting, F64);
    int[] rows = {8, 3, 8, 3, 8, 8, 3};
    long before = 0;
    for (int step = 0; step < rows.length; step++) {
      if (step == 2) { // after warm-up: a full batch and a last one
        before = counting.allocations();
      }
      Shape batch = spec.input().withBatch(rows[step]);
      Tensor y = engine().tensor(F64, batch, uniform(batch, step, -1, 1));
      for (Layer l : layers) {
        y = l.forward(y, Mode.training(step));
      }
      Tensor g = engine().zeros(F64, y.shape());
      loss.compute(y, engine().tensor(F64, y.shape(), uniform(y.shape(), step, 0, 1)), g);
      for (int i = layers.size() - 1; i >= 0; i--) {
        g = layers.get(i).backward(g, i > 0);
      }
    }
    assertEquals(before, counting.allocations(), "engine tensors made by the layers and the loss after warm-up");
  }

  // ---------------------------------------------------------------- bad input

  /**
   * A pass that records without end stops once its tensors would pass the tape's budget, in an error that says so,
   * instead of running the JVM out of memory; the tape lets go of them, and its next pass computes as a fresh tape's.
   */
  @Test
  void aPassThatRecordsWithoutEndStopsAtTheTapesBudget() {
    Tape tape = new Tape(engine(), F64, 1 << 20);
    Tensor x = engine().tensor(F64, Shape.of(8, 16), uniform(Shape.of(8, 16), 5, -1, 1)); // 1 KiB
    Value start = tape.variable(x);
    int[] recorded = {0};
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
      for (Value y = start; ; recorded[0]++) {
        y = y.tanh(); // a loop whose condition never turns false
      }
    });
    String m = e.getMessage();
    assertTrue(m.contains("record without end") && m.contains("budget of 1,048,576")
        && m.contains(String.format(java.util.Locale.ROOT, "recorded %,d operations", recorded[0] + 1)), m);
    assertTrue(recorded[0] > 100 && recorded[0] < 1024, "1 KiB tensors in 1 MiB: " + recorded[0] + " operations");
    assertThrows(IllegalStateException.class, start::tanh, "a value of the pass that ended");

    tape.reset();
    Value v = tape.variable(x);
    tape.backward(v.multiply(v).sum()); // ∂Σx²/∂x = 2x
    double[] twice = x.toDoubleArray();
    for (int i = 0; i < twice.length; i++) {
      twice[i] *= 2;
    }
    assertArrayEquals(twice, v.gradient().toDoubleArray(), 0, "the pass after, within the budget");
    assertThrows(IllegalArgumentException.class, () -> new Tape(engine(), F64, 0));
  }

  @Test
  void aShapeMismatchNamesTheOperationAndBothShapes() {
    Tape tape = new Tape(engine(), F64);
    Value a = tape.variable(engine().zeros(F64, Shape.of(2, 3)));
    Value b = tape.variable(engine().zeros(F64, Shape.of(4, 5)));
    for (Runnable r : List.<Runnable>of(() -> a.matmul(b), () -> a.add(b), () -> a.divide(b),
        () -> tape.concat(1, a, b))) {
      String m = assertThrows(IllegalArgumentException.class, r::run).getMessage();
      assertTrue(m.contains("[2, 3]") && m.contains("[4, 5]") && m.matches("^(matmul|add|divide|concat):.*"), m);
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> a.reshape(5)).getMessage()
        .startsWith("reshape: cannot reshape [2, 3]"));
    for (int[] dims : new int[][] {{-1, 6}, {0, 6}, null}) { // PyTorch's inferred −1 is not a dimension here
      String m = assertThrows(IllegalArgumentException.class, () -> a.reshape(dims)).getMessage();
      assertTrue(m.startsWith("reshape: cannot reshape [2, 3] to " + java.util.Arrays.toString(dims)), m);
    }
  }

  /**
   * Every operation of two operands names itself and both shapes when they do not fit, whatever their ranks, and
   * every operation on a matrix names itself and the shape of another rank.
   */
  @Test
  void everyOperationNamesItselfAndTheShapesThatDoNotFit() {
    Tape tape = new Tape(engine(), F64);
    Value a = tape.variable(engine().zeros(F64, Shape.of(2, 3)));
    Value b = tape.variable(engine().zeros(F64, Shape.of(3, 2)));
    Value cube = tape.variable(engine().zeros(F64, Shape.of(2, 3, 4)));
    Map<String, org.junit.jupiter.api.function.Executable> calls = new java.util.LinkedHashMap<>();
    for (Value other : List.of(b, cube)) {
      String shapes = ": shapes [2, 3] and " + other.shape() + " do not fit";
      calls.put("add" + shapes, () -> a.add(other));
      calls.put("subtract" + shapes, () -> a.subtract(other));
      calls.put("multiply" + shapes, () -> a.multiply(other));
      calls.put("divide" + shapes, () -> a.divide(other));
      calls.put("max" + shapes, () -> a.max(other));
    }
    calls.put("matmul: shapes [2, 3] and [2, 3] do not fit", () -> a.matmul(a));
    calls.put("matmul: shapes [2, 3] and [2, 3, 4] do not fit", () -> a.matmul(cube));
    calls.put("matmul: shapes [2, 3, 4] and [3, 2] do not fit", () -> cube.matmul(b));
    calls.put("concat: along axis 0 the shapes [2, 3] and [3, 2] must agree in dimension 1", () -> tape.concat(0, a,
        b));
    calls.put("concat: needs a matrix, got [2, 3, 4]", () -> tape.concat(1, a, cube));
    calls.put("transpose: needs a matrix, got [2, 3, 4]", cube::transpose);
    calls.put("slice: needs a matrix, got [2, 3, 4]", () -> cube.slice(0, 0, 1));
    calls.put("sum: needs a matrix, got [2, 3, 4]", () -> cube.sum(0));
    calls.put("mean: needs a matrix, got [2, 3, 4]", () -> cube.mean(1));
    calls.put("max: needs a matrix, got [2, 3, 4]", () -> cube.max(1));
    calls.put("multiply: shapes [3, 2] and [2, 3] do not fit", () -> new TapeKinds.TapeSoftmaxCrossEntropy().loss(a,
        tape.constant(engine().zeros(F64, Shape.of(3, 2))))); // targets of another shape than the logits
    for (var call : calls.entrySet()) {
      String m = assertThrows(IllegalArgumentException.class, call.getValue(), call.getKey()).getMessage();
      assertTrue(m.startsWith(call.getKey()), call.getKey() + ": " + m);
    }
  }

  @Test
  void anImageOperationThatDoesNotFitNamesTheOperationAndTheShapes() {
    Tape tape = new Tape(engine(), F64);
    Value images = tape.variable(engine().zeros(F64, Shape.of(2, 3, 5, 5)));
    Window2D same = Window2D.square(3, Padding.SAME);
    Map<String, Runnable> mistakes = new java.util.LinkedHashMap<>();
    mistakes.put("conv2d: the input [2, 3, 5, 5] and the kernels [4, 2, 3, 3] do not fit", () -> images.conv2d(
        tape.variable(engine().zeros(F64, Shape.of(4, 2, 3, 3))), same));
    mistakes.put("conv2d: the kernels [4, 3, 2, 2] are 2×2 but the window is 3×3 same", () -> images.conv2d(
        tape.variable(engine().zeros(F64, Shape.of(4, 3, 2, 2))), same));
    mistakes.put("conv2d: the window 7×7 does not fit the input [2, 3, 5, 5]", () -> images.conv2d(
        tape.variable(engine().zeros(F64, Shape.of(4, 3, 7, 7))), Window2D.square(7, Padding.VALID)));
    mistakes.put("conv2d: the input [2, 75] and the kernels [4, 3, 3, 3] do not fit", () -> images.flatten()
        .conv2d(tape.variable(engine().zeros(F64, Shape.of(4, 3, 3, 3))), same));
    mistakes.put("addPerChannel: the input [2, 3, 5, 5] and the per-channel values [1, 4] do not fit", () -> images
        .addPerChannel(tape.variable(engine().zeros(F64, Shape.of(1, 4)))));
    mistakes.put("maxPool: needs images [N, C, H, W], got [2, 75]", () -> images.flatten().maxPool(same));
    mistakes.put("avgPool: on [2, 3, 5, 5], avg_pool2d layer: pad 2×2 is more than half", () -> images.avgPool(
        Window2D.square(3, Padding.explicit(2, 2))));
    mistakes.forEach((expected, r) -> {
      String m = assertThrows(IllegalArgumentException.class, r::run).getMessage();
      assertTrue(m.startsWith(expected), m);
    });
  }

  @Test
  void aLayerWrittenForwardOnlyIsHeldToItsDeclaredShapes() {
    /** Declares an output of 4 per sample but doubles its input of 2. */
    record Wrong(String name) implements ExpressionLayerSpec {
      @Override
      public Value forward(Value x, Scope s) {
        return x.multiply(2);
      }

      @Override
      public Shape outputShape(Shape input) {
        return Shape.of(4);
      }

      @Override
      public String type() {
        return "wrong";
      }

      @Override
      public Wrong withName(String name) {
        return new Wrong(name);
      }

      @Override
      public void writeFields(FieldWriter out) {}
    }
    Layer wrong = new Wrong(null).build(context(Shape.of(2), Map.of()));
    String m = assertThrows(IllegalStateException.class, () -> wrong.forward(engine().zeros(F64, Shape.of(5, 2)),
        Mode.training(0))).getMessage();
    assertEquals("wrong layer 'layer': the forward pass gave [5, 2] but the kind's output shape [4] makes [5, 4] for "
        + "this batch", m);
    m = assertThrows(IllegalArgumentException.class, () -> wrong.forward(engine().zeros(F64, Shape.of(5, 3)),
        Mode.training(0))).getMessage();
    assertEquals("wrong layer 'layer': input has shape [5, 3] but the layer takes batches of [2]", m);
  }

  /** An operation of a layer's forward pass that does not fit names the layer too, as in a network of many. */
  @Test
  void anOperationThatDoesNotFitNamesItsLayer() {
    /** Multiplies its input of 3 by a [4, 2] weight. */
    record Misfit(String name) implements ExpressionLayerSpec {
      @Override
      public Value forward(Value x, Scope s) {
        return x.matmul(s.parameter("w"));
      }

      @Override
      public List<ParameterSpec> parameters(Shape input) {
        return List.of(ParameterSpec.of("w", Shape.of(4, 2), Initializer.zeros()));
      }

      @Override
      public Shape outputShape(Shape input) {
        return Shape.of(2);
      }

      @Override
      public String type() {
        return "misfit";
      }

      @Override
      public Misfit withName(String name) {
        return new Misfit(name);
      }

      @Override
      public void writeFields(FieldWriter out) {}
    }
    Parameter w = Parameter.zeros("layer.w", Shape.of(4, 2), engine(), F64);
    Layer misfit = new Misfit(null).build(context(Shape.of(3), Map.of("w", w)));
    String m = assertThrows(IllegalArgumentException.class, () -> misfit.forward(engine().zeros(F64, Shape.of(5, 3)),
        Mode.training(0))).getMessage();
    assertTrue(m.startsWith("misfit layer 'layer': matmul: shapes [5, 3] and [4, 2] do not fit"), m);
    // an input of another data type than the layer's is refused naming the layer too
    m = assertThrows(IllegalArgumentException.class, () -> misfit.forward(engine().zeros(DataType.FLOAT32,
        Shape.of(5, 3)), Mode.training(0))).getMessage();
    assertTrue(m.startsWith("misfit layer 'layer': ") && m.contains("FLOAT32"), m);
    // and an operation of a loss written forward-only that does not fit names the loss
    ExpressionLossSpec misfitLoss = new ExpressionLossSpec() {
      @Override
      public Value loss(Value predictions, Value targets) {
        return predictions.matmul(targets).sum(); // [N, C]·[N, C]: C ≠ N does not fit
      }

      @Override
      public String type() {
        return "misfit_loss";
      }
    };
    Tensor p = engine().zeros(F64, Shape.of(2, 3));
    m = assertThrows(IllegalArgumentException.class, () -> misfitLoss.build(engine(), F64).compute(p,
        engine().zeros(F64, Shape.of(2, 3)), engine().zeros(F64, Shape.of(2, 3)))).getMessage();
    assertTrue(m.startsWith("misfit_loss loss: matmul: shapes [2, 3] and [2, 3] do not fit"), m);
  }

  @Test
  void differentiatingThroughAnUntrackedValueIsAnError() {
    Tape tape = new Tape(engine(), F64);
    Value c = tape.constant(engine().tensor(F64, Shape.of(1, 2), 1, 2));
    Value y = c.exp().sum();
    assertTrue(assertThrows(IllegalStateException.class, () -> tape.backward(y)).getMessage()
        .contains("untracked"));
    Value v = tape.variable(engine().tensor(F64, Shape.of(1, 2), 1, 2));
    tape.backward(v.multiply(c).sum());
    assertTrue(assertThrows(IllegalStateException.class, c::gradient).getMessage()
        .contains("without gradient tracking"));
    Agreement.assertAgree("the variable's gradient", new double[] {1, 2}, v.gradient().toDoubleArray(), EXACT);
    tape.reset();
    assertTrue(assertThrows(IllegalStateException.class, v::exp).getMessage().contains("earlier pass"));
  }

  /** A null operand is refused naming the operation, before anything is recorded. */
  @Test
  void aNullOperandIsNamedNotANullPointerInside() {
    Tape tape = new Tape(engine(), F64);
    Value x = tape.variable(engine().tensor(F64, Shape.of(2, 2), 1, 2, 3, 4));
    java.util.Map<String, org.junit.jupiter.api.function.Executable> calls = new java.util.LinkedHashMap<>();
    calls.put("add", () -> x.add(null));
    calls.put("subtract", () -> x.subtract(null));
    calls.put("multiply", () -> x.multiply((Value) null));
    calls.put("divide", () -> x.divide(null));
    calls.put("max", () -> x.max((Value) null));
    calls.put("matmul", () -> x.matmul(null));
    calls.put("concat", () -> tape.concat(1, x, null));
    calls.put("backward of no value", () -> tape.backward(null));
    calls.put("backward", () -> tape.backward(x.sum(), null));
    for (var call : calls.entrySet()) {
      String m = assertThrows(IllegalArgumentException.class, call.getValue(), call.getKey()).getMessage();
      assertTrue(m.startsWith(call.getKey().split(" ")[0]) && m.contains("null"), call.getKey() + ": " + m);
    }
    Agreement.assertAgree("the tape still works", new double[] {2, 4, 6, 8},
        x.multiply(2).value().toDoubleArray(), EXACT);
  }

  /** After a second backward, every gradient is of its root: one past it that an earlier backward wrote is zero. */
  @Test
  void aGradientIsOfTheLastBackwardsRootOnly() {
    Tape tape = new Tape(engine(), F64);
    Value x = tape.variable(engine().tensor(F64, Shape.of(1, 2), 1, 2));
    Value first = x.multiply(2).sum();
    Value tripled = x.multiply(3);
    tape.backward(tripled.sum());
    tape.backward(first);
    Agreement.assertAgree("∂first/∂x", new double[] {2, 2}, x.gradient().toDoubleArray(), EXACT);
    Agreement.assertAgree("∂first/∂(3x), made after first", new double[] {0, 0}, tripled.gradient().toDoubleArray(),
        EXACT);
  }

  /** A layer's backward may be asked again for the same forward pass, with the input gradient wanted this time. */
  @Test
  void aLayerWrittenForwardOnlyGivesItsInputGradientOnASecondBackward() {
    Shape in = Shape.of(3);
    BlockSpec spec = new BlockSpec(BlockSpec.Node.of(new LayerSpec.Dense(3), BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Dense(3), "dense1", BlockSpec.INPUT));
    Layer block = spec.build(context(in, parameters(spec, in)));
    Shape batch = in.withBatch(2);
    Tensor y = block.forward(engine().tensor(F64, batch, uniform(batch, 13, -1, 1)), Mode.training(1));
    Tensor dy = engine().tensor(F64, y.shape(), uniform(y.shape(), 3, -1, 1));
    double[] once = block.backward(dy, true).toDoubleArray();
    block.backward(dy, false);
    Agreement.assertAgree("∂E/∂x after a backward that did not want it", once, block.backward(dy, true)
        .toDoubleArray(), EXACT);
  }

  /**
   * A layer keeps one forward pass for its backward (and returns tensors valid until its next call), so a second use
   * in one pass would differentiate the first with the second's inputs: it is refused, naming the layer.
   */
  @Test
  void aLayerAppliedTwiceInOnePassIsRefused() {
    Layer tanh = new LayerSpec.Activation(ActivationFunction.TANH).build(context(Shape.of(2), Map.of()));
    Tape tape = new Tape(engine(), F64);
    Value x = tape.variable(engine().tensor(F64, Shape.of(1, 2), 1, 2));
    Value once = tape.apply(tanh, x, Mode.training(1));
    String m = assertThrows(IllegalArgumentException.class, () -> tape.apply(tanh, once, Mode.training(1)))
        .getMessage();
    assertTrue(m.startsWith("layer 'layer': already applied in this pass (to variable [1, 2])"), m);
    tape.reset();
    Value again = tape.variable(engine().tensor(F64, Shape.of(1, 2), 1, 2));
    tape.backward(tape.apply(tanh, again, Mode.training(1)).sum()); // ∂tanh x/∂x = 1 − tanh² x
    Agreement.assertAgree("∂tanh x/∂x in the next pass", new double[] {1 - Math.pow(Math.tanh(1), 2),
        1 - Math.pow(Math.tanh(2), 2)}, again.gradient().toDoubleArray(), new Tolerances(1e-9, 1e-12));
  }

  /**
   * A layer written forward-only, or a block, refuses an output gradient of another data type than its forward pass,
   * naming itself, as the built-in layers do, whether or not ∂E/∂x is asked for: one without parameters, asked for
   * none, returned null without a look, and an identity returned the caller's tensor as its input gradient.
   */
  @Test
  void aForwardOnlyLayerRefusesAnOutputGradientOfAnotherTypeWhetherOrNotItsInputGradientIsAsked() {
    Shape in = Shape.of(3);
    List<LayerSpec> specs = List.of(new TapeKinds.TapeActivation("identity", ActivationFunction.IDENTITY, 0),
        new TapeKinds.TapeActivation("tanh", ActivationFunction.TANH, 0), new TapeKinds.TapeDense("dense", 3),
        new BlockSpec("relus", List.of(BlockSpec.Node.of(named(new LayerSpec.Activation(ActivationFunction.RELU),
            "r"), BlockSpec.INPUT)), null));
    for (LayerSpec spec : specs) {
      for (boolean wanted : new boolean[] {true, false}) {
        Layer layer = spec.build(context(in, parameters(spec, in)));
        layer.forward(engine().tensor(F64, in.withBatch(2), uniform(in.withBatch(2), 5, -1, 1)), Mode.training(1));
        Tensor dy = engine().tensor(DataType.FLOAT32, in.withBatch(2), uniform(in.withBatch(2), 6, -1, 1));
        String m = assertThrows(IllegalArgumentException.class, () -> layer.backward(dy, wanted), spec.name()
            + (wanted ? ", ∂E/∂x wanted" : ", ∂E/∂x not wanted")).getMessage();
        assertTrue(m.startsWith(spec.type() + " layer 'layer': the output gradient is a FLOAT32 tensor "
            + "on engine " + engine().name() + ", but the forward pass was FLOAT64"), m);
      }
    }
  }

  @Test
  void aStaleValueOrASeedOfAnotherTypeIsRefusedNamingTheOperation() {
    Tape tape = new Tape(engine(), F64);
    Value x = tape.variable(engine().tensor(F64, Shape.of(1, 2), 1, 2));
    Value y = x.exp();
    String m = assertThrows(IllegalArgumentException.class, () -> tape.backward(y,
        engine().tensor(DataType.FLOAT32, Shape.of(1, 2), 1, 1))).getMessage();
    assertEquals("backward: the gradient is a FLOAT32 tensor [1, 2] but exp [1, 2] is a FLOAT64 tensor [1, 2]", m);
    tape.reset();
    assertEquals("detach: exp [1, 2] is from an earlier pass (the tape was reset since)",
        assertThrows(IllegalStateException.class, y::detach).getMessage());
  }

  /**
   * A layer whose output depends on neither its input nor its parameters — a stop-gradient, or parameters the pass
   * leaves unused — passes back ∂E/∂x = 0, as the network's first layer (whose ∂E/∂x is not wanted) or any other.
   */
  @Test
  void aLayerWhoseOutputReachesNoInputOrParameterPassesBackZero() {
    /** Doubles its input, declaring a parameter it does not use; with {@code stop}, the input's gradient stopped. */
    record Unreached(String name, boolean stop) implements ExpressionLayerSpec {
      @Override
      public Value forward(Value x, Scope s) {
        return (stop ? x.detach() : x).multiply(2);
      }

      @Override
      public List<ParameterSpec> parameters(Shape input) {
        return List.of(ParameterSpec.of("w", Shape.of(2), Initializer.zeros()));
      }

      @Override
      public Shape outputShape(Shape input) {
        return input;
      }

      @Override
      public String type() {
        return "unreached";
      }

      @Override
      public Unreached withName(String name) {
        return new Unreached(name, stop);
      }

      @Override
      public void writeFields(FieldWriter out) {}
    }
    for (boolean stop : new boolean[] {false, true}) {
      Parameter w = Parameter.zeros("layer.w", Shape.of(2), engine(), F64);
      Layer layer = new Unreached(null, stop).build(context(Shape.of(2), Map.of("w", w)));
      layer.forward(engine().tensor(F64, Shape.of(1, 2), 1, 2), Mode.training(1));
      Tensor dy = engine().tensor(F64, Shape.of(1, 2), 3, 4);
      assertEquals(null, layer.backward(dy, false), "∂E/∂x not wanted");
      Agreement.assertAgree("∂E/∂x" + (stop ? " stopped" : ""), stop ? new double[] {0, 0} : new double[] {6, 8},
          layer.backward(dy, true).toDoubleArray(), EXACT);
      Agreement.assertAgree("∂E/∂w of a parameter not used", new double[] {0, 0}, w.gradient().toDoubleArray(), EXACT);
      Agreement.assertAgree("∂E/∂y, as given", new double[] {3, 4}, dy.toDoubleArray(), EXACT);
    }
  }

  // ---------------------------------------------------------------- hostile input

  /**
   * A null leaf, and a parameter whose gradient is missing or not a tensor of its value's shape and the tape's data
   * type, are refused where they enter the tape, naming the parameter: they failed with a NullPointerException, or
   * when backward wrote the gradient, deep in a kernel.
   */
  @Test
  void aNullLeafOrAParameterWhoseGradientDoesNotFitIsRefusedNamingIt() {
    Tape tape = new Tape(engine(), F64);
    Tensor row = engine().zeros(F64, Shape.of(1, 2));
    Map<String, org.junit.jupiter.api.function.Executable> calls = new java.util.LinkedHashMap<>();
    calls.put("variable: the tensor is null", () -> tape.variable(null));
    calls.put("constant: the tensor is null", () -> tape.constant(null));
    calls.put("parameter: the parameter is null", () -> tape.parameter(null));
    calls.put("parameter w: its gradient a FLOAT64 tensor [2, 1] must be a FLOAT64 tensor of its value's shape [1, 2]",
        () -> tape.parameter(new Parameter("w", row, engine().zeros(F64, Shape.of(2, 1)))));
    calls.put("parameter w: its gradient a FLOAT32 tensor [1, 2] must be a FLOAT64 tensor of its value's shape [1, 2]",
        () -> tape.parameter(new Parameter("w", row, engine().zeros(DataType.FLOAT32, Shape.of(1, 2)))));
    calls.put("parameter w: its gradient null must be a FLOAT64 tensor of its value's shape [1, 2]",
        () -> tape.parameter(new Parameter("w", row, null)));
    for (var call : calls.entrySet()) {
      String m = assertThrows(IllegalArgumentException.class, call.getValue(), call.getKey()).getMessage();
      assertEquals(call.getKey(), m);
    }
    Value x = tape.variable(engine().tensor(F64, Shape.of(1, 2), 1, 2));
    tape.backward(x.reshape(1, 2), engine().tensor(F64, Shape.of(1, 2), 3, 4));
    Agreement.assertAgree("the tape still works", new double[] {3, 4}, x.gradient().toDoubleArray(), EXACT);
  }

  /** A value of another tape, as an operand, a root or a layer's input, is refused naming the operation. */
  @Test
  void aValueOfAnotherTapeIsRefusedNamingTheOperation() {
    Tape tape = new Tape(engine(), F64);
    Tape other = new Tape(engine(), F64);
    Value x = tape.variable(engine().tensor(F64, Shape.of(1, 2), 1, 2));
    Value foreign = other.variable(engine().tensor(F64, Shape.of(1, 2), 3, 4));
    Layer tanh = new LayerSpec.Activation(ActivationFunction.TANH).build(context(Shape.of(2), Map.of()));
    Map<String, org.junit.jupiter.api.function.Executable> calls = new java.util.LinkedHashMap<>();
    calls.put("add", () -> x.add(foreign));
    calls.put("matmul", () -> x.matmul(foreign));
    calls.put("concat", () -> tape.concat(0, x, foreign));
    calls.put("backward", () -> tape.backward(foreign, engine().tensor(F64, Shape.of(1, 2), 1, 1)));
    calls.put("layer", () -> tape.apply(tanh, foreign, Mode.training(0)));
    for (var call : calls.entrySet()) {
      String m = assertThrows(IllegalArgumentException.class, call.getValue(), call.getKey()).getMessage();
      assertTrue(m.startsWith(call.getKey()) && m.endsWith("variable [1, 2] belongs to another tape"), m);
    }
  }

  /**
   * A forward-only layer that returns, or uses, something else than a value of its pass, as {@code what} says; it
   * keeps 2x of each pass in {@code kept}.
   */
  record Returning(String name, String what, List<Value> kept) implements ExpressionLayerSpec {
    @Override
    public Value forward(Value x, Scope s) {
      Value kept = this.kept.isEmpty() ? null : this.kept.get(0);
      this.kept.clear();
      this.kept.add(x.multiply(2));
      return switch (what) {
        case "null" -> null;
        case "another tape's value" -> new Tape(x.tape().engine(), x.tape().dataType()).variable(x.value());
        case "the value of the pass before" -> kept == null ? x : kept;
        default -> kept == null ? x : kept.add(x); // a value of the pass before, used
      };
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public String type() {
      return "returning";
    }

    @Override
    public Returning withName(String name) {
      return new Returning(name, what, kept);
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  /**
   * A layer written forward-only that returns null, another tape's value or a value of an earlier pass (whose tensors
   * this pass reuses), or uses one, is refused naming the layer: it failed with a NullPointerException, or trained
   * nothing, or differentiated tensors overwritten since.
   */
  @Test
  void aForwardOnlyLayerReturningOrUsingAValueNotOfItsPassIsNamed() {
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("null", "returning layer 'layer': the forward pass returned null, not a value computed on its tape in "
        + "this pass");
    expected.put("another tape's value", "returning layer 'layer': the forward pass returned variable [1, 2] of "
        + "another tape, not a value computed on its tape in this pass");
    expected.put("the value of the pass before", "returning layer 'layer': the forward pass returned affine [1, 2] "
        + "of an earlier pass (the tape was reset since), not a value computed on its tape in this pass");
    expected.put("a value of the pass before, used", "returning layer 'layer': add: affine [1, 2] is from an "
        + "earlier pass (the tape was reset since)");
    expected.forEach((what, message) -> {
      Layer layer = new Returning(null, what, new ArrayList<>()).build(context(Shape.of(2), Map.of()));
      Tensor x = engine().tensor(F64, Shape.of(1, 2), 1, 2);
      if (!what.equals("null") && !what.startsWith("another")) {
        layer.forward(x, Mode.training(0)); // the first pass keeps a value for the second
      }
      assertEquals(message, assertThrows(IllegalStateException.class, () -> layer.forward(x, Mode.training(1)))
          .getMessage(), what);
    });
    ExpressionLossSpec none = new ExpressionLossSpec() {
      @Override
      public Value loss(Value predictions, Value targets) {
        return null;
      }

      @Override
      public String type() {
        return "none";
      }
    };
    Tensor p = engine().zeros(F64, Shape.of(2, 3));
    assertEquals("none loss: loss(predictions, targets) returned null, not a value computed on its tape in this pass",
        assertThrows(IllegalStateException.class, () -> none.build(engine(), F64).compute(p, p, null)).getMessage());
  }

  /**
   * A loss written forward-only that does not depend on the predictions is refused when it is to give a gradient, as
   * PyTorch's backward refuses a loss that requires no gradient: it trained every step with a zero gradient. Without
   * a gradient asked for (evaluation) it is computed.
   */
  @Test
  void aForwardOnlyLossThatDoesNotDependOnThePredictionsIsRefusedWhenTrainedBy() {
    for (boolean detached : new boolean[] {false, true}) {
      ExpressionLossSpec targetsOnly = new ExpressionLossSpec() {
        @Override
        public Value loss(Value predictions, Value targets) {
          return (detached ? predictions.detach().add(targets) : targets).sum().multiply(0.5);
        }

        @Override
        public String type() {
          return "targets_only";
        }
      };
      Tensor p = engine().tensor(F64, Shape.of(1, 2), 1, 2);
      Tensor t = engine().tensor(F64, Shape.of(1, 2), 3, 4);
      Loss loss = targetsOnly.build(engine(), F64);
      assertEquals((detached ? 1 + 2 + 3 + 4 : 3 + 4) * 0.5, loss.compute(p, t, null), 0, "evaluated");
      assertEquals("targets_only loss: the loss does not depend on the predictions (it was computed from the targets "
          + "and constants only, or the predictions were detached), so it gives no gradient to train by",
          assertThrows(IllegalStateException.class, () -> loss.compute(p, t, engine().zeros(F64, Shape.of(1, 2))))
              .getMessage(), detached ? "detached" : "targets only");
    }
  }

  /**
   * A loss written forward-only refuses predictions, targets or a gradient tensor of another data type than it
   * computes in, naming itself and the tensor, as it does one of another shape: the predictions were refused by the
   * tape as a bare "variable", and a gradient by the kernel of the backward pass that first wrote it ("affine: ...").
   */
  @Test
  void aForwardOnlyLossRefusesATensorOfAnotherTypeNamingItself() {
    Loss loss = new TapeKinds.TapeSoftmaxCrossEntropy().build(engine(), F64);
    Tensor p = engine().tensor(F64, Shape.of(1, 2), 1, 2);
    Tensor t = engine().tensor(F64, Shape.of(1, 2), 0, 1);
    Tensor g = engine().zeros(F64, Shape.of(1, 2));
    Tensor other = engine().tensor(DataType.FLOAT32, Shape.of(1, 2), 0, 1);
    Map<String, org.junit.jupiter.api.function.Executable> calls = new java.util.LinkedHashMap<>();
    calls.put("the predictions are a FLOAT32 tensor", () -> loss.compute(other, t, g));
    calls.put("the targets are a FLOAT32 tensor", () -> loss.compute(p, other, g));
    calls.put("the gradient is a FLOAT32 tensor", () -> loss.compute(p, t, other));
    calls.forEach((expected, call) -> {
      String m = assertThrows(IllegalArgumentException.class, call, expected).getMessage();
      assertTrue(m.startsWith("autodiff_softmax_cross_entropy: " + expected + " on engine " + engine().name()
          + ", but the loss computes in FLOAT64"), m);
    });
  }

  /**
   * A backward after a forward pass that failed is refused naming the layer: the failed pass reset the tape, and
   * backward went on to differentiate the pass before it, whose values the reset had ended, naming neither.
   */
  @Test
  void aBackwardAfterAFailedForwardPassIsRefusedNamingTheLayer() {
    Layer layer = new Returning(null, "the value of the pass before", new ArrayList<>()).build(context(Shape.of(2),
        Map.of()));
    Tensor x = engine().tensor(F64, Shape.of(1, 2), 1, 2);
    layer.forward(x, Mode.training(0));
    assertThrows(IllegalStateException.class, () -> layer.forward(x, Mode.training(1)));
    assertEquals("returning layer 'layer': backward before a training forward pass", assertThrows(
        IllegalStateException.class, () -> layer.backward(x, true)).getMessage());
  }

  /**
   * Backward walks the record in a loop, not by recursion: 100,000 operations, y ← 0.9·(y + x) from y = x, give
   * ∂y/∂x by the recurrence d ← 0.9·(d + 1), with x's 50,001 contributions added up.
   */
  @Test
  void aTapeOfAHundredThousandOperationsDifferentiatesWithoutExhaustingTheStack() {
    Tape tape = new Tape(engine(), F64);
    Value x = tape.variable(engine().tensor(F64, Shape.of(1, 2), 0.5, -1));
    Value y = x;
    double d = 1;
    for (int i = 0; i < 50_000; i++) {
      y = y.add(x).multiply(0.9);
      d = 0.9 * (d + 1);
    }
    tape.backward(y, engine().tensor(F64, Shape.of(1, 2), 1, 2));
    Agreement.assertAgree("∂E/∂x", new double[] {d, 2 * d}, x.gradient().toDoubleArray(), new Tolerances(1e-11, 0));
  }

  /**
   * A NaN in one row of the input reaches that row's outputs, its input gradient and every weight's gradient, and no
   * other row; and the next pass over the same tensors, finite, gives what a fresh tape gives: nothing of the NaN is
   * left in the tensors the tape reuses.
   */
  @Test
  void aNaNPropagatesWhereItReachesAndNotIntoTheNextPass() {
    Tape tape = new Tape(engine(), F64);
    Parameter w = new Parameter("w", engine().tensor(F64, Shape.of(3, 2), uniform(Shape.of(3, 2), 5, -1, 1)),
        engine().zeros(F64, Shape.of(3, 2)));
    double[] finite = uniform(Shape.of(4, 3), 6, -1, 1);
    double[] withNaN = finite.clone();
    withNaN[4] = Double.NaN; // row 1
    Tensor targets = engine().tensor(F64, Shape.of(4, 2), 1, 0, 0, 1, 1, 0, 0.5, 0.5);
    List<double[]> first = nanCase(tape, w, withNaN, targets);
    double[] rows = first.get(0);
    double[] inputGradient = first.get(1);
    for (int i = 0; i < 12; i++) {
      assertEquals(i / 3 == 1, Double.isNaN(inputGradient[i]), "∂E/∂x[" + i + "] is NaN in the row of the NaN only");
    }
    for (int i = 0; i < 4; i++) {
      assertEquals(i == 1, Double.isNaN(rows[i]), "the row of the NaN only has a NaN loss, row " + i);
    }
    assertTrue(java.util.Arrays.stream(first.get(2)).allMatch(Double::isNaN), "every ∂E/∂w is NaN: "
        + java.util.Arrays.toString(first.get(2)));
    List<double[]> again = nanCase(tape, w, finite, targets);
    List<double[]> fresh = nanCase(new Tape(engine(), F64), w, finite, targets);
    for (int i = 0; i < fresh.size(); i++) {
      Agreement.assertAgree("the finite pass after the NaN, part " + i, fresh.get(i), again.get(i), EXACT);
    }
  }

  /** Each row's softmax cross-entropy of tanh(x·W) + x·W, ∂ΣE/∂x and ∂ΣE/∂W (the parameter's gradient zeroed). */
  private List<double[]> nanCase(Tape tape, Parameter w, double[] x, Tensor targets) {
    tape.reset();
    engine().kernels().fill(w.gradient(), 0);
    Value in = tape.variable(engine().tensor(F64, Shape.of(4, 3), x));
    Value z = in.matmul(tape.parameter(w));
    z = z.tanh().add(z);
    Value t = tape.constant(targets);
    Value shifted = z.subtract(z.max(1).detach());
    Value rows = t.multiply(shifted.subtract(shifted.exp().sum(1).log())).sum(1).negate();
    tape.backward(rows.sum());
    return List.of(rows.value().toDoubleArray(), in.gradient().toDoubleArray(), w.gradient().toDoubleArray());
  }
}
