package org.delta4j.engine.ref.gemm;

/**
 * The reference engine's matrix multiply, C ← α·op(A)·op(B) + β·C on row-major arrays, for both types. The
 * micro-kernels are chosen once: the Vector API ones when the module {@code jdk.incubator.vector} is in the boot layer
 * (run with {@code --add-modules jdk.incubator.vector}) and {@value #VECTOR_PROPERTY} is not {@code false}, else the
 * portable scalar ones. Products of at least {@value #PARALLEL_FLOPS} floating-point operations are split over the
 * available cores (below that, on two cores, handing work over costs more than it saves). Thread-safe.
 */
public final class MatrixMultiply {
  /** System property: {@code false} forces the scalar micro-kernels. */
  public static final String VECTOR_PROPERTY = "delta4j.ref.vector";
  static final long PARALLEL_FLOPS = 4_000_000;

  private static final WorkerPool POOL = new WorkerPool(Runtime.getRuntime().availableProcessors());
  private static final boolean VECTOR = !"false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY))
      && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  private static final MatrixMultiply DEFAULT = new MatrixMultiply(VECTOR);

  private final FloatGemm floats;
  private final DoubleGemm doubles;
  private final boolean vector;

  /** With the vector micro-kernels or the scalar ones; the vector ones need the incubator module. */
  MatrixMultiply(boolean vector) {
    this.vector = vector;
    this.floats = new FloatGemm(vector ? (FloatGemm.MicroKernel) load("FloatVectorKernel")
        : new FloatGemm.Scalar(), POOL, PARALLEL_FLOPS);
    this.doubles = new DoubleGemm(vector ? (DoubleGemm.MicroKernel) load("DoubleVectorKernel")
        : new DoubleGemm.Scalar(), POOL, PARALLEL_FLOPS);
  }

  /** The instance chosen for this JVM. */
  public static MatrixMultiply get() {
    return DEFAULT;
  }

  /** Loaded by name so that no class referring to the incubator module is touched when it is absent. */
  private static Object load(String simpleName) {
    try {
      return Class.forName(MatrixMultiply.class.getPackageName() + "." + simpleName).getDeclaredConstructor()
          .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the Vector API micro-kernel " + simpleName, e);
    }
  }

  public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb,
      float beta, float[] c, int ldc) {
    floats.gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  public void dgemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b,
      int ldb, double beta, double[] c, int ldc) {
    doubles.gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  /**
   * Runs {@code task.accept(part)} for part = 0 .. parts − 1 on the threads matrix products use (part 0 on the caller;
   * at most {@link #parallelism()} at once), for the engine's other loops that split their work; one job at a time.
   */
  public static void inParallel(int parts, java.util.function.IntConsumer task) {
    POOL.invoke(parts, task);
  }

  /** How many threads {@link #inParallel} runs on. */
  public static int parallelism() {
    return POOL.parallelism();
  }

  /** Which kernels and how many threads, for people. */
  public String description() {
    return (vector ? "Vector API" : "scalar") + " gemm (" + floats.kernelName() + " float, " + doubles.kernelName()
        + " double), " + POOL.parallelism() + " threads";
  }

  /** Whether this JVM's instance, and the engine's other vectorised loops, use the Vector API. */
  public static boolean vectorApi() {
    return VECTOR;
  }

  boolean vector() {
    return vector;
  }
}
