package org.delta4j.engine.ref;

import java.util.Arrays;
import org.delta4j.engine.Engine;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/** A reference-engine tensor: a Java array in row-major order ({@code float[]} or {@code double[]} by type). */
final class RefTensor implements Tensor {
  private final RefEngine engine;
  private final Shape shape;
  final float[] floats; // FLOAT32 storage, else null
  final double[] doubles; // FLOAT64 storage, else null

  RefTensor(RefEngine engine, Shape shape, float[] floats, double[] doubles) {
    this.engine = engine;
    this.shape = shape;
    this.floats = floats;
    this.doubles = doubles;
  }

  static RefTensor zeros(RefEngine engine, DataType type, Shape shape) {
    int n = shape.intSize();
    return type == DataType.FLOAT32
        ? new RefTensor(engine, shape, new float[n], null)
        : new RefTensor(engine, shape, null, new double[n]);
  }

  @Override
  public Engine engine() {
    return engine;
  }

  @Override
  public DataType dataType() {
    return floats != null ? DataType.FLOAT32 : DataType.FLOAT64;
  }

  @Override
  public Shape shape() {
    return shape;
  }

  @Override
  public Tensor reshape(Shape newShape) {
    shape.checkReshape(newShape);
    return new RefTensor(engine, newShape, floats, doubles);
  }

  @Override
  public boolean sharesStorage(Tensor other) {
    return other instanceof RefTensor r && (floats != null ? floats == r.floats : doubles == r.doubles);
  }

  @Override
  public void copyFrom(float[] source) {
    shape.checkValues(source);
    if (floats != null) {
      System.arraycopy(source, 0, floats, 0, source.length);
    } else {
      for (int i = 0; i < source.length; i++) {
        doubles[i] = source[i];
      }
    }
  }

  @Override
  public void copyFrom(double[] source) {
    shape.checkValues(source);
    if (doubles != null) {
      System.arraycopy(source, 0, doubles, 0, source.length);
    } else {
      for (int i = 0; i < source.length; i++) {
        floats[i] = (float) source[i];
      }
    }
  }


  @Override
  public float[] toFloatArray() {
    if (floats != null) {
      return floats.clone();
    }
    float[] out = new float[doubles.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) doubles[i];
    }
    return out;
  }

  @Override
  public double[] toDoubleArray() {
    if (doubles != null) {
      return doubles.clone();
    }
    double[] out = new double[floats.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = floats[i];
    }
    return out;
  }

  @Override
  public void copyTo(double[] destination) {
    shape().checkDestination(destination);
    if (doubles != null) {
      System.arraycopy(doubles, 0, destination, 0, destination.length);
    } else {
      for (int i = 0; i < destination.length; i++) {
        destination[i] = floats[i];
      }
    }
  }

  @Override
  public double getDouble(long flatIndex) {
    if (flatIndex < 0 || flatIndex >= shape.size()) {
      throw new IndexOutOfBoundsException("index " + flatIndex + " outside tensor " + shape);
    }
    return floats != null ? floats[(int) flatIndex] : doubles[(int) flatIndex];
  }

  @Override
  public String toString() {
    return "RefTensor" + shape + " " + dataType() + " "
        + (floats != null ? Arrays.toString(Arrays.copyOf(floats, Math.min(8, floats.length)))
            : Arrays.toString(Arrays.copyOf(doubles, Math.min(8, doubles.length))))
        + (shape.size() > 8 ? "..." : "");
  }
}
