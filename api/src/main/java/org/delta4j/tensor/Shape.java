package org.delta4j.tensor;

import java.util.Arrays;

/** An immutable tensor shape: rank ≥ 1, every dimension ≥ 1, C (row-major) order. */
public final class Shape {
  private final int[] dims;
  private final long size;

  private Shape(int[] dims) {
    if (dims.length == 0) {
      throw new IllegalArgumentException("a shape needs at least one dimension");
    }
    long n = 1;
    for (int d : dims) {
      if (d < 1) {
        throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has a dimension < 1");
      }
      n = Math.multiplyExact(n, d);
    }
    this.dims = dims;
    this.size = n;
  }

  /** A shape with the given dimensions. */
  public static Shape of(int... dims) {
    return new Shape(dims.clone());
  }

  /** This shape with {@code rows} put in front, as a batch axis: [rows, d1, d2, ...]. */
  public Shape withBatch(int rows) {
    int[] d = new int[dims.length + 1];
    d[0] = rows;
    System.arraycopy(dims, 0, d, 1, dims.length);
    return new Shape(d);
  }

  /** This shape without its first (batch) axis; the shape of one sample. */
  public Shape withoutBatch() {
    if (dims.length < 2) {
      throw new IllegalStateException("shape " + this + " has no axis past the batch axis");
    }
    return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
  }

  /** [dim(0), size / dim(0)]: the batch axis kept, everything past it flattened. */
  public Shape flattenPastBatch() {
    return new Shape(new int[] {dims[0], (int) (size / dims[0])});
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int axis) {
    return dims[axis];
  }

  /** The last dimension. */
  public int last() {
    return dims[dims.length - 1];
  }

  /** Number of elements. */
  public long size() {
    return size;
  }

  /** Number of elements as an int, for array-backed tensors; fails clearly past 2³¹ − 1. */
  public int intSize() {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalStateException("shape " + this + " has " + size + " elements, more than an array holds");
    }
    return (int) size;
  }

  public int[] dims() {
    return dims.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
