package org.delta4j.autodiff;

import java.util.Objects;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * A layer whose forward pass is recorded on its own {@link Tape} and whose backward pass is the tape's: the input is a
 * variable, the output the value differentiated. Not thread-safe, as every layer.
 */
abstract class TapeLayer implements Layer {
  final LayerContext context;
  final Tape tape;
  private final String kind;
  private final Shape outputShape;
  private Value input;
  private Value output;

  TapeLayer(String kind, LayerContext context, Shape outputShape) {
    this.kind = kind;
    this.context = context;
    this.tape = new Tape(context.engine(), context.dataType());
    this.outputShape = outputShape;
  }

  /** The output [N, output...] for the batch x [N, input...], recorded on {@link #tape}. */
  abstract Value record(Value x, Mode mode);

  @Override
  public final Tensor forward(Tensor x, Mode mode) {
    Objects.requireNonNull(x, () -> what() + ": input is null");
    Objects.requireNonNull(mode, () -> what() + ": mode is null");
    if (!x.shape().isBatchOf(context.inputShape())) {
      throw new IllegalArgumentException(what() + ": input has shape " + x.shape() + " but the layer takes batches of "
          + context.inputShape());
    }
    input = null; //  the reset ends the pass that backward would differentiate, whether or not this one succeeds
    output = null;
    tape.reset();
    Value y;
    Value in;
    try {
      in = tape.variable(x); // a tensor of another data type than the layer's is refused here
      y = record(in, mode);
      tape.requireResult("the forward pass", y);
    } catch (IllegalArgumentException e) {
      // an operation names itself and its shapes; which layer of the network it belongs to is said here
      throw new IllegalArgumentException(what() + ": " + e.getMessage(), e);
    } catch (IllegalStateException e) { // a value of an earlier pass used or returned
      throw new IllegalStateException(what() + ": " + e.getMessage(), e);
    }
    Shape expected = outputShape.withBatch(x.shape().dim(0));
    if (!y.shape().equals(expected)) {
      throw new IllegalStateException(what() + ": the forward pass gave " + y.shape() + " but the kind's output shape "
          + outputShape + " makes " + expected + " for this batch");
    }
    input = mode.training() ? in : null;
    output = mode.training() ? y : null;
    return y.value();
  }

  @Override
  public final Tensor backward(Tensor dy, boolean needInputGradient) {
    if (output == null) {
      throw new IllegalStateException(what() + ": backward before a training forward pass");
    }
    if (dy == null) {
      throw new IllegalArgumentException(what() + ": the output gradient is null");
    }
    if (!dy.shape().equals(output.shape())) {
      throw new IllegalArgumentException(what() + ": the output gradient has shape " + dy.shape()
          + " but the output has shape " + output.shape());
    }
    Tensor out = output.value();
    if (dy.dataType() != out.dataType() || dy.engine() != out.engine()) {
      // as the built-in layers, whether or not ∂E/∂x is wanted: the tape's kernels take one type on one engine, and
      // an identity would pass dy on as the input gradient, to the layer before, unlooked at
      throw new IllegalArgumentException(what() + ": the output gradient is a " + dy.dataType() + " tensor on engine "
          + dy.engine().name() + ", but the forward pass was " + out.dataType() + " on engine " + out.engine().name());
    }
    if (!needInputGradient) {
      if (parameters().isEmpty() || output == input) {
        return null;
      }
      input.tracked = false; // no ∂E/∂x wanted: the operations skip its products
    } else {
      input.tracked = true; //  a backward pass before may have untracked it
    }
    if (!tape.reaches(output)) { // of neither x nor a parameter (a stop-gradient, parameters unused): ∂E/∂x = 0
      return needInputGradient ? tape.zeroGradient(input) : null;
    }
    try {
      tape.backward(output, dy);
    } catch (IllegalArgumentException e) { // as in forward: a layer of the block names itself, this says which block
      throw new IllegalArgumentException(what() + ": " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(what() + ": " + e.getMessage(), e);
    }
    return needInputGradient ? input.gradient() : null;
  }

  private String what() {
    return kind + " layer '" + context.name() + "'";
  }

  @Override
  public String name() {
    return context.name();
  }

  @Override
  public Shape inputShape() {
    return context.inputShape();
  }

  @Override
  public Shape outputShape() {
    return outputShape;
  }
}
