package org.delta4j.conformance;

import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.UnaryOp;
import org.delta4j.engine.Window;
import org.delta4j.tensor.Tensor;

/**
 * An engine's primitive kernels with every fused operation taken from {@link Kernels}' defaults, whatever the engine
 * overrides: the suite holds the defaults, run on each engine's own primitives, to the reference engine's results.
 * A subclass may override a method to alter one kernel (the suite's own tests do, to show that it catches a wrong
 * one). As thread-safe as the kernels it wraps.
 */
class DefaultsOver implements Kernels {
  private final Kernels primitives;

  DefaultsOver(Kernels primitives) {
    this.primitives = primitives;
  }

  @Override
  public void gemm(Tensor a, boolean transposeA, Tensor b, boolean transposeB, double alpha, double beta, Tensor c) {
    primitives.gemm(a, transposeA, b, transposeB, alpha, beta, c);
  }

  @Override
  public void unary(UnaryOp f, Tensor x, Tensor y) {
    primitives.unary(f, x, y);
  }

  @Override
  public void affine(Tensor x, double s, double t, Tensor y) {
    primitives.affine(x, s, t, y);
  }

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    primitives.binary(op, a, b, out);
  }

  @Override
  public void select(Tensor mask, Tensor a, Tensor b, Tensor out) {
    primitives.select(mask, a, b, out);
  }

  @Override
  public void reduce(ReduceOp op, Tensor m, int axis, Tensor out) {
    primitives.reduce(op, m, axis, out);
  }

  @Override
  public void copyWindow(Tensor src, Window from, Tensor dst, Window to) {
    primitives.copyWindow(src, from, dst, to);
  }

  @Override
  public void fill(Tensor t, double value) {
    primitives.fill(t, value);
  }

  @Override
  public void argmaxRows(Tensor m, int[] out) {
    primitives.argmaxRows(m, out);
  }
}
