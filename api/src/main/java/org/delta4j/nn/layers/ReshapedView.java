package org.delta4j.nn.layers;

import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * One reshape a layer does in every pass, remembered: {@link #of} returns the view it made last time while the tensor
 * and the dimensions asked for are the same (a layer's work tensors and its neighbours' outputs are, from one
 * steady-state step to the next), so that the step creates no view or shape objects. Otherwise it is {@link
 * Tensor#reshape}. Not thread-safe.
 */
public final class ReshapedView {
  private Tensor source;
  private Tensor view;

  /** {@code t} seen as [d0, d1]. */
  public Tensor of(Tensor t, int d0, int d1) {
    if (t != source || view.shape().rank() != 2 || view.shape().dim(0) != d0 || view.shape().dim(1) != d1) {
      remember(t, t.reshape(Shape.of(d0, d1)));
    }
    return view;
  }

  /** {@code t} seen as [d0, d1, d2]. */
  public Tensor of(Tensor t, int d0, int d1, int d2) {
    if (t != source || view.shape().rank() != 3 || view.shape().dim(0) != d0 || view.shape().dim(1) != d1
        || view.shape().dim(2) != d2) {
      remember(t, t.reshape(Shape.of(d0, d1, d2)));
    }
    return view;
  }

  /** {@code t} seen as {@code shape}. */
  public Tensor of(Tensor t, Shape shape) {
    if (t != source || !view.shape().equals(shape)) {
      remember(t, t.reshape(shape));
    }
    return view;
  }

  private void remember(Tensor t, Tensor v) {
    source = t;
    view = v;
  }
}
