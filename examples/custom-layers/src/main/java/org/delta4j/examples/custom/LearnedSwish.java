package org.delta4j.examples.custom;

import java.util.List;
import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.UnaryOp;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Swish with a learned β per feature (Ramachandran et al., 2017): y = x·σ(β⊙x), for inputs [N, n] (a sample of
 * rank &gt; 1 is taken flat), β of shape [n] starting at {@code initialBeta}. With s = σ(β⊙x) and σ′ = s(1 − s):
 * ∂y/∂x = s + β⊙x⊙s(1 − s) and ∂y/∂β = x²⊙s(1 − s), so dx = dy⊙s + (β⊙x)⊙u and dβ = Σ_rows x⊙x⊙u with
 * u = dy⊙s(1 − s).
 */
public record LearnedSwish(String name, double initialBeta) implements LayerSpec {
  public static final String TYPE = "learned_swish";
  public static final double DEFAULT_BETA = 1;

  public LearnedSwish {
    if (!Double.isFinite(initialBeta)) {
      throw new IllegalArgumentException("learned_swish layer '" + name + "': initial beta must be finite, got "
          + initialBeta);
    }
  }

  public LearnedSwish() {
    this(null, DEFAULT_BETA);
  }

  static LearnedSwish read(FieldReader f) {
    return new LearnedSwish(f.name(), f.number("initial_beta", DEFAULT_BETA));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public LearnedSwish withName(String name) {
    return new LearnedSwish(name, initialBeta);
  }

  @Override
  public Shape outputShape(Shape input) {
    return input;
  }

  @Override
  public List<ParameterSpec> parameters(Shape input) {
    return List.of(ParameterSpec.of("beta", Shape.of(input.intSize()), Initializer.constant(initialBeta)));
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("initial_beta", initialBeta);
  }

  @Override
  public Layer build(LayerContext c) {
    return new Swish(c);
  }

  /** The layer: work tensors per batch size, reused across steps. */
  private static final class Swish implements Layer {
    private final LayerContext c;
    private final Kernels k;
    private final int n;
    private final Parameter beta;
    private final BatchTensors z;
    private final BatchTensors s;
    private final BatchTensors y;
    private final BatchTensors u;
    private final BatchTensors dx;
    private final Tensor betaGradient;
    private Tensor x;
    private Shape output;

    Swish(LayerContext c) {
      this.c = c;
      this.k = c.kernels();
      this.n = c.inputShape().intSize();
      this.beta = c.parameter("beta");
      Shape flat = Shape.of(n);
      this.z = new BatchTensors(c.engine(), c.dataType(), flat);
      this.s = new BatchTensors(c.engine(), c.dataType(), flat);
      this.y = new BatchTensors(c.engine(), c.dataType(), flat);
      this.u = new BatchTensors(c.engine(), c.dataType(), flat);
      this.dx = new BatchTensors(c.engine(), c.dataType(), flat);
      this.betaGradient = c.engine().zeros(c.dataType(), Shape.of(1, n));
    }

    @Override
    public Tensor forward(Tensor input, Mode mode) {
      if (!input.shape().isBatchOf(c.inputShape())) {
        throw new IllegalArgumentException("learned_swish layer '" + c.name() + "': input has shape " + input.shape()
            + " but the layer takes [N, " + c.inputShape().toString().substring(1));
      }
      Tensor x2 = input.reshape(Shape.of(input.shape().dim(0), n));
      int rows = x2.shape().dim(0);
      Tensor zt = z.get(rows);
      Tensor st = s.get(rows);
      Tensor yt = y.get(rows);
      k.binary(BinaryOp.MULTIPLY, x2, beta.value().reshape(Shape.of(1, n)), zt); // z = β⊙x
      k.unary(UnaryOp.SIGMOID, zt, st); //                                           s = σ(z)
      k.binary(BinaryOp.MULTIPLY, x2, st, yt); //                                   y = x⊙s
      if (mode.training()) {
        x = x2;
        output = input.shape();
      }
      return yt.reshape(input.shape());
    }

    @Override
    public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
      if (x == null) {
        throw new IllegalStateException("learned_swish layer '" + c.name() + "': backward before a training forward");
      }
      // as the built-in layers: a gradient of the output's size in other rows would be read row by row, unnoticed
      if (gradOutput == null) {
        throw new IllegalArgumentException("learned_swish layer '" + c.name() + "': the output gradient is null");
      }
      if (!gradOutput.shape().equals(output)) {
        throw new IllegalArgumentException("learned_swish layer '" + c.name() + "': the output gradient has shape "
            + gradOutput.shape() + " but the output has shape " + output);
      }
      if (gradOutput.dataType() != x.dataType() || gradOutput.engine() != x.engine()) {
        throw new IllegalArgumentException("learned_swish layer '" + c.name() + "': the output gradient is a "
            + gradOutput.dataType() + " tensor on engine " + gradOutput.engine().name() + ", but the forward pass was "
            + x.dataType() + " on engine " + x.engine().name());
      }
      int rows = x.shape().dim(0);
      Tensor dy = gradOutput.reshape(Shape.of(rows, n));
      Tensor st = s.get(rows);
      Tensor ut = u.get(rows);
      Tensor dxt = dx.get(rows);
      k.affine(st, -1, 1, ut); //                                  u = 1 − s
      k.binary(BinaryOp.MULTIPLY, ut, st, ut); //                    · s
      k.binary(BinaryOp.MULTIPLY, ut, dy, ut); //                    · dy
      k.binary(BinaryOp.MULTIPLY, x, ut, dxt); //                  dβ = Σ_rows x⊙x⊙u
      k.binary(BinaryOp.MULTIPLY, dxt, x, dxt);
      k.reduce(ReduceOp.SUM, dxt, 0, betaGradient);
      Tensor db = beta.gradient().reshape(Shape.of(1, n));
      k.binary(BinaryOp.ADD, db, betaGradient, db);
      if (!needInputGradient) {
        return null;
      }
      k.binary(BinaryOp.MULTIPLY, z.get(rows), ut, dxt); //        dx = z⊙u
      k.binary(BinaryOp.MULTIPLY, dy, st, ut); //                       + dy⊙s
      k.binary(BinaryOp.ADD, dxt, ut, dxt);
      return dxt.reshape(gradOutput.shape());
    }

    @Override
    public List<Parameter> parameters() {
      return List.of(beta);
    }

    @Override
    public String name() {
      return c.name();
    }

    @Override
    public Shape inputShape() {
      return c.inputShape();
    }

    @Override
    public Shape outputShape() {
      return c.inputShape();
    }
  }
}
