package org.delta4j.examples.custom;

import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.UnaryOp;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Loss;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The Huber loss with threshold δ, averaged over all N·C outputs as PyTorch's {@code HuberLoss}: with r = o − t,
 * h(r) = ½r² for |r| ≤ δ, else δ(|r| − ½δ); L = (1/(N·C)) Σ h(r) and ∂L/∂o = clip(r, −δ, δ) / (N·C). Computed as
 * h = ½c² + δ(|r| − |c|) with c = clip(r, −δ, δ), which is both branches at once.
 */
public record Huber(double delta) implements LossSpec {
  public static final String TYPE = "huber";
  public static final double DEFAULT_DELTA = 1;

  public Huber {
    if (!(delta > 0) || !Double.isFinite(delta)) {
      throw new IllegalArgumentException("huber loss: delta must be positive and finite, got " + delta);
    }
  }

  public Huber() {
    this(DEFAULT_DELTA);
  }

  static Huber read(FieldReader f) {
    return new Huber(f.number("delta", DEFAULT_DELTA));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("delta", delta);
  }

  @Override
  public Loss build(Engine engine, DataType dataType) {
    return new HuberLoss(engine, dataType);
  }

  private final class HuberLoss implements Loss {
    private final Kernels k;
    private final Engine engine;
    private final DataType dataType;
    private BatchTensors r;
    private BatchTensors c;
    private BatchTensors a;
    private BatchTensors rowSums;
    private final Tensor total;
    private final Tensor lower;
    private final Tensor upper;
    private int columns = -1;

    HuberLoss(Engine engine, DataType dataType) {
      this.engine = engine;
      this.dataType = dataType;
      this.k = engine.kernels();
      this.total = engine.zeros(dataType, Shape.of(1, 1));
      this.lower = engine.tensor(dataType, Shape.of(1, 1), -delta);
      this.upper = engine.tensor(dataType, Shape.of(1, 1), delta);
    }

    @Override
    public LossSpec spec() {
      return Huber.this;
    }

    @Override
    public double compute(Tensor predictions, Tensor targets, Tensor gradient) {
      Loss.checkShapes(Huber.this, predictions, targets, gradient);
      int rows = predictions.shape().dim(0);
      int cols = predictions.shape().dim(1);
      if (cols != columns) {
        columns = cols;
        r = new BatchTensors(engine, dataType, Shape.of(cols));
        c = new BatchTensors(engine, dataType, Shape.of(cols));
        a = new BatchTensors(engine, dataType, Shape.of(cols));
        rowSums = new BatchTensors(engine, dataType, Shape.of(1));
      }
      Tensor rt = r.get(rows);
      Tensor ct = c.get(rows);
      Tensor at = a.get(rows);
      double count = (double) rows * cols;
      k.binary(BinaryOp.SUBTRACT, predictions, targets, rt); //    r = o − t
      k.binary(BinaryOp.MAX, rt, lower, ct); //                    c = clip(r, −δ, δ)
      k.binary(BinaryOp.MIN, ct, upper, ct);
      if (gradient != null) {
        k.affine(ct, 1 / count, 0, gradient); //                   ∂L/∂o = c / (N·C)
      }
      k.unary(UnaryOp.ABS, rt, rt); //                             h = δ(|r| − |c|) + ½c²
      k.unary(UnaryOp.ABS, ct, at);
      k.binary(BinaryOp.SUBTRACT, rt, at, rt);
      k.binary(BinaryOp.MULTIPLY, ct, ct, ct);
      k.affine(ct, 0.5, 0, ct);
      k.affine(rt, delta, 0, rt);
      k.binary(BinaryOp.ADD, rt, ct, rt);
      Tensor sums = rowSums.get(rows);
      k.reduce(ReduceOp.SUM, rt, 1, sums);
      k.reduce(ReduceOp.SUM, sums, 0, total);
      return total.getDouble(0) / count;
    }
  }
}
