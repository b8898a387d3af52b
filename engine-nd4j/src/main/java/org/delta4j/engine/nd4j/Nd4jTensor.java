package org.delta4j.engine.nd4j;

import org.delta4j.engine.Engine;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ND4J-engine tensor: a C-ordered {@link INDArray} that owns (or, for a reshape, shares) its whole buffer, and the
 * view of that memory kernels use without ND4J's executioner, made on first use.
 */
final class Nd4jTensor implements Tensor {
  private final Nd4jEngine engine;
  private final Shape shape;
  private final DataType dataType;
  final INDArray array;
  // Made on first use; two threads racing make two equal views, either of which serves.
  private volatile NativeMemory memory;

  Nd4jTensor(Nd4jEngine engine, Shape shape, DataType dataType, INDArray array) {
    this.engine = engine;
    this.shape = shape;
    this.dataType = dataType;
    this.array = array;
  }

  /** The array's native memory (see {@link NativeMemory}); {@code kernel} names the caller in an error. */
  NativeMemory memory(String kernel) {
    NativeMemory m = memory;
    if (m == null) {
      m = NativeMemory.of(kernel, array);
      memory = m;
    }
    return m;
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
    // A C-ordered array that owns its buffer reshapes to a view in C order: writes are shared.
    return new Nd4jTensor(engine, newShape, dataType, array.reshape('c', Nd4jEngine.longs(newShape)));
  }

  /** The same native memory: a reshape is a new array object over a new buffer object at the same address. */
  @Override
  public boolean sharesStorage(Tensor other) {
    return other instanceof Nd4jTensor n && array.data().address() == n.array.data().address();
  }

  @Override
  public void copyFrom(float[] source) {
    shape.checkValues(source);
    if (dataType == DataType.FLOAT32) {
      array.data().setData(source); // writes into the existing native buffer: no new array
    } else {
      double[] d = new double[source.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = source[i];
      }
      array.data().setData(d);
    }
  }

  @Override
  public void copyFrom(double[] source) {
    shape.checkValues(source);
    if (dataType == DataType.FLOAT64) {
      array.data().setData(source);
    } else {
      float[] f = new float[source.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) source[i];
      }
      array.data().setData(f);
    }
  }


  @Override
  public float[] toFloatArray() {
    return array.data().asFloat();
  }

  @Override
  public double[] toDoubleArray() {
    return array.data().asDouble();
  }

  @Override
  public double getDouble(long flatIndex) {
    if (flatIndex < 0 || flatIndex >= shape.size()) {
      throw new IndexOutOfBoundsException("index " + flatIndex + " outside tensor " + shape);
    }
    return array.data().getDouble(flatIndex);
  }

  @Override
  public String toString() {
    return "Nd4jTensor" + shape + " " + dataType;
  }
}
