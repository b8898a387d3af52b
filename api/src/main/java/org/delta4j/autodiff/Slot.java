package org.delta4j.autodiff;

import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.Engine;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The work tensors of one position on a tape (the n-th operation of every pass), kept across passes: per purpose
 * (output, gradient...) up to {@value #SIZES} shapes, so that passes over full and last batches reuse them and a
 * steady-state pass allocates no engine tensor; likewise a convolution's engine {@link Convolution}, with its buffers.
 */
final class Slot {
  static final int OUTPUT = 0;
  static final int GRADIENT = 1;
  static final int SCRATCH = 2; // the value's shape, for a contribution added into its gradient
  static final int AUX = 3; //     kept from forward to backward
  static final int TEMP = 4; //    used within one step of backward
  static final int SMALL = 5; //   a reduced temporary
  private static final int PURPOSES = 6;
  private static final int SIZES = 4;

  private final Tensor[][] tensors = new Tensor[PURPOSES][]; // each made on its first use: most operations use two
  private final int[] next = new int[PURPOSES];
  private Convolution convolution;
  private ConvGeometry convolutionGeometry;
  private int convolutionFilters;

  /** What a slot costs beside its tensors (the slot and a pass's {@link Value} for it), in bytes. */
  static final long OVERHEAD_BYTES = 256;

  private final Tape.Budget budget;

  /** A slot whose tensors are charged to {@code budget} as they are made, and released as they are replaced. */
  Slot(Tape.Budget budget) {
    this.budget = budget;
    budget.charge(OVERHEAD_BYTES, 0, "a new operation");
  }

  Tensor get(int purpose, Shape shape, Engine engine, DataType type) {
    Tensor[] kept = tensors[purpose];
    if (kept == null) {
      kept = tensors[purpose] = new Tensor[SIZES];
    }
    for (Tensor t : kept) {
      if (t != null && t.shape().equals(shape)) {
        return t;
      }
    }
    Tensor replaced = kept[next[purpose]];
    budget.charge(shape.size() * type.bytes(), replaced == null ? 0 : replaced.shape().size() * type.bytes(),
        "a tensor of " + shape);
    Tensor t = engine.zeros(type, shape);
    kept[next[purpose]] = t;
    next[purpose] = (next[purpose] + 1) % SIZES;
    return t;
  }

  /** The engine's convolution of {@code g} by {@code filters} kernels, made again only when those change. */
  Convolution convolution(Engine engine, ConvGeometry g, int filters) {
    if (convolution == null || !g.equals(convolutionGeometry) || filters != convolutionFilters) {
      convolution = engine.kernels().convolution(g, filters);
      convolutionGeometry = g;
      convolutionFilters = filters;
    }
    return convolution;
  }
}
