package org.delta4j.conformance;

import org.delta4j.engine.Engine;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * A tensor of {@link PrimitiveOnlyEngine}: a {@code double[]} in row-major order whatever the type, each value rounded
 * to the type by {@link #store} when written. A reshape shares the array. Not thread-safe.
 */
final class ArrayTensor implements Tensor {
  private final Engine engine;
  private final DataType dataType;
  private final Shape shape;
  final double[] values;

  ArrayTensor(Engine engine, DataType dataType, Shape shape, double[] values) {
    this.engine = engine;
    this.dataType = dataType;
    this.shape = shape;
    this.values = values;
  }

  @Override
  public boolean sharesStorage(Tensor other) {
    return other instanceof ArrayTensor a && a.values == values;
  }

  /** Writes v at flat index i, rounded to float for FLOAT32. */
  void store(int i, double v) {
    values[i] = dataType == DataType.FLOAT32 ? (float) v : v;
  }

  @Override
  public Engine engine() {
    return engine;
  }

  @Override
  public DataType dataType() {
    return dataType;
  }

  @Override
  public Shape shape() {
    return shape;
  }

  @Override
  public Tensor reshape(Shape newShape) {
    shape.checkReshape(newShape);
    return new ArrayTensor(engine, dataType, newShape, values);
  }

  @Override
  public void copyFrom(float[] source) {
    shape.checkValues(source);
    for (int i = 0; i < source.length; i++) {
      values[i] = source[i];
    }
  }

  @Override
  public void copyFrom(double[] source) {
    shape.checkValues(source);
    for (int i = 0; i < source.length; i++) {
      store(i, source[i]);
    }
  }

  @Override
  public float[] toFloatArray() {
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  @Override
  public double[] toDoubleArray() {
    return values.clone();
  }

  @Override
  public double getDouble(long flatIndex) {
    return values[(int) flatIndex];
  }

  @Override
  public String toString() {
    return "ArrayTensor" + shape + " " + dataType;
  }
}
