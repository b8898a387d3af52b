package org.delta4j.examples.custom;

import org.delta4j.autodiff.ExpressionLossSpec;
import org.delta4j.autodiff.Value;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;

/**
 * Softmax cross-entropy against label-smoothed targets (Szegedy et al., 2016), written forward-only: with C classes,
 * q = (1 − ε)·t + ε/C and L = −Σ q ⊙ log softmax(z) / N over logits z [N, C]. Its gradient is the tape's.
 */
public record LabelSmoothing(double epsilon) implements ExpressionLossSpec {
  public static final String TYPE = "label_smoothing";
  public static final double DEFAULT_EPSILON = 0.1;

  /** ε is the share of each target moved to the uniform distribution: in [0, 1], as PyTorch's label_smoothing. */
  public LabelSmoothing {
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("label_smoothing loss: epsilon must be in [0, 1], got " + epsilon);
    }
  }

  static LabelSmoothing read(FieldReader f) { return new LabelSmoothing(f.number("epsilon", DEFAULT_EPSILON)); }

  @Override public Value loss(Value z, Value t) {
    Value shifted = z.subtract(z.max(1).detach()); //  z − max z: every exponent ≤ 0, and log softmax is unchanged
    Value logSoftmax = shifted.subtract(shifted.exp().sum(1).log());
    Value q = t.affine(1 - epsilon, epsilon / z.shape().dim(1));
    return q.multiply(logSoftmax).sum().multiply(-1.0 / z.shape().dim(0));
  }

  @Override public String type() { return TYPE; }
  @Override public boolean takesLogits() { return true; }
  @Override public void writeFields(FieldWriter out) { out.put("epsilon", epsilon); }
}
