package org.delta4j.autodiff;

import org.delta4j.engine.Engine;
import org.delta4j.nn.Loss;
import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Tensor;

/**
 * A loss kind written forward-only: {@link #loss} computes the scalar from the predictions (tracked) and the targets
 * (constant), and the loss it builds takes ∂loss/∂predictions from its {@link Tape}. The loss keeps its tape's tensors
 * across steps; not thread-safe.
 */
public interface ExpressionLossSpec extends LossSpec {
  /** The loss, a [1, 1] value, of predictions [N, C] against targets [N, C], averaged as the kind documents. */
  Value loss(Value predictions, Value targets);

  @Override
  default Loss build(Engine engine, DataType dataType) {
    return new ExpressionLoss(this, new Tape(engine, dataType));
  }
}

/** The loss an {@link ExpressionLossSpec} builds. */
final class ExpressionLoss implements Loss {
  private final ExpressionLossSpec spec;
  private final Tape tape;

  ExpressionLoss(ExpressionLossSpec spec, Tape tape) {
    this.spec = spec;
    this.tape = tape;
  }

  @Override
  public LossSpec spec() {
    return spec;
  }

  @Override
  public double compute(Tensor predictions, Tensor targets, Tensor gradient) {
    Loss.checkShapes(spec, predictions, targets, gradient);
    // the tape's kernels take one type on one engine: another is named here, not by the tape or by a kernel of the
    // backward pass
    checkLike("the predictions are", predictions, predictions);
    checkLike("the targets are", targets, predictions);
    if (gradient != null) {
      checkLike("the gradient is", gradient, predictions);
    }
    tape.reset();
    Value p = gradient == null ? tape.constant(predictions) : tape.bound(predictions, gradient);
    Value loss;
    try {
      loss = spec.loss(p, tape.constant(targets));
      tape.requireResult("loss(predictions, targets)", loss);
    } catch (IllegalArgumentException e) {
      // an operation names itself and its shapes; which loss it belongs to is said here
      throw new IllegalArgumentException(spec.type() + " loss: " + e.getMessage(), e);
    } catch (IllegalStateException e) { // a value of an earlier pass used or returned
      throw new IllegalStateException(spec.type() + " loss: " + e.getMessage(), e);
    }
    if (!loss.shape().isMatrix(1, 1)) {
      throw new IllegalStateException(spec.type() + ": the loss must be a scalar [1, 1], got " + loss.shape());
    }
    if (gradient != null) {
      if (!loss.tracked) { // as PyTorch's backward of a loss that requires no gradient: a zero would train nothing
        throw new IllegalStateException(spec.type() + " loss: the loss does not depend on the predictions (it was "
            + "computed from the targets and constants only, or the predictions were detached), so it gives no "
            + "gradient to train by");
      }
      tape.backward(loss);
      p.gradient(); // the caller's tensor holds ∂L/∂predictions, zeros where no path led
    }
    return loss.value().getDouble(0);
  }

  /** Fails unless t is of the tape's data type and on the predictions' engine, naming the loss and t. */
  private void checkLike(String what, Tensor t, Tensor predictions) {
    if (t.dataType() != tape.dataType() || t.engine() != predictions.engine()) {
      throw new IllegalArgumentException(spec.type() + ": " + what + " a " + t.dataType() + " tensor on engine "
          + t.engine().name() + ", but the loss computes in " + tape.dataType() + " on the predictions' engine "
          + predictions.engine().name());
    }
  }
}
