package org.delta4j.examples.custom;

import java.util.List;
import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.UnaryOp;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.Tensor;

/**
 * Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"): c = β₁·m + (1 − β₁)·g; w ← w − α·sign(c);
 * m ← β₂·m + (1 − β₂)·g, with decoupled weight decay w ← (1 − α·λ)·w. Its steps have size α in every coordinate, so
 * it wants a rate 3–10× below Adam's. sign(c) is computed from the primitives as c / (|c| + ν), ν the smallest normal
 * number of the type: exactly ±1 wherever |c| ≥ 2^p·ν (p = 24 in FLOAT32, 53 in FLOAT64; about 2e-31 and 2e-292) and
 * 0 for c = 0.
 */
public record Lion(double learningRate, double beta1, double beta2, double weightDecay, LearningRateSchedule schedule)
    implements OptimizerSpec {
  public static final String TYPE = "lion";
  public static final double DEFAULT_BETA1 = 0.9;
  public static final double DEFAULT_BETA2 = 0.99;

  public Lion {
    Settings.check(TYPE, learningRate, weightDecay, schedule);
    for (double beta : new double[] {beta1, beta2}) {
      if (!(beta >= 0 && beta < 1)) {
        throw new IllegalArgumentException("lion: beta1 and beta2 must be in [0, 1), got " + beta1 + " and " + beta2);
      }
    }
  }

  /** β₁ = 0.9, β₂ = 0.99, no weight decay, a constant rate. */
  public Lion(double learningRate) {
    this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, 0, new LearningRateSchedule.Constant());
  }

  static Lion read(FieldReader f) {
    Settings s = Settings.read(f, 0);
    return new Lion(s.learningRate(), f.number("beta1", DEFAULT_BETA1), f.number("beta2", DEFAULT_BETA2),
        s.weightDecay(), s.schedule());
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public List<String> stateNames() {
    return List.of("m");
  }

  @Override
  public int workTensors() {
    return 2;
  }

  @Override
  public boolean decoupledWeightDecay() {
    return true;
  }

  @Override
  public void update(Kernels k, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
    Tensor m = state.get(0);
    Tensor c = state.get(1);
    Tensor magnitude = state.get(2);
    k.affine(g, 1 - beta1, 0, c); //                 c = (1 − β₁)·g + β₁·m
    k.axpy(beta1, m, c);
    k.affine(m, beta2, 0, m); //                     m ← β₂·m + (1 − β₂)·g
    k.axpy(1 - beta2, g, m);
    double tiny = w.dataType() == org.delta4j.tensor.DataType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    k.unary(UnaryOp.ABS, c, magnitude); //           sign(c) = c / (|c| + ν)
    k.affine(magnitude, 1, tiny, magnitude);
    k.binary(BinaryOp.DIVIDE, c, magnitude, c);
    k.axpy(-rate, c, w); //                          w ← w − α·sign(c)
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("beta1", beta1).put("beta2", beta2);
  }
}
