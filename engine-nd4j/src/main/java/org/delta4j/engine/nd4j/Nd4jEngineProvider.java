package org.delta4j.engine.nd4j;

import org.delta4j.engine.Engine;
import org.delta4j.engine.EngineProvider;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Registers the ND4J engine with priority 10, above the reference engine, so that it is the default wherever its
 * native library loads. Constructing the provider touches no native code; {@link #create()} loads the library,
 * applies the thread settings, and multiplies two small matrices, so an engine it returns is known to work.
 */
public final class Nd4jEngineProvider implements EngineProvider {
  /** System property: threads for ND4J's own (OpenMP) operations (default: see {@link #threads()}). */
  public static final String THREADS_PROPERTY = "delta4j.nd4j.threads";
  /** System property: threads for OpenBLAS's matrix products (default: see {@link #blasThreads()}). */
  public static final String BLAS_THREADS_PROPERTY = "delta4j.nd4j.blas.threads";

  /**
   * ND4J's own operations run on one thread by default. Measured on 2 cores (JMH, MLP 784-256-128-10 training step,
   * batch 128): 89 steps/s with ND4J's default of one OpenMP thread per core, 225 with one thread for its operations
   * and two for BLAS, 237 with OMP_WAIT_POLICY=PASSIVE in the environment. The element-wise operations of a training
   * step are too small to gain from a second thread, and OpenMP workers left spinning between them steal the core
   * that OpenBLAS needs next; one thread avoids that without the environment variable, which a library cannot set.
   */
  private static final int DEFAULT_THREADS = 1;

  @Override
  public String name() {
    return Nd4jEngine.NAME;
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Engine create() {
    int threads = threads();
    int blasThreads = blasThreads();
    // Loading Nd4j's backend loads the JNI libraries; an unsupported platform fails here (UnsatisfiedLinkError,
    // ExceptionInInitializerError, NoClassDefFoundError), and Engines reports the engine unavailable with that cause.
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.factory().blas().setMaxThreads(blasThreads);
    BlasGemm.setTurns(blasThreads);
    INDArray a = Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 2);
    INDArray c = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 2);
    Nd4j.gemm(a, a, c, false, false, 1, 0);
    if (c.getFloat(0, 0) != 2f) {
      throw new IllegalStateException("ND4J's gemm gave " + c + " for ones(2,2)·ones(2,2)");
    }
    return new Nd4jEngine("ND4J operations on " + threads + (threads == 1 ? " thread" : " threads") + ", BLAS on "
        + blasThreads);
  }

  /** The thread count of ND4J's own operations: {@value #THREADS_PROPERTY} when set, else one (see above). */
  static int threads() {
    return positive(THREADS_PROPERTY, DEFAULT_THREADS);
  }

  /** The BLAS thread count: {@value #BLAS_THREADS_PROPERTY} when set, else the available processors. */
  static int blasThreads() {
    return positive(BLAS_THREADS_PROPERTY, Runtime.getRuntime().availableProcessors());
  }

  private static int positive(String property, int fallback) {
    String p = System.getProperty(property);
    if (p == null || p.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(p.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(property + " must be a whole number ≥ 1, got '" + p + "'");
  }
}
