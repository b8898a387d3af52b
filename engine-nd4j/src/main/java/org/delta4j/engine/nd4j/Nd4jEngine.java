package org.delta4j.engine.nd4j;

import java.util.Locale;
import org.delta4j.engine.CpuInfo;
import org.delta4j.engine.Engine;
import org.delta4j.engine.KernelArguments;
import org.delta4j.engine.Kernels;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J engine: tensors are C-ordered INDArrays on ND4J's native CPU backend, matrix products go straight to the
 * OpenBLAS ND4J ships. Construct it through {@link Nd4jEngineProvider}, which loads the native library and proves it
 * works first. Thread-safe.
 */
public final class Nd4jEngine implements Engine {
  public static final String NAME = "nd4j";

  private static final String VERSION = readVersion();

  private final Nd4jKernels kernels = new Nd4jKernels(this);
  private final String threads;

  Nd4jEngine(String threads) {
    this.threads = threads;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "ND4J " + VERSION + " native CPU backend ("
        + Nd4j.getBackend().getClass().getSimpleName() + ", BLAS " + Nd4j.factory().blas().getBlasVendor() + "), "
        + threads;
  }

  /**
   * The description (versions, BLAS and the threads it splits each product's sums between), the CPU model, by which
   * OpenBLAS picks its kernels unless {@code OPENBLAS_CORETYPE} names them, and the width of the engine's own vector
   * loops.
   */
  @Override
  public String numerics() {
    String coreType = System.getenv("OPENBLAS_CORETYPE");
    return description() + "; CPU " + CpuInfo.here().get("model name")
        + (coreType == null || coreType.isBlank() ? "" : ", OPENBLAS_CORETYPE " + coreType)
        + (SmallArrays.VECTOR_API ? "; " + VectorRowLoops.bits() + "-bit vector loops" : "; scalar loops");
  }

  @Override
  public Tensor zeros(DataType dataType, Shape shape) {
    KernelArguments.zeros(dataType, shape);
    INDArray values;
    try {
      values = Nd4j.zeros(nd4jType(dataType), longs(shape));
    } catch (OutOfMemoryError e) { // JavaCPP's, past its bound on native memory, or the heap's
      throw new IllegalStateException(String.format(Locale.ROOT, "the nd4j engine: a tensor %s in %s, %,d MiB, could "
          + "not be allocated: %s; the engine's tensors are native memory, bounded by the machine's and not by -Xmx: "
          + "use smaller batches or a smaller network, or the ref engine", shape, dataType,
          shape.size() * dataType.bytes() >> 20, e.getMessage()), e);
    }
    NativeCollections.made(shape.size() * dataType.bytes());
    return new Nd4jTensor(this, shape, dataType, values);
  }

  @Override
  public Kernels kernels() {
    return kernels;
  }

  private static String readVersion() {
    java.util.Properties p = new java.util.Properties();
    try (java.io.InputStream in = Nd4jEngine.class.getResourceAsStream("nd4j.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (java.io.IOException e) {
      return "(version unknown: " + e.getMessage() + ")";
    }
    return p.getProperty("nd4j.version", "(version unknown)");
  }

  static org.nd4j.linalg.api.buffer.DataType nd4jType(DataType type) {
    return type == DataType.FLOAT32 ? org.nd4j.linalg.api.buffer.DataType.FLOAT
        : org.nd4j.linalg.api.buffer.DataType.DOUBLE;
  }

  static long[] longs(Shape shape) {
    long[] d = new long[shape.rank()];
    for (int i = 0; i < d.length; i++) {
      d[i] = shape.dim(i);
    }
    return d;
  }
}
