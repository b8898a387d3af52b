package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
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
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every public method of an engine's {@link Kernels}, primitive and fused, and of the {@link Convolution} it makes,
 * holds the contract of {@link Kernels}: called with valid arguments but one replaced — by null, by a tensor with a
 * dimension one more or one less, one axis more or fewer, of the other data type or of another engine, by another of
 * its tensors or a reshape of one (an output aliasing an input), or by a hostile number (an axis out of range, a
 * negative count, an index array too short, a window or geometry that does not fit, NaN or ±∞) — it refuses the argument with a message of its own ({@link HostileCalls#judge}) naming the kernel,
 * or returns where the method allows the value: a null it documents as optional, a broadcast shape, an aliasing it
 * documents, which must then give the result of the same call on a copy. An engine module runs it by extending this
 * class.
 */
public abstract class KernelArgumentsConformance {
  /** The engine under test. */
  protected abstract Engine engine();

  /** Another engine, whose tensors the kernels must refuse: a new reference engine, another instance for its own. */
  protected Engine otherEngine() {
    return new RefEngine();
  }

  private static final DataType TYPE = DataType.FLOAT32;
  private static final ConvGeometry GEOMETRY = new ConvGeometry(2, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4, 4);

  /**
   * One call of a kernel: its name (a method of {@link Kernels}, or of {@link Convolution} when it has a receiver),
   * its valid arguments built afresh on an engine, which of them it writes, which may be null, and which pairs may be
   * one tensor ("i=j").
   */
  private record Call(String name, int arity, Function<Engine, Object[]> arguments, Set<Integer> outputs,
      Set<Integer> nullable, Set<String> aliases, Set<String> accepted) {}

  private static Call call(String name, int arity, Function<Engine, Object[]> arguments, int[] outputs) {
    Set<Integer> out = new TreeSet<>();
    Arrays.stream(outputs).forEach(out::add);
    return new Call(name, arity, arguments, out, Set.of(), Set.of(), Set.of());
  }

  private static Call nullable(Call c, Integer... indices) {
    return new Call(c.name, c.arity, c.arguments, c.outputs, Set.of(indices), c.aliases, c.accepted);
  }

  private static Call aliases(Call c, String... pairs) {
    return new Call(c.name, c.arity, c.arguments, c.outputs, c.nullable, Set.of(pairs), c.accepted);
  }

  /**
   * Replacements the method takes by its contract: "i:[shape]" a tensor of that shape as argument i (a broadcast, a
   * row count a reduction does not fix), "i:size" any shape of as many elements (a vector of any rank), "i:larger" any
   * shape of at least as many (a window's tensor), "i:any" any shape or type (a tensor filled or scaled alone).
   */
  private static Call accepted(Call c, String... replacements) {
    return new Call(c.name, c.arity, c.arguments, c.outputs, c.nullable, c.aliases, Set.of(replacements));
  }

  private static int[] out(int... indices) {
    return indices;
  }

  private static Tensor t(Engine e, int... dims) {
    Shape s = Shape.of(dims);
    double[] values = new double[(int) s.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = 0.2 + 0.6 * ((i * 7 + dims.length) % 11) / 11.0; // in (0, 1): a probability for the losses
    }
    return e.tensor(TYPE, s, values);
  }

  private static Object[] args(Object... a) {
    return a;
  }

  /** The kernels' calls, each with valid arguments: matrices [2, 3] and images [2, 2, 4, 4] (C = 2). */
  private static List<Call> calls() {
    List<Call> calls = new ArrayList<>();
    calls.add(call("gemm", 7, e -> args(t(e, 2, 3), false, t(e, 3, 4), false, 1.0, 0.0, t(e, 2, 4)), out(6)));
    calls.add(call("gemm", 7, e -> args(t(e, 3, 2), true, t(e, 4, 3), true, 1.0, 0.5, t(e, 2, 4)), out(6)));
    calls.add(aliases(call("unary", 3, e -> args(UnaryOp.EXP, t(e, 2, 3), t(e, 2, 3)), out(2)), "2=1"));
    calls.add(aliases(call("affine", 4, e -> args(t(e, 2, 3), 2.0, 1.0, t(e, 2, 3)), out(3)), "3=0"));
    calls.add(aliases(accepted(call("binary", 4, e -> args(BinaryOp.SUBTRACT, t(e, 2, 3), t(e, 2, 3), t(e, 2, 3)),
        out(3)), "2:[1, 3]", "2:[2, 1]"), "3=1", "3=2", "2=1"));
    calls.add(aliases(call("select", 4, e -> args(t(e, 2, 3), t(e, 2, 3), t(e, 2, 3), t(e, 2, 3)), out(3)),
        "3=0", "3=1", "3=2", "1=0", "2=0", "2=1"));
    calls.add(accepted(call("reduce", 4, e -> args(ReduceOp.MAX, t(e, 2, 3), 0, t(e, 1, 3)), out(3)), "1:[3, 3]",
        "1:[1, 3]"));
    calls.add(accepted(call("reduce", 4, e -> args(ReduceOp.SUM, t(e, 2, 3), 1, t(e, 2, 1)), out(3)), "1:[2, 4]",
        "1:[2, 2]"));
    calls.add(accepted(call("copyWindow", 4, e -> args(t(e, 2, 3), new Window(0, 3, 2, 1, 3), t(e, 3, 2),
        Window.dense(0, 3, 2)), out(2)), "0:larger", "2:larger"));
    calls.add(accepted(call("fill", 2, e -> args(t(e, 2, 3), 1.5), out(0)), "0:any"));
    calls.add(accepted(call("argmaxRows", 2, e -> args(t(e, 2, 3), new int[2]), out(1)), "0:[1, 3]", "0:[2, 4]",
        "0:[2, 2]", "0:any type"));
    calls.add(accepted(call("addRowVector", 2, e -> args(t(e, 2, 3), t(e, 1, 3)), out(0)), "0:[3, 3]", "0:[1, 3]",
        "1:size"));
    calls.add(accepted(nullable(call("linear", 4, e -> args(t(e, 2, 3), t(e, 3, 4), t(e, 4), t(e, 2, 4)), out(3)), 2),
        "2:size"));
    calls.add(accepted(call("sumRows", 3, e -> args(t(e, 2, 3), 0.5, t(e, 1, 3)), out(2)), "0:[3, 3]", "0:[1, 3]",
        "2:size"));
    for (ActivationFunction f : ActivationFunction.values()) {
      calls.add(aliases(call("activation", 4, e -> args(f, 0.1, t(e, 2, 3), t(e, 2, 3)), out(3)), "3=2"));
      calls.add(aliases(call("activationBackward", 6, e -> args(f, 0.1, t(e, 2, 3), t(e, 2, 3), t(e, 2, 3),
          t(e, 2, 3)), out(5)), "5=2", "5=3", "5=4"));
    }
    for (LossFunction f : LossFunction.values()) {
      calls.add(aliases(nullable(call("loss", 4, e -> args(f, t(e, 2, 3), t(e, 2, 3), t(e, 2, 3)), out(3)), 3),
          "2=1"));
    }
    calls.add(aliases(call("multiply", 3, e -> args(t(e, 2, 3), t(e, 2, 3), t(e, 2, 3)), out(2)), "2=0", "2=1",
        "1=0"));
    calls.add(aliases(call("axpy", 3, e -> args(0.5, t(e, 2, 3), t(e, 2, 3)), out(2)), "2=1"));
    calls.add(accepted(call("scale", 2, e -> args(t(e, 2, 3), 0.5), out(0)), "0:any"));
    calls.add(call("copy", 2, e -> args(t(e, 2, 3), t(e, 2, 3)), out(1)));
    calls.add(call("momentumUpdate", 6, e -> args(t(e, 2, 3), t(e, 2, 3), t(e, 2, 3), 0.1, 0.9, true), out(0, 2)));
    calls.add(call("adaGradUpdate", 5, e -> args(t(e, 2, 3), t(e, 2, 3), t(e, 2, 3), 0.1, 1e-8), out(0, 2)));
    calls.add(call("rmsPropUpdate", 6, e -> args(t(e, 2, 3), t(e, 2, 3), t(e, 2, 3), 0.1, 0.9, 1e-8), out(0, 2)));
    calls.add(call("adamUpdate", 10, e -> args(t(e, 2, 3), t(e, 2, 3), t(e, 2, 3), t(e, 2, 3), 0.1, 0.9, 0.999,
        1e-8, 0.1, 0.001), out(0, 2, 3)));
    calls.add(call("im2col", 3, e -> args(t(e, 2, 2, 4, 4), GEOMETRY, t(e, 18, 32)), out(2)));
    calls.add(call("col2im", 3, e -> args(t(e, 18, 32), GEOMETRY, t(e, 2, 2, 4, 4)), out(2)));
    calls.add(call("swapLeadingAxes", 2, e -> args(t(e, 2, 3, 4), t(e, 3, 2, 4)), out(1)));
    calls.add(call("maxPool", 3, e -> args(t(e, 2, 2, 4, 4), GEOMETRY, t(e, 2, 2, 4, 4)), out(2)));
    calls.add(call("maxPoolBackward", 4, e -> args(t(e, 2, 2, 4, 4), t(e, 2, 2, 4, 4), GEOMETRY, t(e, 2, 2, 4, 4)),
        out(3)));
    calls.add(call("avgPool", 3, e -> args(t(e, 2, 2, 4, 4), GEOMETRY, t(e, 2, 2, 4, 4)), out(2)));
    calls.add(call("avgPoolBackward", 3, e -> args(t(e, 2, 2, 4, 4), GEOMETRY, t(e, 2, 2, 4, 4)), out(2)));
    calls.add(aliases(nullable(call("channelAffine", 4, e -> args(t(e, 2, 2, 4, 4), t(e, 2), t(e, 2),
        t(e, 2, 2, 4, 4)), out(3)), 1, 2), "3=0"));
    calls.add(aliases(nullable(call("channelAffine", 5, e -> args(t(e, 2, 2, 4, 4), t(e, 2), t(e, 2), t(e, 2),
        t(e, 2, 2, 4, 4)), out(4)), 1, 2, 3), "4=0"));
    calls.add(aliases(nullable(call("channelAffineRelu", 5, e -> args(t(e, 2, 2, 4, 4), t(e, 2), t(e, 2), t(e, 2),
        t(e, 2, 2, 4, 4)), out(4)), 1), "4=0"));
    calls.add(accepted(call("convolution", 2, e -> args(GEOMETRY, 3), out()), "0:geometry"));
    calls.add(call("channelCombine", 7, e -> args(t(e, 2, 2, 4, 4), t(e, 2), t(e, 2, 2, 4, 4), t(e, 2), t(e, 2),
        t(e, 2, 2, 4, 4), t(e, 2, 2, 4, 4)), out(5, 6)));
    calls.add(nullable(call("channelCombine", 9, e -> args(t(e, 2, 2, 4, 4), t(e, 2), t(e, 2, 2, 4, 4), t(e, 2),
        t(e, 2), t(e, 2), new ReluGate(t(e, 2), t(e, 2), t(e, 2)), t(e, 2, 2, 4, 4), t(e, 2, 2, 4, 4)), out(7, 8)),
        3, 6));
    calls.add(call("channelSumsAndProducts", 4, e -> args(t(e, 2, 2, 4, 4), t(e, 2, 2, 4, 4), t(e, 2), t(e, 2)),
        out(2, 3)));
    calls.add(nullable(call("channelSumsAndProducts", 7, e -> args(t(e, 2, 2, 4, 4), t(e, 2, 2, 4, 4), t(e, 2),
        new ReluGate(t(e, 2), t(e, 2), t(e, 2)), t(e, 2), t(e, 2), t(e, 2, 2, 4, 4)), out(4, 5, 6)), 2, 3));
    calls.add(aliases(call("channelShiftAndSquares", 4, e -> args(t(e, 2, 2, 4, 4), t(e, 2), t(e, 2, 2, 4, 4),
        t(e, 2)), out(2, 3)), "2=0"));
    calls.add(call("channelMoments", 4, e -> args(t(e, 2, 2, 4, 4), t(e, 2), t(e, 2), t(e, 2, 2, 4, 4)),
        out(1, 2, 3)));
    calls.add(nullable(call("channelSums", 4, e -> args(t(e, 2, 2, 4, 4), t(e, 2, 2, 4, 4), 0.5, t(e, 2)), out(3)),
        1));
    calls.add(call("Convolution.forward", 4, e -> args(t(e, 2, 2, 4, 4), t(e, 3, 18), t(e, 2, 3, 4, 4), true),
        out(2)));
    calls.add(nullable(call("Convolution.backward", 5, e -> args(t(e, 2, 3, 4, 4), t(e, 3, 18), 0.5, t(e, 3, 18),
        t(e, 2, 2, 4, 4)), out(3, 4)), 3, 4));
    return calls;
  }

  @Test
  void everyKernelMethodIsCalled() {
    Set<String> called = new TreeSet<>();
    calls().forEach(c -> called.add(c.name + "/" + c.arity));
    List<String> missing = new ArrayList<>();
    for (Class<?> type : List.of(Kernels.class, Convolution.class)) {
      for (Method m : type.getMethods()) {
        if (!Modifier.isStatic(m.getModifiers())) {
          String name = (type == Kernels.class ? "" : type.getSimpleName() + ".") + m.getName();
          if (!called.contains(name + "/" + m.getParameterCount())) {
            missing.add(name + Arrays.toString(m.getParameterTypes()));
          }
        }
      }
    }
    assertTrue(missing.isEmpty(), "kernels not swept: " + missing);
  }

  @Test
  void everyKernelRefusesAHostileArgumentByName() {
    List<String> problems = new ArrayList<>();
    for (Call c : calls()) {
      Object[] valid = c.arguments.apply(engine());
      Throwable thrown = run(c, valid);
      if (thrown != null) {
        problems.add(c.name + " refuses valid arguments: " + thrown);
        continue;
      }
      for (int i = 0; i < valid.length; i++) {
        for (Hostile h : hostile(c, i)) {
          Object[] a = c.arguments.apply(engine());
          a[i] = h.value.apply(a);
          String verdict = verdict(c, i, h, a);
          if (verdict != null) {
            problems.add(c.name + Arrays.toString(Arrays.stream(valid).map(KernelArgumentsConformance::show)
                .toArray()) + " with argument " + i + " = " + h.label + ": " + verdict);
          }
        }
      }
    }
    assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
  }

  /**
   * The value types a layer hands its kernels — a geometry, a window, a gate, the operations — refuse a hostile
   * argument by name too. ({@link org.delta4j.engine.ColumnConvolution}, the default convolution, is swept above
   * through the primitive-only engine.)
   */
  @Test
  void theKernelsValueTypesRefuseAHostileArgumentByName() {
    Engine e = engine();
    HostileCalls calls = new HostileCalls().own(e.getClass())
        .valid(Tensor.class, () -> t(e, 2), () -> t(e, 2, 2, 4, 4), () -> t(e, 3, 18), () -> t(e, 2, 3, 4, 4),
            () -> t(e, 18, 32))
        .hostile(Tensor.class, () -> t(e, 3), () -> e.zeros(DataType.FLOAT64, Shape.of(2)),
            () -> otherEngine().zeros(TYPE, Shape.of(2)))
        .valid(ConvGeometry.class, () -> GEOMETRY)
        .valid(int.class, () -> 1, () -> 0, () -> 3, () -> 2)
        .valid(long.class, () -> 0L, () -> 1L)
        .receivers(ConvGeometry.class, () -> GEOMETRY)
        .receivers(Window.class, () -> Window.dense(0, 2, 3))
        .receivers(ReluGate.class, () -> new ReluGate(t(e, 2), t(e, 2), t(e, 2)))
        .sweep(ConvGeometry.class, Window.class, ReluGate.class, UnaryOp.class, BinaryOp.class, ReduceOp.class);
    assertTrue(calls.problems().isEmpty() && calls.uncovered().isEmpty(), calls.problems().size() + " of "
        + calls.calls() + " calls failed badly:\n" + String.join("\n", calls.problems()) + "\nnot called: "
        + calls.uncovered());
  }

  /** One replacement of an argument, built from the call's other (valid) arguments. */
  private record Hostile(String label, Function<Object[], Object> value, String alias, boolean acceptable) {}

  private List<Hostile> hostile(Call c, int i) {
    Object[] valid = c.arguments.apply(engine());
    Object v = valid[i];
    List<Hostile> out = new ArrayList<>();
    if (!(v instanceof Boolean) && !(v instanceof Number)) {
      out.add(new Hostile("null", a -> null, null, c.nullable.contains(i)));
    }
    if (v instanceof Tensor t) {
      int[] dims = t.shape().dims();
      List<int[]> shapes = new ArrayList<>();
      for (int d = 0; d < dims.length; d++) {
        for (int delta : new int[] {1, -1}) {
          int[] s = dims.clone();
          s[d] += delta;
          if (s[d] >= 1) {
            shapes.add(s);
          }
        }
      }
      int[] more = Arrays.copyOf(dims, dims.length + 1);
      more[dims.length] = 1;
      shapes.add(more);
      if (dims.length > 1) {
        int[] fewer = Arrays.copyOf(dims, dims.length - 1);
        fewer[dims.length - 2] *= dims[dims.length - 1];
        shapes.add(fewer);
      }
      boolean perChannel = c.name.startsWith("channel") && dims.length == 1; // "of C elements": any shape
      for (int[] s : shapes) {
        Shape shape = Shape.of(s);
        boolean takes = c.accepted.contains(i + ":" + shape) || c.accepted.contains(i + ":any")
            || (c.accepted.contains(i + ":size") || perChannel) && shape.size() == t.size()
            || c.accepted.contains(i + ":larger") && shape.size() >= t.size();
        out.add(new Hostile("a tensor " + shape, a -> t(engine(), s), null, takes));
      }
      out.add(new Hostile("a " + DataType.FLOAT64 + " tensor",
          a -> engine().tensor(DataType.FLOAT64, t.shape(), t.toDoubleArray()), null,
          c.accepted.contains(i + ":any") || c.accepted.contains(i + ":any type")));
      out.add(new Hostile("a tensor of another engine",
          a -> otherEngine().tensor(TYPE, t.shape(), t.toDoubleArray()), null, false));
      for (int j = 0; j < valid.length; j++) {
        if (j != i && valid[j] instanceof Tensor u && u.size() == t.size()
            && (c.outputs.contains(i) || c.outputs.contains(j))) {
          int k = j;
          boolean allowed = c.aliases.contains(i + "=" + j) || c.aliases.contains(j + "=" + i);
          out.add(new Hostile("argument " + j, a -> a[k], i + "=" + j, allowed));
          if (!u.shape().equals(t.shape())) {
            out.add(new Hostile("argument " + j + " reshaped", a -> ((Tensor) a[k]).reshape(t.shape()), i + "=" + j,
                allowed));
          }
        }
      }
      if (v instanceof Tensor && i == 0 && c.name.startsWith("channel")) {
        out.add(new Hostile("a tensor [2, 3]", a -> t(engine(), 2, 3), null, false));
      }
    } else if (v instanceof Double) {
      // a rate, a slope, a scale: arithmetic takes NaN and ±∞ as IEEE 754 does, so returning is allowed; a kernel
      // must still not fail from inside on one
      for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
        out.add(new Hostile(Double.toString(d), a -> d, null, true));
      }
    } else if (v instanceof Integer n) {
      int[] bad = c.name.equals("reduce") ? new int[] {-1, 2, Integer.MIN_VALUE, Integer.MAX_VALUE}
          : new int[] {0, -1, Integer.MIN_VALUE};
      for (int b : bad) {
        out.add(new Hostile(Integer.toString(b), a -> b, null, false));
      }
    } else if (v instanceof int[] array) {
      out.add(new Hostile("int[" + (array.length - 1) + "]", a -> new int[array.length - 1], null, false));
      out.add(new Hostile("int[0]", a -> new int[0], null, false));
    } else if (v instanceof Window w) {
      out.add(new Hostile("a window one row longer", a -> new Window(w.offset(), w.rows() + 1, w.columns(),
          w.rowStride(), w.columnStride()), null, false));
      out.add(new Hostile("a window past the end", a -> new Window(w.offset() + 1, w.rows(), w.columns(),
          w.rowStride(), w.columnStride()), null, false));
      out.add(new Hostile("a window repeating elements", a -> new Window(w.offset(), w.rows(), w.columns(), 0,
          w.columnStride()), null, i == 1));
    } else if (v instanceof ConvGeometry g) {
      out.add(new Hostile("a geometry of 3 channels", a -> new ConvGeometry(3, g.height(), g.width(),
          g.kernelHeight(), g.kernelWidth(), g.strideHeight(), g.strideWidth(), g.dilationHeight(),
          g.dilationWidth(), g.padTop(), g.padLeft(), g.outputHeight(), g.outputWidth()), null,
          c.accepted.contains(i + ":geometry")));
      out.add(new Hostile("a geometry of 5 rows", a -> new ConvGeometry(g.channels(), 5, g.width(),
          g.kernelHeight(), g.kernelWidth(), g.strideHeight(), g.strideWidth(), g.dilationHeight(),
          g.dilationWidth(), g.padTop(), g.padLeft(), g.outputHeight(), g.outputWidth()), null,
          c.accepted.contains(i + ":geometry")));
    } else if (v instanceof ReluGate gate) {
      out.add(new Hostile("a gate of 3 channels", a -> new ReluGate(t(engine(), 3), t(engine(), 3)), null, false));
      out.add(new Hostile("a gate of another engine", a -> new ReluGate(
          otherEngine().tensor(TYPE, gate.scale().shape(), gate.scale().toDoubleArray()),
          otherEngine().tensor(TYPE, gate.shift().shape(), gate.shift().toDoubleArray())), null, false));
    }
    return out;
  }

  /** Null when the call with the hostile argument is answered as the contract asks, else what is wrong. */
  private String verdict(Call c, int i, Hostile h, Object[] a) {
    Throwable thrown = run(c, a);
    if (thrown != null) {
      String wrong = HostileCalls.judge(thrown, engine().getClass().getPackageName());
      if (wrong != null) {
        return wrong;
      }
      // a convolution's passes are named by the convolution; a gate's vectors by the gate
      String kernel = c.name.startsWith("Convolution.") ? "convolution" : c.name;
      String message = String.valueOf(thrown.getMessage());
      return message.startsWith(kernel) || message.startsWith("ReluGate")
          || kernel.equals("scale") && message.startsWith("affine") // scale's default is affine in place, so documented
          ? null : "refuses it without naming " + kernel + " first: " + thrown;
    }
    if (!h.acceptable) {
      return "returns without a word";
    }
    if (h.alias == null) {
      return null;
    }
    // an allowed aliasing computes what the same call on a copy does
    int j = Integer.parseInt(h.alias.split("=")[1]);
    Object[] copied = c.arguments.apply(engine());
    Tensor source = (Tensor) copied[j];
    Tensor target = (Tensor) copied[i];
    copied[i] = engine().tensor(TYPE, target.shape(), source.toDoubleArray());
    if (run(c, copied) != null) {
      return "fails on copies of its arguments";
    }
    int written = c.outputs.contains(i) ? i : j;
    for (int k = 0; k < a.length; k++) {
      if (a[k] instanceof Tensor u && k != i) {
        double[] want = ((Tensor) copied[k == j ? written : k]).toDoubleArray();
        if (!Arrays.equals(u.toDoubleArray(), want)) {
          return "gives " + Arrays.toString(u.toDoubleArray()) + " in argument " + k + " where a copy gives "
              + Arrays.toString(want);
        }
      }
    }
    return null;
  }

  /** Null when the call returned, else what it threw. */
  private Throwable run(Call c, Object[] a) {
    try {
      Kernels kernels = engine().kernels();
      if (c.name.startsWith("Convolution.")) {
        Convolution conv = kernels.convolution(GEOMETRY, 3);
        if (c.name.endsWith("backward")) { // backward needs a training forward pass first
          conv.forward(t(engine(), 2, 2, 4, 4), t(engine(), 3, 18), t(engine(), 2, 3, 4, 4), true);
        }
        method(Convolution.class, c.name.substring("Convolution.".length()), c.arity).invoke(conv, a);
      } else {
        method(Kernels.class, c.name, c.arity).invoke(kernels, a);
      }
      return null;
    } catch (InvocationTargetException e) {
      return e.getCause();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Method method(Class<?> type, String name, int arity) {
    return Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name) && m.getParameterCount() == arity)
        .findFirst().orElseThrow(() -> new IllegalStateException("no method " + name + "/" + arity));
  }

  private static String show(Object o) {
    return o instanceof Tensor t ? t.shape().toString() : o instanceof int[] array ? "int[" + array.length + "]"
        : String.valueOf(o);
  }
}
