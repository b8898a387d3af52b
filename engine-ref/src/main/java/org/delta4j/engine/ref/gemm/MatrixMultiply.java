package org.delta4j.engine.ref.gemm;

import org.delta4j.engine.WorkerPool;

/**
 * The reference engine's matrix multiply, C ← α·op(A)·op(B) + β·C on row-major arrays, for both types. The
 * micro-kernels are chosen once: the Vector API ones when the module {@code jdk.incubator.vector} is in the boot layer
 * (run with {@code --add-modules jdk.incubator.vector}) and {@value #VECTOR_PROPERTY} is not {@code false}, else the
 * portable scalar ones. The vector kernels' register tile and the cache blocking are shaped at run time for the CPU
 * (see {@link CpuShape}): the vector width the JVM prefers here, the registers it implies, the FMA latency of the CPU's
 * microarchitecture, the caches Linux reports. Products of at least {@value #PARALLEL_FLOPS} floating-point operations
 * split their rows or columns over the available cores, from {@value #POLLED_FLOPS} over the caller and the workers
 * polling for work; from there too those whose k exceeds m and n split k in halves, and those whose k dwarfs m·n split
 * k in slices from {@value #SLICE_FLOPS} (below that, on two cores, handing work over costs more than it saves).
 * Thread-safe: each calling thread has its own packing buffers, and concurrent callers share the cores instead of
 * queueing for them, each getting bit-identical results to a lone caller's (a product's parts are fixed by its shape,
 * whichever thread runs them).
 */
public final class MatrixMultiply {
  /** System property: {@code false} forces the scalar micro-kernels. */
  public static final String VECTOR_PROPERTY = "delta4j.ref.vector";
  /**
   * Where splitting rows or columns over two cores starts to pay on the AVX-512 virtual machine the benchmarks run on,
   * whose idle core takes long to wake. Split over both cores (GemmBenchmark, float, in BENCHMARKS.md) n = 128
   * (4.2 MFLOP) took 107 µs, 128 × 256 × 128 (8.4 MFLOP) 133 µs, 256³ (34 MFLOP) 275 µs and 128 × 784 × 256
   * (51 MFLOP) 347 µs; on one core (the fastest of many calls) 36, 72, 250 and 380 µs. A split costs some 80-130 µs
   * there, which the second core repays from about 40 MFLOP.
   */
  static final long PARALLEL_FLOPS = 40_000_000;
  /**
   * Where splitting starts to pay while a worker polls for its next part ({@link WorkerPool#pollingWorkers}), as it
   * does all through a training step: the hand-over then costs microseconds, not a wake-up. On the same machine, each
   * product called in turn with the worker polling, 128 × 256 × 128 (8.4 MFLOP, the MLP's middle layer, forward and
   * both backward products) split took 53-63 µs against 74-75 on one core (75-111 against 115-138 in a slower phase
   * of the machine), and products of 4.2 MFLOP and less gained nothing that held from one round of calls to the next.
   */
  static final long POLLED_FLOPS = 6_000_000;
  /**
   * Splitting k ({@code DoubleGemm.slices}) starts lower: its products, a convolution's weight gradient, are otherwise
   * one long serial sum on one core, and the split is handed over once.
   */
  static final long SLICE_FLOPS = 4_000_000;

  private static final WorkerPool POOL = WorkerPool.shared();
  private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  private static final String CHOSEN = System.getProperty(VECTOR_PROPERTY);
  private static final boolean VECTOR = !"false".equalsIgnoreCase(CHOSEN) && MODULE;

  static {
    // A library user who forgets the flag would otherwise train many times slower without a word of why.
    java.util.Optional<String> warning = scalarWarning(MODULE, CHOSEN);
    if (warning.isPresent()) {
      System.getLogger(MatrixMultiply.class.getName()).log(System.Logger.Level.WARNING, warning.get());
    }
  }

  private static final MatrixMultiply DEFAULT = new MatrixMultiply(VECTOR);

  private final FloatGemm floats;
  private final DoubleGemm doubles;
  private final boolean vector;
  private final CpuShape shape;

  /**
   * With the vector micro-kernels or the scalar ones, shaped for this CPU; the vector ones need the incubator module.
   */
  MatrixMultiply(boolean vector) {
    this(vector, 0, null);
  }

  /**
   * With the vector micro-kernels of {@code rows} rows (one of {@link CpuShape#ROWS}; 0: as the CPU's registers allow)
   * or the scalar ones, blocked for the caches of {@code caches} (null: this machine's).
   */
  MatrixMultiply(boolean vector, int rows, CpuShape caches) {
    this(vector, rows, caches, PARALLEL_FLOPS, POLLED_FLOPS);
  }

  /**
   * As {@link #MatrixMultiply(boolean, int, CpuShape)}, splitting rows or columns from {@code parallelFlops}, whether
   * a worker polls or not.
   */
  MatrixMultiply(boolean vector, int rows, CpuShape caches, long parallelFlops) {
    this(vector, rows, caches, parallelFlops, parallelFlops);
  }

  private MatrixMultiply(boolean vector, int rows, CpuShape caches, long parallelFlops, long polledFlops) {
    this.vector = vector;
    FloatGemm.MicroKernel f;
    DoubleGemm.MicroKernel d;
    int bits = 0;
    if (vector) {
      f = (FloatGemm.MicroKernel) load("FloatVectorKernel");
      bits = f.nr() / 2 * Float.SIZE;
    }
    CpuShape here = CpuShape.here(bits);
    this.shape = caches == null ? here
        : new CpuShape(bits, here.vectorRegisters(), here.fmaChains(), caches.l1d(), caches.l2(), caches.l3());
    if (vector) {
      int r = rows > 0 ? rows : shape.tileRows();
      String variant = r == 4 ? "" : "$Rows" + r;
      f = (FloatGemm.MicroKernel) load("FloatVectorKernel" + variant);
      d = (DoubleGemm.MicroKernel) load("DoubleVectorKernel" + variant);
    } else {
      f = new FloatGemm.Scalar();
      d = new DoubleGemm.Scalar();
    }
    this.floats = new FloatGemm(f, shape.blocking(Float.BYTES, f.mr(), f.nr()),
        shape.deepBlocking(Float.BYTES, f.mr(), f.nr()), POOL, parallelFlops, polledFlops, SLICE_FLOPS);
    this.doubles = new DoubleGemm(d, shape.blocking(Double.BYTES, d.mr(), d.nr()),
        shape.deepBlocking(Double.BYTES, d.mr(), d.nr()), POOL, parallelFlops, polledFlops, SLICE_FLOPS);
  }

  /**
   * The warning logged once when the Vector API kernels are not used only because the JVM lacks their module
   * ({@code modulePresent} false) rather than because {@value #VECTOR_PROPERTY} ({@code property}, null when unset)
   * chose the scalar ones; empty otherwise.
   */
  static java.util.Optional<String> scalarWarning(boolean modulePresent, String property) {
    if (modulePresent || "false".equalsIgnoreCase(property)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("the reference engine runs its scalar kernels, many times slower than its Vector API "
        + "ones, because this JVM lacks the module jdk.incubator.vector: run java with --add-modules "
        + "jdk.incubator.vector (-D" + VECTOR_PROPERTY + "=false chooses the scalar kernels without this warning)");
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

  /** As {@link #sgemm}, then C[i][j] += bias[j] for every row i (a Dense layer's X·W + b), fused where it can be. */
  public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb,
      float beta, float[] c, int ldc, float[] bias) {
    floats.gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
  }

  public void dgemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b,
      int ldb, double beta, double[] c, int ldc) {
    doubles.gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  /** As {@link #dgemm}, then C[i][j] += bias[j] for every row i (a Dense layer's X·W + b), fused where it can be. */
  public void dgemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b,
      int ldb, double beta, double[] c, int ldc, double[] bias) {
    doubles.gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
  }

  /** Which kernels, shaped for what, and how many threads, for people. */
  public String description() {
    return kernels() + ", " + POOL.parallelism() + " threads";
  }

  /**
   * The kernels and their blocking, which decide the bits of every product (the threads only split its rows and
   * columns): the vector width, tile and block sizes, or the scalar loops.
   */
  public String kernels() {
    String cpu = vector ? shape.vectorBits() + "-bit vectors, " + shape.vectorRegisters() + " registers, "
        + shape.fmaChains() + " FMA chains, " : "";
    return (vector ? "Vector API" : "scalar") + " gemm (" + cpu + "caches " + (shape.l1d() >> 10) + "K/"
        + (shape.l2() >> 10) + "K/" + (shape.l3() >> 10) + "K; float " + floats.kernelName() + "; double "
        + doubles.kernelName() + ")";
  }

  /** Whether this JVM's instance, and the engine's other vectorised loops, use the Vector API. */
  public static boolean vectorApi() {
    return VECTOR;
  }

  boolean vector() {
    return vector;
  }
}
