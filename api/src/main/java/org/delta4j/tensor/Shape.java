package org.delta4j.tensor;

import java.util.Arrays;
import java.util.Objects;

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
      if (n > Long.MAX_VALUE / d) {
        throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more elements than a long counts");
      }
      n *= d;
    }
    this.dims = dims;
    this.size = n;
  }

  /** A shape with the given dimensions. */
  public static Shape of(int... dims) {
    if (dims == null) {
      throw new IllegalArgumentException("a shape's dimensions must not be null");
    }
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

  /**
   * Whether this is [N, sample...] for some N ≥ 1: a batch of samples of shape {@code sample}. Allocates nothing, so
   * layers can check every call.
   */
  public boolean isBatchOf(Shape sample) {
    Objects.requireNonNull(sample, "sample is null");
    if (dims.length != sample.dims.length + 1) {
      return false;
    }
    for (int i = 0; i < sample.dims.length; i++) {
      if (dims[i + 1] != sample.dims[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether this is the matrix [rows, columns]. */
  public boolean isMatrix(int rows, int columns) {
    return dims.length == 2 && dims[0] == rows && dims[1] == columns;
  }

  /** Fails unless a tensor of this shape can be seen as {@code target}: the same number of elements. */
  public void checkReshape(Shape target) {
    Objects.requireNonNull(target, () -> "cannot reshape " + this + " to null");
    if (target.size != size) {
      throw new IllegalArgumentException("cannot reshape " + this + " (" + size + " elements) to " + target + " ("
          + target.size + ")");
    }
  }

  /** Fails unless {@code count} values fill a tensor of this shape exactly. */
  public void checkValueCount(int count) {
    if (count != size) {
      throw new IllegalArgumentException("source has " + count + " values but the tensor " + this + " has " + size);
    }
  }

  /** Checks that {@code source}, values for a tensor of this shape, is an array of one value an element. */
  public void checkValues(float[] source) {
    checkSource(source == null, source == null ? 0 : source.length);
  }

  /** Checks that {@code source}, values for a tensor of this shape, is an array of one value an element. */
  public void checkValues(double[] source) {
    checkSource(source == null, source == null ? 0 : source.length);
  }

  private void checkSource(boolean missing, int length) {
    if (missing) {
      throw new IllegalArgumentException("source is null but the tensor " + this + " needs " + size + " values");
    }
    checkValueCount(length);
  }

  /** Checks that {@code destination}, for the values of a tensor of this shape, is an array of one an element. */
  public void checkDestination(double[] destination) {
    if (destination == null || destination.length != size) {
      throw new IllegalArgumentException("destination has " + (destination == null ? "no array" : destination.length
          + " elements") + " but the tensor " + this + " has " + size);
    }
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int axis) {
    if (axis < 0 || axis >= dims.length) {
      throw new IndexOutOfBoundsException("axis " + axis + " of shape " + this + ", of rank " + dims.length);
    }
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
      throw new IllegalArgumentException("shape " + this + " has " + size + " elements, more than an array holds ("
          + Integer.MAX_VALUE + ")");
    }
    return (int) size;
  }

  public int[] dims() {
    return dims.clone();
  }

  /** The multi-dimensional index of row-major element {@code flat}, as {@code [3, 17]}, to name it in a message. */
  public String index(int flat) {
    if (flat < 0 || flat >= size()) {
      throw new IndexOutOfBoundsException("element " + flat + " of shape " + this + ", which holds " + size());
    }
    int[] idx = new int[dims.length];
    for (int k = dims.length - 1, rest = flat; k >= 0; k--) {
      idx[k] = dims[k] == 0 ? 0 : rest % dims[k];
      rest = dims[k] == 0 ? rest : rest / dims[k];
    }
    return Arrays.toString(idx);
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
