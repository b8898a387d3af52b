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
  /** System property: threads for ND4J's native operations and BLAS (default: see {@link #threads()}). */
  public static final String THREADS_PROPERTY = "delta4j.nd4j.threads";

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
    // Loading Nd4j's backend loads the JNI libraries; an unsupported platform fails here (UnsatisfiedLinkError,
    // ExceptionInInitializerError, NoClassDefFoundError), and Engines reports the engine unavailable with that cause.
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getBlasWrapper(); // initialises BLAS
    INDArray a = Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 2);
    INDArray c = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 2);
    Nd4j.gemm(a, a, c, false, false, 1, 0);
    if (c.getFloat(0, 0) != 2f) {
      throw new IllegalStateException("ND4J's gemm gave " + c + " for ones(2,2)·ones(2,2)");
    }
    return new Nd4jEngine(threads + " threads");
  }

  /**
   * The thread count: {@value #THREADS_PROPERTY} when set, else the available processors. ND4J's OpenMP workers spin
   * while waiting unless {@code OMP_WAIT_POLICY=PASSIVE} is set in the environment before the JVM starts, which a
   * library cannot do; the benchmarks measure both (see BENCHMARKS.md).
   */
  static int threads() {
    String p = System.getProperty(THREADS_PROPERTY);
    if (p != null && !p.isBlank()) {
      try {
        int n = Integer.parseInt(p.trim());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(THREADS_PROPERTY + " must be a whole number ≥ 1, got '" + p + "'");
    }
    return Runtime.getRuntime().availableProcessors();
  }
}
