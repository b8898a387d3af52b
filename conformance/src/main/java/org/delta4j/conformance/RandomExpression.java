package org.delta4j.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.delta4j.autodiff.ExpressionLayerSpec;
import org.delta4j.autodiff.Scope;
import org.delta4j.autodiff.Tape;
import org.delta4j.autodiff.TapeKinds;
import org.delta4j.autodiff.Value;
import org.delta4j.engine.Engine;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.Padding;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.spec.Window2D;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * A random expression over every {@link Value} operation, as a program: leaves of random shapes — axes of 1 and a
 * batch of 1 among them — and steps that each apply one operation to earlier steps, broadcasting rows, columns and
 * scalars both ways. It is drawn with the values in view, so that log and divide stay away from 0, exp from overflow,
 * and every value within ±{@value #BOUND}: round-off then bounds how far two correct implementations differ. It
 * evaluates on any tape, and {@code tape_agreement.py} evaluates it in PyTorch from {@link #json}.
 */
final class RandomExpression {
  static final double BOUND = 100;
  private static final DataType F64 = DataType.FLOAT64;
  /** Every operation the steps draw from. */
  static final List<String> OPERATIONS = List.of("add", "subtract", "multiply", "divide", "max", "affine",
      "matmul", "exp", "log", "tanh", "sigmoid", "relu", "sum", "mean", "maxAlong", "sumAll", "meanAll", "reshape",
      "flatten", "transpose", "slice", "concat", "detach", "conv2d", "addPerChannel", "maxPool", "avgPool", "softmax",
      "leakyRelu", "softmaxCrossEntropy");

  /**
   * One step: a leaf ({@code variable}, {@code constant} or {@code parameter}, of the shape {@code ints} — a parameter
   * of rank 1 the tape sees as a row — with the values {@code numbers}, a parameter's gradient starting at
   * {@code gradient}), or an operation on the earlier steps {@code operands} with its integer and real arguments.
   */
  record Step(String op, int[] operands, int[] ints, double[] numbers, double[] gradient) {
    boolean leaf() {
      return operands.length == 0;
    }
  }

  final List<Step> steps;
  /** The last step's shape. */
  final Shape output;

  private RandomExpression(List<Step> steps, Shape output) {
    this.steps = List.copyOf(steps);
    this.output = output;
  }

  /** Every step's value, each leaf made by {@code leaf} from its index; the last step is the expression's. */
  List<Value> evaluate(IntFunction<Value> leaf) {
    List<Value> values = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      values.add(steps.get(i).leaf() ? leaf.apply(i) : apply(steps.get(i), values));
    }
    return values;
  }

  /** Every step's value on {@code tape}, its leaves as the tape's variables, constants and parameters. */
  List<Value> evaluate(Tape tape, Engine e, List<Parameter> parameters) {
    return evaluate(i -> {
      Step s = steps.get(i);
      Tensor t = e.tensor(F64, Shape.of(s.ints()), s.numbers());
      return switch (s.op()) {
        case "variable" -> tape.variable(t);
        case "constant" -> tape.constant(t);
        default -> {
          Parameter p = new Parameter("leaf" + i, t, e.tensor(F64, t.shape(), s.gradient()));
          parameters.add(p);
          yield tape.parameter(p);
        }
      };
    });
  }

  private static Value apply(Step s, List<Value> values) {
    int[] o = s.operands();
    int[] n = s.ints();
    Value a = values.get(o[0]);
    Value b = o.length > 1 ? values.get(o[1]) : null;
    return switch (s.op()) {
      case "add" -> a.add(b);
      case "subtract" -> a.subtract(b);
      case "multiply" -> a.multiply(b);
      case "divide" -> a.divide(b);
      case "max" -> a.max(b);
      case "affine" -> a.affine(s.numbers()[0], s.numbers()[1]);
      case "matmul" -> a.matmul(b);
      case "exp" -> a.exp();
      case "log" -> a.log();
      case "tanh" -> a.tanh();
      case "sigmoid" -> a.sigmoid();
      case "relu" -> a.relu();
      case "sum" -> a.sum(n[0]);
      case "mean" -> a.mean(n[0]);
      case "maxAlong" -> a.max(n[0]);
      case "sumAll" -> a.sum();
      case "meanAll" -> a.mean();
      case "reshape" -> a.reshape(n);
      case "flatten" -> a.flatten();
      case "transpose" -> a.transpose();
      case "slice" -> a.slice(n[0], n[1], n[2]);
      case "concat" -> {
        Value[] parts = new Value[o.length];
        for (int i = 0; i < o.length; i++) {
          parts[i] = values.get(o[i]);
        }
        yield a.tape().concat(n[0], parts);
      }
      case "detach" -> a.detach();
      case "conv2d" -> a.conv2d(b, window(n));
      case "addPerChannel" -> a.addPerChannel(b);
      case "maxPool" -> a.maxPool(window(n));
      case "avgPool" -> a.avgPool(window(n));
      case "softmax" -> new TapeKinds.TapeActivation(ActivationFunction.SOFTMAX).forward(a, null);
      case "leakyRelu" -> new TapeKinds.TapeActivation(null, ActivationFunction.LEAKY_RELU, s.numbers()[0])
          .forward(a, null);
      case "softmaxCrossEntropy" -> new TapeKinds.TapeSoftmaxCrossEntropy().loss(a, b);
      default -> throw new IllegalArgumentException("no operation " + s.op());
    };
  }

  /** {kh, kw, sh, sw, dh, dw, padding: 0 valid, 1 same, 2 explicit, ph, pw} as a window. */
  private static Window2D window(int[] n) {
    Padding p = n[6] == 0 ? Padding.VALID : n[6] == 1 ? Padding.SAME : Padding.explicit(n[7], n[8]);
    return new Window2D(n[0], n[1], n[2], n[3], n[4], n[5], p);
  }

  /** Each step's value, and the seed of the backward pass that left their gradients. */
  private record Differentiated(List<Value> values, double[] seed) {}

  /**
   * The steps' values on {@code tape} (reset first), after a backward pass from the last step: ∂E/∂E = 1 half the
   * time when it is a scalar, else a random seed drawn from {@code seed}.
   */
  private Differentiated differentiate(Tape tape, Engine engine, long seed) {
    tape.reset();
    List<Value> values = evaluate(tape, engine, new ArrayList<>());
    Value root = values.get(values.size() - 1);
    SplitMix64 r = new SplitMix64(seed);
    double[] g = new double[root.shape().intSize()];
    if (root.shape().equals(Shape.of(1, 1)) && r.nextInt(2) == 0) {
      g[0] = 1;
      tape.backward(root); //                               the scalar's own backward, ∂E/∂E = 1
    } else {
      for (int i = 0; i < g.length; i++) {
        g[i] = 2 * r.nextDouble() - 1;
      }
      tape.backward(root, engine.tensor(F64, root.shape(), g));
    }
    return new Differentiated(values, g);
  }

  /** What {@code tape} computes for the expression: each step's value and, when it is tracked, its gradient. */
  List<double[]> computed(Tape tape, Engine engine, long seed) {
    List<double[]> out = new ArrayList<>();
    for (Value v : differentiate(tape, engine, seed).values()) {
      out.add(v.value().toDoubleArray());
      out.add(v.tracked() ? v.gradient().toDoubleArray() : new double[0]);
    }
    return out;
  }

  /**
   * The expression as JSON for {@code tape_agreement.py}: its steps, and what {@code engine} computes for it — each
   * step's value, whether it is tracked, and each tracked step's gradient after a backward pass from the last step
   * with a random seed (a parameter's: its gradient, which started at the step's {@code gradient}).
   */
  Map<String, Object> json(String name, Engine engine, long seed) {
    Differentiated d = differentiate(new Tape(engine, F64), engine, seed);
    List<Value> values = d.values();
    List<Map<String, Object>> steps = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Step s = this.steps.get(i);
      Value v = values.get(i);
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("op", s.op());
      step.put("operands", s.operands());
      step.put("ints", s.ints());
      step.put("numbers", s.numbers());
      step.put("gradient", s.gradient());
      step.put("shape", v.shape().dims());
      step.put("value", v.value().toDoubleArray());
      step.put("tracked", v.tracked());
      step.put("grad", v.tracked() ? v.gradient().toDoubleArray() : null);
      steps.add(step);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", "expression");
    json.put("name", name);
    json.put("steps", steps);
    json.put("seed", d.seed());
    return json;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      b.append(i).append(": ").append(s.op()).append(java.util.Arrays.toString(s.leaf() ? s.ints() : s.operands()));
      if (!s.leaf() && s.ints().length > 0) {
        b.append(java.util.Arrays.toString(s.ints()));
      }
      b.append(i + 1 < steps.size() ? "; " : "");
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- as a layer, for GradientChecker

  /**
   * The expression as a layer of batch 1, for {@link org.delta4j.gradcheck.GradientChecker#checkLayer}: its input is
   * the first leaf (a variable) flattened, its parameters the other tracked leaves (as {@code leaf<i>}), its constants
   * the constant leaves, and its output the last step flattened.
   */
  record AsLayer(String name, RandomExpression expression) implements ExpressionLayerSpec {
    @Override
    public Value forward(Value x, Scope s) {
      List<Step> steps = expression.steps;
      List<Value> values = expression.evaluate(i -> {
        Step step = steps.get(i);
        if (i == 0) {
          return x.reshape(step.ints());
        }
        return step.op().equals("constant") ? s.tape().constant(s.tape().engine().tensor(F64, Shape.of(step.ints()),
            step.numbers())) : s.parameter("leaf" + i);
      });
      Value y = values.get(values.size() - 1);
      return y.reshape(1, y.shape().intSize());
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      List<ParameterSpec> p = new ArrayList<>();
      for (int i = 1; i < expression.steps.size(); i++) {
        Step s = expression.steps.get(i);
        if (s.leaf() && !s.op().equals("constant")) {
          p.add(ParameterSpec.of("leaf" + i, Shape.of(s.ints()), Initializer.zeros()));
        }
      }
      return p;
    }

    /** The parameters at the leaves' values, with zero gradients. */
    Map<String, Parameter> parameters(Engine e) {
      Map<String, Parameter> p = new LinkedHashMap<>();
      for (ParameterSpec spec : parameters(input())) {
        Step s = expression.steps.get(Integer.parseInt(spec.role().substring(4)));
        p.put(spec.role(), new Parameter(spec.role(), e.tensor(F64, spec.shape(), s.numbers()),
            e.zeros(F64, spec.shape())));
      }
      return p;
    }

    /** The first leaf's shape, flattened. */
    Shape input() {
      return Shape.of(Shape.of(expression.steps.get(0).ints()).intSize());
    }

    @Override
    public Shape outputShape(Shape input) {
      return Shape.of(expression.output.intSize());
    }

    @Override
    public String type() {
      return "random_expression";
    }

    @Override
    public AsLayer withName(String name) {
      return new AsLayer(name, expression);
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  // ---------------------------------------------------------------- drawing

  /**
   * An expression of 3 to 14 operations drawn from {@code seed}, its first leaf a variable; with {@code detach}, stop
   * gradients among them (which finite differences do not see, so a gradient check leaves them out).
   */
  static RandomExpression draw(long seed, Engine engine, boolean detach) {
    Drawing d = new Drawing(new SplitMix64(seed), engine, detach);
    return d.draw();
  }

  /** The state of one drawing: the steps so far and their values on a scratch tape. */
  private static final class Drawing {
    private final SplitMix64 r;
    private final Engine e;
    private final boolean detach;
    private final Tape tape;
    private final List<Step> steps = new ArrayList<>();
    private final List<Value> values = new ArrayList<>();

    Drawing(SplitMix64 r, Engine e, boolean detach) {
      this.r = r;
      this.e = e;
      this.detach = detach;
      this.tape = new Tape(e, F64);
    }

    RandomExpression draw() {
      leaf("variable", r.nextInt(4) == 0 ? image() : matrix(), -2, 2);
      int operations = 3 + r.nextInt(12);
      for (int done = 0; done < operations; ) {
        int mark = steps.size();
        String op = OPERATIONS.get(r.nextInt(OPERATIONS.size()));
        try {
          if (operation(op)) {
            done++;
            continue;
          }
        } catch (IllegalArgumentException misfit) { // a window that does not fit the image drawn: another draw
          if (!List.of("conv2d", "maxPool", "avgPool").contains(op)) {
            throw new IllegalStateException("drawing " + op + " after " + new RandomExpression(steps, null), misfit);
          }
        }
        steps.subList(mark, steps.size()).clear();
        values.subList(mark, values.size()).clear();
      }
      if (!values.get(values.size() - 1).tracked()) { // computed from constants only: nothing to differentiate
        int last = steps.size() - 1;
        add("add", new int[] {last, leaf("variable", values.get(last).shape(), -1, 1)}, new int[0], new double[0]);
      }
      return new RandomExpression(steps, values.get(values.size() - 1).shape());
    }

    /** Within ±BOUND and finite. */
    private static boolean fits(Value v) {
      for (double x : v.value().toDoubleArray()) {
        if (!(Math.abs(x) <= BOUND)) {
          return false;
        }
      }
      return true;
    }

    /** Adds the operation's steps (and the leaves it needs), or returns false when it does not apply to the draw. */
    private boolean operation(String op) {
      int a = pick();
      Shape s = values.get(a).shape();
      boolean matrix = s.rank() == 2;
      switch (op) {
        case "add", "subtract", "multiply", "max" -> {
          int b = r.nextInt(10) == 0 ? a : partner(s, false);
          return add(op, r.nextInt(2) == 0 ? new int[] {a, b} : new int[] {b, a}, new int[0], new double[0]);
        }
        case "divide" -> { //                       a denominator at least 0.3 from 0
          return add(op, new int[] {a, partner(s, true)}, new int[0], new double[0]);
        }
        case "affine" -> {
          double scale = r.nextInt(5) == 0 ? 1 : 4 * r.nextDouble() - 2; // 1: its gradient passed as it is
          return add(op, new int[] {a}, new int[0], new double[] {scale, r.nextInt(3) == 0 ? 0 : 2 * r.nextDouble() - 1});
        }
        case "matmul" -> {
          if (!matrix) {
            return false;
          }
          if (r.nextInt(4) == 0) { //                  a matrix on the left
            int b = leaf(kind(), Shape.of(dim(), s.dim(0)), -1, 1);
            return add(op, new int[] {b, a}, new int[0], new double[0]);
          }
          int b = r.nextInt(8) == 0 && s.dim(0) == s.dim(1) ? a : find(Shape.of(s.dim(1), dim()), -1);
          return add(op, new int[] {a, b}, new int[0], new double[0]);
        }
        case "exp" -> {
          if (max(a) > 3) {
            add("tanh", new int[] {a}, new int[0], new double[0]);
            a = steps.size() - 1;
          }
          return add(op, new int[] {a}, new int[0], new double[0]);
        }
        case "log" -> { //                           of sigmoid + 0.5 where a comes near 0 or below
          if (min(a) < 0.3) {
            add("sigmoid", new int[] {a}, new int[0], new double[0]);
            add("affine", new int[] {steps.size() - 1}, new int[0], new double[] {1, 0.5});
            a = steps.size() - 1;
          }
          return add(op, new int[] {a}, new int[0], new double[0]);
        }
        case "tanh", "sigmoid", "relu", "flatten" -> {
          return (s.rank() >= 2 || !op.equals("flatten")) && add(op, new int[] {a}, new int[0], new double[0]);
        }
        case "detach" -> {
          return detach && add(op, new int[] {a}, new int[0], new double[0]);
        }
        case "sum", "mean", "maxAlong" -> {
          return matrix && add(op, new int[] {a}, new int[] {r.nextInt(2)}, new double[0]);
        }
        case "sumAll", "meanAll", "transpose", "softmax" -> {
          return matrix && add(op, new int[] {a}, new int[0], new double[0]);
        }
        case "reshape" -> {
          int size = s.intSize();
          List<Integer> divisors = new ArrayList<>();
          for (int k = 1; k <= size; k++) {
            if (size % k == 0) {
              divisors.add(k);
            }
          }
          int rows = divisors.get(r.nextInt(divisors.size()));
          int[] dims = r.nextInt(4) == 0 ? new int[] {rows, 1, 1, size / rows} : new int[] {rows, size / rows};
          return add(op, new int[] {a}, dims, new double[0]);
        }
        case "slice" -> {
          if (!matrix) {
            return false;
          }
          int axis = r.nextInt(2);
          int from = r.nextInt(s.dim(axis));
          int to = from + 1 + r.nextInt(s.dim(axis) - from);
          return add(op, new int[] {a}, new int[] {axis, from, to}, new double[0]);
        }
        case "concat" -> {
          if (!matrix) {
            return false;
          }
          int axis = r.nextInt(2);
          int[] parts = new int[2 + r.nextInt(2)];
          for (int i = 0; i < parts.length; i++) {
            int[] d = s.dims();
            d[axis] = dim();
            parts[i] = i == 0 || r.nextInt(5) == 0 ? a : find(Shape.of(d), -1);
          }
          return add(op, parts, new int[] {axis}, new double[0]);
        }
        case "conv2d" -> {
          a = asImage(a);
          Shape x = values.get(a).shape();
          int[] w = window(true);
          int kernels = leaf(kind(), Shape.of(1 + r.nextInt(3), x.dim(1), w[0], w[1]), -1, 1);
          return add(op, new int[] {a, kernels}, w, new double[0]);
        }
        case "addPerChannel" -> {
          int channels = s.dim(s.rank() == 1 ? 0 : 1);
          Shape b = r.nextInt(2) == 0 ? Shape.of(channels) : Shape.of(1, channels);
          return s.rank() >= 2 && add(op, new int[] {a, leaf(b.rank() == 1 ? "parameter" : kind(), b, -1, 1)},
              new int[0], new double[0]);
        }
        case "maxPool", "avgPool" -> {
          a = asImage(a);
          return add(op, new int[] {a}, window(op.equals("maxPool")), new double[0]);
        }
        case "leakyRelu" -> {
          return add(op, new int[] {a}, new int[0], new double[] {0.5 * r.nextDouble()});
        }
        case "softmaxCrossEntropy" -> {
          return matrix && add(op, new int[] {a, leaf("constant", s, 0, 1)}, new int[0], new double[0]);
        }
        default -> throw new IllegalArgumentException("no operation " + op);
      }
    }

    /** Appends the operation and its value; false when its value is not within bounds (the draw is then undone). */
    private boolean add(String op, int[] operands, int[] ints, double[] numbers) {
      Step s = new Step(op, operands, ints, numbers, null);
      values.add(apply(s, values));
      steps.add(s);
      return fits(values.get(values.size() - 1));
    }

    /** A leaf of this shape with values uniform in [lo, hi); its index. */
    private int leaf(String kind, Shape s, double lo, double hi) {
      double[] v = new double[s.intSize()];
      for (int i = 0; i < v.length; i++) {
        v[i] = lo + (hi - lo) * r.nextDouble();
      }
      return leaf(kind, s, v);
    }

    private int leaf(String kind, Shape s, double[] v) {
      Shape shape = kind.equals("parameter") && s.rank() == 2 && s.dim(0) == 1 && r.nextInt(2) == 0
          ? Shape.of(s.dim(1)) : s; //             a parameter of rank 1, which the tape makes a row
      double[] gradient = null;
      Tensor t = e.tensor(F64, shape, v);
      Value value;
      switch (kind) {
        case "variable" -> value = tape.variable(t);
        case "constant" -> value = tape.constant(t);
        default -> {
          gradient = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            gradient[i] = r.nextInt(2) == 0 ? 0 : 2 * r.nextDouble() - 1; // what earlier passes added
          }
          value = tape.parameter(new Parameter("leaf" + steps.size(), t, e.tensor(F64, shape, gradient)));
        }
      }
      steps.add(new Step(kind, new int[0], shape.dims(), v, gradient));
      values.add(value);
      return steps.size() - 1;
    }

    /** A variable most often, else a constant or a parameter. */
    private String kind() {
      int k = r.nextInt(5);
      return k < 3 ? "variable" : k == 3 ? "constant" : "parameter";
    }

    /** A later step more often than an earlier one. */
    private int pick() {
      int n = steps.size();
      return r.nextInt(3) == 0 ? r.nextInt(n) : n - 1 - r.nextInt(Math.min(n, 3));
    }

    /**
     * The other operand of an element-wise operation on a value of shape s: for a matrix [m, n] one of [m, n],
     * [1, n], [m, 1] or [1, 1], or a larger one that s is broadcast to along its axes of 1; an earlier step of that
     * shape, or a new leaf. A denominator is at least 0.3 from 0.
     */
    private int partner(Shape s, boolean denominator) {
      Shape b = s;
      if (s.rank() == 2) {
        int m = s.dim(0);
        int n = s.dim(1);
        b = switch (r.nextInt(5)) {
          case 0 -> Shape.of(1, n);
          case 1 -> Shape.of(m, 1);
          case 2 -> Shape.of(1, 1);
          case 3 -> Shape.of(m == 1 ? dim() : m, n == 1 ? dim() : n);
          default -> s;
        };
      }
      if (!denominator) {
        return find(b, -1);
      }
      int found = find(b, 0.3);
      if (found >= 0) {
        return found;
      }
      double[] v = new double[b.intSize()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (r.nextInt(2) == 0 ? -1 : 1) * (0.5 + r.nextDouble());
      }
      return leaf(kind(), b, v);
    }

    /**
     * An earlier step of shape s, at least {@code away} from 0 everywhere when that is not negative, half the time
     * when there is one; else a new leaf in [−1, 1) (or −1 when a denominator is wanted and none fits).
     */
    private int find(Shape s, double away) {
      List<Integer> fit = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        if (values.get(i).shape().equals(s) && (away < 0 || minAbs(i) >= away)) {
          fit.add(i);
        }
      }
      if (!fit.isEmpty() && r.nextInt(2) == 0) {
        return fit.get(r.nextInt(fit.size()));
      }
      return away >= 0 ? -1 : leaf(kind(), s, -1, 1);
    }

    /** The step as images [N, C, H, W]: itself, a matrix [N, n] as [N, 1, 1, n], else a new image variable. */
    private int asImage(int a) {
      Shape s = values.get(a).shape();
      if (s.rank() == 4) {
        return a;
      }
      if (s.rank() == 2 && r.nextInt(2) == 0) {
        add("reshape", new int[] {a}, new int[] {s.dim(0), 1, 1, s.dim(1)}, new double[0]);
        return steps.size() - 1;
      }
      return leaf("variable", image(), -2, 2);
    }

    /** {kh, kw, sh, sw, dh, dw, padding, ph, pw}: dilated only when {@code dilation}. */
    private int[] window(boolean dilation) {
      int kh = 1 + r.nextInt(3);
      int kw = 1 + r.nextInt(3);
      int mode = r.nextInt(3);
      return new int[] {kh, kw, 1 + r.nextInt(2), 1 + r.nextInt(2), dilation ? 1 + r.nextInt(2) : 1,
          dilation ? 1 + r.nextInt(2) : 1, mode, mode == 2 ? r.nextInt(2) : 0, mode == 2 ? r.nextInt(2) : 0};
    }

    private double max(int i) {
      return java.util.Arrays.stream(values.get(i).value().toDoubleArray()).max().orElse(0);
    }

    private double min(int i) {
      return java.util.Arrays.stream(values.get(i).value().toDoubleArray()).min().orElse(0);
    }

    private double minAbs(int i) {
      return java.util.Arrays.stream(values.get(i).value().toDoubleArray()).map(Math::abs).min().orElse(0);
    }

    /** 1 a third of the time, else 1 to 4. */
    private int dim() {
      return r.nextInt(3) == 0 ? 1 : 1 + r.nextInt(4);
    }

    private Shape matrix() {
      return Shape.of(r.nextInt(3) == 0 ? 1 : dim(), dim());
    }

    private Shape image() {
      return Shape.of(1 + r.nextInt(2), 1 + r.nextInt(3), 1 + r.nextInt(5), 1 + r.nextInt(5));
    }
  }
}
