package org.delta4j.engine.ref.gemm;

import static org.delta4j.engine.Subnormals.flush;

import org.delta4j.engine.WorkerPool;

/**
 * C ← α·op(A)·op(B) + β·C on row-major arrays of double, in the manner of GotoBLAS: B is packed into panels
 * NR columns wide and A into panels MR rows high, over blocks of KC steps sized to the caches, and a register-tiled
 * micro-kernel multiplies one MR × NR tile at a time. Transposes cost nothing: the packing reads either layout. Large
 * products split their columns (rows, when higher than wide) between the threads of a {@link WorkerPool}; products
 * whose k exceeds m and n (a Dense layer's X·W) split k in two halves; products whose k dwarfs m·n (a convolution's
 * weight gradient, 32 × 9 summed over 100 352 pixels) split k into slices; a narrow product of a transposed A on one
 * thread (a classifier's weight gradient) is computed as its transpose. Halves and slices are fixed by the shape
 * alone and their partial products summed in order, so that the result has the same bits whichever thread ran a part
 * and however many there were. Packing buffers and a product's state are kept per thread, so a product allocates
 * nothing in steady state and several threads multiply at once: thread-safe. One source serves both element types: the
 * build writes the 32-bit class from the 64-bit one by renaming the type (engine-ref/pom.xml).
 *
 * <p>A result below the type's smallest normal number is stored in C as 0, as the CPU's flush-to-zero mode would,
 * which Java does not set. Such subnormal numbers come from a backward pass once a network fits its batches (a
 * softmax's tail of e^(z − m) below 2⁻¹²⁶ in float, and products of it), and x86 multiplies them many times more
 * slowly than others (on Intel a microcode assist for each instruction that meets one), and each product's results
 * are the next one's operands: on an AVX-512 Xeon the MLP's training step over 16 batches went from 860 to 1,140 µs
 * in 24,000 steps, and stays at 850-900 with its results flushed. The difference is below 2⁻¹²⁶ (double: 2⁻¹⁰²²) an
 * element.
 */
final class DoubleGemm {
  /**
   * Computes one MR × NR tile of packed A times packed B, then adds α times its rows × cols into C, in two calls: the
   * loop over k holds only the accumulators, the operands and their indices, none of C's (a JIT that keeps every
   * accumulator in a register has no register to spare).
   */
  interface MicroKernel {
    int mr();

    int nr();

    /**
     * The kernel of {@value DoubleGemm#EDGE_ROWS} rows and the same NR, for the last panel of a product with at most
     * that many rows left: 60 rows are four 14-row tiles and one of 4 rather than five of 14, a seventh less work. It
     * must give the same bits as this kernel would for those rows: the same order of fused multiply-adds along k, the
     * same rounding into C.
     */
    MicroKernel edge();

    /**
     * The MR × NR tile of packed A (panel at ao) times B over kc steps, into {@code tile}: step p's NR values of B at
     * bo + p·ldb, a packed panel's (ldb = NR) or a row-major B's own rows (ldb its row stride).
     */
    void compute(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] tile);

    /**
     * The rows × cols corner of a computed tile, α times, into C at co: added, or, unless {@code accumulate}, stored
     * without reading C (the first block of k when β = 0). In the {@code last} block of k, whose sums are C's
     * results, a subnormal result is stored as 0 (see the class comment); an earlier block's partial sums as they are,
     * a compare and a blend a vector fewer.
     */
    void addTile(int rows, int cols, double alpha, boolean accumulate, boolean last, double[] tile, double[] c, int co,
        int ldc);

    /**
     * One row of a product with too few rows to pack: c[co + j] += α·Σₚ a[ao + p]·b[p·ldb + j] for j &lt; n, p &lt; k,
     * reading B where it lies (packing B would cost as much as the product).
     */
    void row(int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c, int co);

    /** y[yo + j] += x[xo + j] for j &lt; n: a partial product added into C, a subnormal sum stored as 0. */
    void add(int n, double[] x, int xo, double[] y, int yo);

    /** As {@link DoubleGemm#packAlong}, which it may be: a panel whose rows lie along the source's rows. */
    void packAlong(double[] src, int s, int ld, int count, int kc, int w, double[] out, int o);

    /**
     * The steps of k in a run of A's panels packed by {@link #packRuns}, which {@link #computeRuns} reads; 0 when this
     * kernel reads A's panels only as {@link DoubleGemm#packA} packs them step by step.
     */
    default int run() {
      return 0;
    }

    /**
     * Rows [0, count) of a panel of a plain A (row r's step p at src[s + r·ld + p]) packed in runs of R = {@link #run}
     * steps: step p of row r at o + ⌊p/R⌋·R·MR + r·R + p mod R, rows count ≤ r &lt; MR zero. Each run of a row is a
     * run of that row of A: copied as it lies, where the step-by-step panel transposes A.
     */
    default void packRuns(double[] src, int s, int ld, int count, int kc, double[] out, int o) {
      throw new UnsupportedOperationException("a " + mr() + "-row kernel without runs");
    }

    /** As {@link #compute}, A's panel packed by {@link #packRuns}. */
    default void computeRuns(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] tile) {
      throw new UnsupportedOperationException("a " + mr() + "-row kernel without runs");
    }

    /** As {@link #row} with B transposed: c[co + j] += α·Σₚ a[ao + p]·b[j·ldb + p], one dot product per column. */
    void rowTransposed(int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c,
        int co);
  }

  /**
   * The largest C computed by {@link #halves}, whose second half's partial product takes as much room, kept by the
   * calling thread. Larger products gain little from halves: on a 2-core Zen 4, float, 256 × 1024 × 256 (65 536
   * elements) went from 1,143–1,168 products a second to 1,298–1,316, 512 × 2048 × 512 from 151–158 to 157–166, and
   * 1024 × 2048 × 1024 stayed at 41–42.
   */
  static final int HALVES_MAX_ELEMENTS = 1 << 16;

  /** The rows of {@link MicroKernel#edge}'s tile. */
  static final int EDGE_ROWS = 4;

  /** The cache blocking of most products (see {@link CpuShape#blocking}). */
  private final CpuShape.Blocking shallow;
  /** The cache blocking of products whose C is at least kc × kc of it ({@link #blocking(int, int, int)}). */
  private final CpuShape.Blocking deep;

  private final MicroKernel kernel;
  private final MicroKernel edge;
  /** The kernel's {@link MicroKernel#run}: a plain A's panels are packed in runs of as many steps, if not 0. */
  private final int run;
  private final WorkerPool pool;
  /** Products of at least this many floating-point operations split their rows or columns over the pool. */
  private final long parallelFlops;
  /**
   * Products of at least this many split so between the caller and as many workers as are polling
   * ({@link WorkerPool#pollingWorkers}), so that a part seldom waits for a worker to wake; one run alone because none
   * was polling sets the parked workers polling for the next ({@link WorkerPool#rouse}).
   */
  private final long polledFlops;
  /** Products of at least this many that qualify for {@link #slices} split their k over the pool. */
  private final long sliceFlops;
  /** Each thread's buffers and, for a thread that calls {@link #gemm}, its product's state: see {@link Workspace}. */
  private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

  /**
   * One thread's share of a product. Kept per thread rather than per engine or per network: two callers' products
   * then share nothing and run at once, the engine's API needs no handle for it, and a thread that multiplies again
   * finds its buffers sized, so a product allocates nothing in steady state. A pool worker uses only its packed A and
   * tile; the fields of the block being split belong to the caller's workspace, set before the pool runs
   * {@link #part} (the pool's volatile hand-over makes them visible to the workers) so that splitting allocates
   * nothing.
   */
  private final class Workspace {
    /**
     * Packed A, for {@link #block}'s mc × kc blocks and {@link #serialAlongRows}'s larger ones; grows to the largest
     * block seen, at most kc × mcL3 rounded up to MR rows.
     */
    double[] aPack = new double[0];
    final double[] tile = new double[kernel.mr() * kernel.nr()];
    /** Packed B for this caller's products; grows to the largest block seen, at most kc × nc rounded up to NR. */
    double[] bPack = new double[0];
    /** A column of A gathered for {@link #rows}; grows to the longest seen. */
    double[] column = new double[0];
    /**
     * The slices' partial products of a product split over k ({@link #splitK}), the second half's of one split in
     * halves ({@link #halves}), or a narrow product's transpose ({@link #transposed}); grows to the largest seen.
     */
    double[] partial = new double[0];
    int jobRows;
    int jobRowsPerPart;
    boolean jobTa;
    double[] jobA;
    int jobLda;
    int jobPc;
    int jobKc;
    int jobJc;
    int jobNc;
    double jobAlpha;
    double[] jobC;
    int jobLdc;
    boolean jobTb;
    double[] jobB;
    int jobLdb;
    int jobN;
    int jobK;
    int jobSlices;
    int jobColsPerPart;
    int jobThreads;
    boolean jobAccumulate;
    /** Whether the job's block of k is the product's last (see {@link MicroKernel#addTile}). */
    boolean jobLast;
    CpuShape.Blocking jobBlocking;
    /** The row added to C's rows as the halves are summed ({@link #gemm} with a bias), or null. */
    double[] jobBias;
    /** Whether the block's full panels of B are read where they lie ({@link #inPlace}) rather than packed. */
    boolean jobInPlace;
    final java.util.function.IntConsumer part = this::runPart;
    final java.util.function.IntConsumer slices = this::runSlices;
    final java.util.function.IntConsumer columns = this::runColumns;
    final java.util.function.IntConsumer halves = this::runHalf;
    final java.util.function.IntConsumer halfSums = this::runHalfSum;
    final java.util.function.IntConsumer biasRows = this::runBias;
    /** The next slice of k to be computed, claimed by whichever thread of the product is free first. */
    final java.util.concurrent.atomic.AtomicInteger nextSlice = new java.util.concurrent.atomic.AtomicInteger();

    private void runPart(int t) {
      block(Math.min(jobRows, t * jobRowsPerPart), Math.min(jobRows, (t + 1) * jobRowsPerPart), jobTa, jobA, jobLda,
          jobPc, jobKc, jobJc, jobNc, jobAlpha, jobC, 0, jobLdc, jobAccumulate, jobLast, bPack,
          jobInPlace ? jobB : null, jobPc * jobLdb + jobJc, jobLdb, jobBlocking);
    }

    /** Sets the product a split job computes: C (+)= α·op(A)·op(B), m × n, k steps. */
    void setJob(int m, int n, int k, boolean ta, double[] a, int lda, boolean tb, double[] b, int ldb, double alpha,
        double[] c, int ldc, boolean accumulate) {
      jobRows = m;
      jobN = n;
      jobK = k;
      jobTa = ta;
      jobA = a;
      jobLda = lda;
      jobTb = tb;
      jobB = b;
      jobLdb = ldb;
      jobAlpha = alpha;
      jobC = c;
      jobLdc = ldc;
      jobAccumulate = accumulate;
    }

    /** Lets go of the caller's arrays once a split job is done, so that a workspace keeps none of them alive. */
    void clearJob() {
      jobA = null;
      jobB = null;
      jobC = null;
      jobBlocking = null;
      jobBias = null;
    }

    /** One thread's columns of a product split by {@link #columns}, on its own workspace. */
    private void runColumns(int t) {
      int j0 = Math.min(jobN, t * jobColsPerPart);
      int j1 = Math.min(jobN, j0 + jobColsPerPart);
      serial(workspaces.get(), jobBlocking, jobTa, jobTb, jobRows, j0, j1, 0, jobK, jobAlpha, jobA, jobLda, jobB,
          jobLdb, jobAccumulate, jobC, 0, jobLdc);
    }

    /**
     * One of the T ≥ 2 threads of a product split by {@link #halves}: the first ⌈T/2⌉ compute the first half of k,
     * the others the second.
     */
    private void runHalf(int t) {
      int first = (jobThreads + 1) / 2; // the threads of the first half
      if (t < first) {
        half(0, t, first);
      } else {
        half(1, t - first, jobThreads - first);
      }
    }

    /**
     * Share {@code index} of {@code count} of half h of a product split by {@link #halves}, the half's columns shared
     * out in whole NR-wide panels, on the running thread: the first half into C, as an unsplit product would take it,
     * the second into the caller's partial product.
     */
    void half(int h, int index, int count) {
      Workspace own = workspaces.get(); // the running thread's: its packed B, as the caller's is in use
      int nr = kernel.nr();
      int colsPerPart = ((jobN + count - 1) / count + nr - 1) / nr * nr;
      int j0 = Math.min(jobN, index * colsPerPart);
      int j1 = Math.min(jobN, j0 + colsPerPart);
      serial(own, shallow, jobTa, jobTb, jobRows, j0, j1, h * (jobK / 2), h == 0 ? jobK / 2 : jobK, jobAlpha, jobA,
          jobLda, jobB, jobLdb, h == 0 && jobAccumulate, h == 0 ? jobC : partial, 0, h == 0 ? jobLdc : jobN);
    }

    /**
     * One thread's rows of C in a product split by {@link #halves}: the second half's partial product added in, then
     * the bias, if any, while the row is in the level 1.
     */
    private void runHalfSum(int t) {
      for (int i = WorkerPool.start(jobRows, t, jobThreads), end = WorkerPool.start(jobRows, t + 1, jobThreads);
          i < end; i++) {
        kernel.add(jobN, partial, i * jobN, jobC, i * jobLdc);
        if (jobBias != null) {
          addRow(jobN, jobBias, jobC, i * jobLdc);
        }
      }
    }

    /** One thread's rows of C given the bias after a product computed otherwise than in halves. */
    private void runBias(int t) {
      for (int i = WorkerPool.start(jobRows, t, jobThreads), end = WorkerPool.start(jobRows, t + 1, jobThreads);
          i < end; i++) {
        addRow(jobN, jobBias, jobC, i * jobLdc);
      }
    }

    /**
     * One of the threads of a product split over k: takes the slices no thread has taken yet, one at a time, each into
     * its own partial product, so that a thread the system holds back is covered by the others.
     */
    private void runSlices(int t) {
      Workspace own = workspaces.get(); // the running thread's: its packed B, as the caller's is in use
      int size = jobRows * jobN;
      for (int s = nextSlice.getAndIncrement(); s < jobSlices; s = nextSlice.getAndIncrement()) {
        int k0 = (int) ((long) s * jobK / jobSlices);
        int k1 = (int) ((long) (s + 1) * jobK / jobSlices);
        serial(own, shallow, jobTa, jobTb, jobRows, 0, jobN, k0, k1, jobAlpha, jobA, jobLda, jobB, jobLdb,
            jobAccumulate, jobC, s * size, jobLdc);
      }
    }
  }

  /**
   * With the blocking of most products, {@code shallow}, and that of products whose C is at least kc × kc of
   * {@code deep} (see {@link CpuShape#deepBlocking}); rows or columns split over the pool from {@code parallelFlops},
   * or from {@code polledFlops} while workers poll, and k in slices from {@code sliceFlops}.
   */
  DoubleGemm(MicroKernel kernel, CpuShape.Blocking shallow, CpuShape.Blocking deep, WorkerPool pool,
      long parallelFlops, long polledFlops, long sliceFlops) {
    this.kernel = kernel;
    this.edge = kernel.edge();
    this.run = kernel.run();
    if (edge.mr() != EDGE_ROWS || edge.nr() != kernel.nr()) {
      throw new IllegalArgumentException("edge kernel " + edge.mr() + "×" + edge.nr() + " for a " + kernel.mr() + "×"
          + kernel.nr() + " tile: must be " + EDGE_ROWS + "×" + kernel.nr());
    }
    this.shallow = shallow;
    this.deep = deep;
    this.pool = pool;
    this.parallelFlops = parallelFlops;
    this.polledFlops = polledFlops;
    this.sliceFlops = sliceFlops;
  }

  String kernelName() {
    return kernel.mr() + "×" + kernel.nr() + " tile, " + shallow + (deep.equals(shallow) ? "" : ", deep " + deep);
  }

  void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b, int ldb,
      double beta, double[] c, int ldc) {
    gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, null);
  }

  /**
   * As {@link #gemm(boolean, boolean, int, int, int, double, double[], int, double[], int, double, double[], int)},
   * then C[i][j] += bias[j] for every row i when {@code bias} is not null (n elements): a Dense layer's X·W + b. A
   * product summed from halves of k adds the bias as it adds the second half, in the same pass over C; any other adds
   * it after, its rows split over the pool as a large product's are. C's bits are those of the product, then the
   * addition.
   */
  void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b, int ldb,
      double beta, double[] c, int ldc, double[] bias) {
    if (!product(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias) && bias != null && m > 0 && n > 0) {
      Workspace w = workspaces.get();
      w.jobRows = m;
      w.jobN = n;
      w.jobC = c;
      w.jobLdc = ldc;
      w.jobBias = bias;
      w.jobThreads = pool.parts(m, (long) m * n); // as the engine's other loops over C's elements split
      if (w.jobThreads == 1) {
        w.runBias(0);
      } else {
        pool.invoke(w.jobThreads, w.biasRows);
      }
      w.clearJob();
    }
  }

  /** c[co + j] += row[j] for j &lt; n. */
  private static void addRow(int n, double[] row, double[] c, int co) {
    for (int j = 0; j < n; j++) {
      c[co + j] += row[j];
    }
  }

  /** The product of {@link #gemm}; true when it added {@code bias} (not null) into C as well. */
  private boolean product(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b,
      int ldb, double beta, double[] c, int ldc, double[] bias) {
    int mr = kernel.mr();
    boolean packed = m >= mr && n > 0 && k > 0 && alpha != 0;
    // β = 0 ignores what C held, NaN included. A packed product stores its first block of k, or its sum of slices,
    // over C then, instead of adding it to zeros written before: one pass over C fewer.
    boolean accumulate = !(packed && beta == 0);
    if (accumulate && beta != 1) {
      for (int i = 0; i < m; i++) { // C ← β·C
        int row = i * ldc;
        if (beta == 0) {
          java.util.Arrays.fill(c, row, row + n, 0);
        } else {
          for (int j = 0; j < n; j++) {
            c[row + j] = flush(c[row + j] * beta);
          }
        }
      }
    }
    if (m == 0 || n == 0 || k == 0 || alpha == 0) {
      return false;
    }
    Workspace w = workspaces.get();
    if (m < mr) {
      rows(w, ta, tb, m, n, k, alpha, a, lda, b, ldb, c, ldc);
      return false;
    }
    int slices = slices(m, n, k);
    if (slices > 1) {
      splitK(w, slices, ta, tb, m, n, k, alpha, a, lda, b, ldb, accumulate, c, ldc);
      return false;
    }
    long flops = 2L * m * n * k;
    int threads = flops >= parallelFlops ? pool.parallelism() : flops >= polledFlops ? 1 + pool.pollingWorkers() : 1;
    if (threads == 1 && flops >= polledFlops) {
      // Run alone because the workers had parked: set them polling, so that the next product as large splits. In a
      // loop of such products (AVX2 Zen 2, float) 256 × 256 × 256 then ran at 83-88 GFLOP/s against 62, and the MLP's
      // 8.4 MFLOP products at 74-81 against 47-56.
      pool.rouse();
    }
    threads = Math.min(threads, (m + mr - 1) / mr);
    if (halves(m, n, k)) {
      halves(w, threads, ta, tb, m, n, k, alpha, a, lda, b, ldb, accumulate, c, ldc, bias);
      return bias != null;
    }
    CpuShape.Blocking bl = blocking(m, n, k);
    if (threads == 1 && ta && padded(n, m) < padded(m, n) && (alpha == 1 || !accumulate && k <= bl.kc())) {
      transposed(w, bl, tb, m, n, k, alpha, a, lda, b, ldb, accumulate, c, ldc);
      return false;
    }
    if (threads == 1) {
      serial(w, bl, ta, tb, m, 0, n, 0, k, alpha, a, lda, b, ldb, accumulate, c, 0, ldc);
      return false;
    }
    int panels = (n + kernel.nr() - 1) / kernel.nr();
    if (n >= m && panels >= threads) {
      columns(w, bl, Math.min(threads, panels), ta, tb, m, n, k, alpha, a, lda, b, ldb, accumulate, c, ldc);
      return false;
    }
    double[] bPack = bPack(w, n, bl);
    int step = kStep(k, bl);
    boolean inPlace = inPlace(tb, ldb);
    for (int jc = 0; jc < n; jc += bl.nc()) {
      int nc = Math.min(bl.nc(), n - jc);
      for (int pc = 0; pc < k; pc += step) {
        int kc = Math.min(step, k - pc);
        packB(tb, inPlace, b, ldb, pc, jc, kc, nc, bPack);
        int rowsPerPart = ((m + threads - 1) / threads + mr - 1) / mr * mr; // whole MR panels per thread
        w.jobRows = m;
        w.jobRowsPerPart = rowsPerPart;
        w.jobTa = ta;
        w.jobA = a;
        w.jobLda = lda;
        w.jobPc = pc;
        w.jobKc = kc;
        w.jobJc = jc;
        w.jobNc = nc;
        w.jobAlpha = alpha;
        w.jobC = c;
        w.jobLdc = ldc;
        w.jobAccumulate = accumulate || pc > 0;
        w.jobLast = pc + kc == k;
        w.jobBlocking = bl;
        w.jobB = b;
        w.jobLdb = ldb;
        w.jobInPlace = inPlace;
        pool.invoke(threads, w.part);
        w.clearJob();
      }
    }
    return false;
  }

  /**
   * A product of a transposed A on one thread, such as a classifier's weight gradient Hᵀ·dZ, computed as its transpose
   * Cᵀ = op(B)ᵀ·A where that pads the register tiles less: 10 outputs fill 10 of a tile's NR columns, and the
   * transpose's 10 rows most of one MR-row panel (float on AVX-512, 128 × 10 takes tiles over 130 × 32 elements, its
   * transpose over 14 × 128), while A is read as the plain B it then is. (With a plain A the transpose would read it
   * across its rows, which cost more than the padding saved: 128 × 128 × 10 took 12.4 µs against 10.4.) Each element
   * of C is the same products added in the same order either way (what C held, when added to, is carried into the
   * transpose first; {@link #blocking} is symmetric in m and n), and with the same roundings where α is 1 or C is one
   * block of k stored over what it held: a tile's last, narrower columns add α·tile to C in two roundings where full
   * ones fuse them ({@link MicroKernel#addTile}), so with another α the transpose, whose narrow columns are other
   * elements, would give C other bits. Only those products are computed so: C has the same bits either way, and so
   * whatever the threads.
   */
  private void transposed(Workspace w, CpuShape.Blocking bl, boolean tb, int m, int n, int k, double alpha, double[] a,
      int lda, double[] b, int ldb, boolean accumulate, double[] c, int ldc) {
    if (w.partial.length < m * n) {
      w.partial = new double[m * n];
    }
    double[] t = w.partial;
    if (accumulate) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          t[j * m + i] = c[i * ldc + j];
        }
      }
    }
    serial(w, bl, !tb, false, n, 0, m, 0, k, alpha, b, ldb, a, lda, accumulate, t, 0, m); // Aᵀ read plain
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        c[i * ldc + j] = t[j * m + i];
      }
    }
  }

  /**
   * A product at least as wide as it is high, its columns split between {@code threads} threads in whole NR-wide
   * panels: each packs its own share of B and all of A, and runs the whole of k without waiting for the others. The
   * row split below packs B once for all threads, but on the caller alone while the others wait, and hands the work
   * over once per block of k; here B's packing, the larger when n ≥ m, is shared out and the hand-over is one. The
   * tiles start where the whole product's would (the shares are whole panels), so C has the same bits either way.
   */
  private void columns(Workspace w, CpuShape.Blocking bl, int threads, boolean ta, boolean tb, int m, int n, int k,
      double alpha, double[] a, int lda, double[] b, int ldb, boolean accumulate, double[] c, int ldc) {
    int nr = kernel.nr();
    w.setJob(m, n, k, ta, a, lda, tb, b, ldb, alpha, c, ldc, accumulate);
    w.jobBlocking = bl;
    w.jobColsPerPart = ((n + threads - 1) / threads + nr - 1) / nr * nr;
    pool.invoke(threads, w.columns);
    w.clearJob();
  }

  /**
   * Whether a product is computed as two halves of k ({@link #halves}): one whose k exceeds m and is at least n, as
   * in a Dense layer's forward product X·W (k inputs, n outputs, m samples), worth splitting over the cores, and whose
   * C has at most {@value #HALVES_MAX_ELEMENTS} elements, so that it and a partial product stay in cache. The
   * choice depends on the shape alone, never on the threads there are, so that C has the same bits on any machine.
   */
  boolean halves(int m, int n, int k) {
    return k > m && k >= n && (long) m * n <= HALVES_MAX_ELEMENTS && 2L * m * n * k >= polledFlops;
  }

  /**
   * C += α·(op(A)[:, K₀]·op(B)[K₀, :] + op(A)[:, K₁]·op(B)[K₁, :]) over the two halves K₀ and K₁ of k, each half's
   * partial product on its own threads (the first straight into C), then C's rows shared out to add the second in.
   * Split by columns instead, every thread would pack all of op(A) (m × k, here larger than C) and read every row of
   * op(B), though the weights' other loops (Adam, and the weight gradient Xᵀ·dY split by rows) give each core its own
   * half of those rows: here each core packs half of op(A) and reads, of B, only its own rows. The sum moves m × n
   * elements between the cores instead.
   */
  private void halves(Workspace w, int threads, boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a,
      int lda, double[] b, int ldb, boolean accumulate, double[] c, int ldc, double[] bias) {
    if (w.partial.length < m * n) {
      w.partial = new double[m * n];
    }
    w.setJob(m, n, k, ta, a, lda, tb, b, ldb, alpha, c, ldc, accumulate);
    w.jobBias = bias;
    w.jobThreads = threads;
    if (threads == 1) { // nothing to hand over, as for a product inside another job's part (a convolution's)
      w.half(0, 0, 1);
      w.half(1, 0, 1);
      w.runHalfSum(0);
    } else {
      pool.invoke(threads, w.halves);
      pool.invoke(threads, w.halfSums);
    }
    w.clearJob();
  }

  /**
   * Into how many slices of k a product is split (1: none). Only large products whose k is more than eight times m·n
   * and spans at least four cache blocks: there the row split would hand the pool one small block after another, each
   * behind a serial packing of B, while k alone has work for every core. (At 64 × 288 × 25 088 the row split measured
   * as fast.) The count depends on the shape alone (at most 16, each slice at least two blocks), never on the threads
   * there are, so that the sum's order is fixed.
   */
  int slices(int m, int n, int k) {
    if (2L * m * n * k < sliceFlops || k < 4 * shallow.kc() || 8L * m * n > k) {
      return 1;
    }
    return Math.min(16, k / (2 * shallow.kc()));
  }

  /**
   * C += α·Σₛ op(A)[:, Kₛ]·op(B)[Kₛ, :] over the slices Kₛ of k: the cores share out the slices, each slice's partial
   * product is computed whole on one thread, and the caller adds them up in slice order. A partial product is computed
   * as its transpose op(B)ᵀ·op(A)ᵀ when that pads the register tiles less (n = 9 columns would fill 9 of a tile's NR).
   */
  private void splitK(Workspace w, int slices, boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a,
      int lda, double[] b, int ldb, boolean accumulate, double[] c, int ldc) {
    boolean swap = padded(n, m) < padded(m, n);
    int size = m * n;
    if (w.partial.length < slices * size) {
      w.partial = new double[slices * size];
    }
    double[] partial = w.partial;
    // op(B)ᵀ is B read the other way round; each slice is computed with α = 1 and stored, α applied in the sum
    w.setJob(swap ? n : m, swap ? m : n, k, swap ? !tb : ta, swap ? b : a, swap ? ldb : lda, swap ? !ta : tb,
        swap ? a : b, swap ? lda : ldb, 1, partial, swap ? m : n, false);
    w.jobSlices = slices;
    w.nextSlice.set(0);
    pool.invoke(Math.min(pool.parallelism(), slices), w.slices);
    w.clearJob();
    for (int s = 1; s < slices; s++) { // Σₛ in slice order, into slice 0's
      kernel.add(size, partial, s * size, partial, 0);
    }
    for (int i = 0; i < m; i++) {
      int row = i * ldc;
      for (int j = 0; j < n; j++) {
        double sum = alpha * partial[swap ? j * m + i : i * n + j];
        c[row + j] = flush(accumulate ? c[row + j] + sum : sum);
      }
    }
  }

  /** The tile-padded size of an m × n product: what the micro-kernel computes for it. */
  private long padded(int m, int n) {
    int mr = kernel.mr();
    int nr = kernel.nr();
    return (long) ((m + mr - 1) / mr * mr) * ((n + nr - 1) / nr * nr);
  }

  /**
   * The steps of k a block takes: kc at most, evened out over the blocks (k = 200 is 100 + 100, not 192 + 8, whose
   * short block would spend more on the tile's edges than on its steps).
   */
  private static int kStep(int k, CpuShape.Blocking bl) {
    int blocks = (k + bl.kc() - 1) / bl.kc();
    return (k + blocks - 1) / blocks;
  }

  /**
   * The blocking of an m × n × k product: {@link #deep} when k is deeper than {@link #shallow}'s kc and C is at least
   * kc × kc of the deep one, else {@link #shallow} (where a panel of B fills the level 1 in the shallow kc, the two
   * are the same). Every block of k loads and stores each tile of C once more, and for a C that large from the level
   * 3; the deeper blocks halve that traffic where the tile is narrow enough for the level 1 to hold twice the steps
   * (AVX2). Smaller products keep the shallow blocks, whose B block and A block are twice the columns and rows: on
   * AVX2 Zen 2, float, the deep blocks made 128 × 784 × 256 8 % slower and 784 × 128 × 256 17 %. Chosen by the shape
   * alone, so every split of a product takes the same blocks of k and C the same bits.
   */
  CpuShape.Blocking blocking(int m, int n, int k) {
    return k > shallow.kc() && m >= deep.kc() && n >= deep.kc() ? deep : shallow;
  }

  /** This thread's packed-A buffer, grown to kc steps of {@code rows} rows, rounded up to whole MR-row panels. */
  private double[] aPack(Workspace w, int rows, int kc) {
    int mr = kernel.mr();
    int packed = panel(kc) * ((rows + mr - 1) / mr);
    if (w.aPack.length < packed) {
      w.aPack = new double[packed];
    }
    return w.aPack;
  }

  /** This thread's packed-B buffer, grown to a kc × nc block of {@code bl} for a product n wide. */
  private double[] bPack(Workspace w, int n, CpuShape.Blocking bl) {
    int nr = kernel.nr();
    int packed = bl.kc() * ((Math.min(bl.nc(), n) + nr - 1) / nr) * nr;
    if (w.bPack.length < packed) {
      w.bPack = new double[packed];
    }
    return w.bPack;
  }

  /**
   * Columns [j0, j1) of C[c0..] += α·op(A)[:, k0..k1)·op(B)[k0..k1, j0..j1) (unless {@code accumulate}: =, what C
   * held ignored), every block of {@code bl} on this thread with its workspace {@code own}.
   */
  private void serial(Workspace own, CpuShape.Blocking bl, boolean ta, boolean tb, int m, int j0, int j1, int k0,
      int k1, double alpha, double[] a, int lda, double[] b, int ldb, boolean accumulate, double[] c, int c0,
      int ldc) {
    double[] bPack = bPack(own, j1 - j0, bl);
    int step = kStep(k1 - k0, bl);
    if (m > step && j1 - j0 > bl.nc()) {
      serialAlongRows(own, bl, ta, tb, m, j0, j1, k0, k1, step, alpha, a, lda, b, ldb, accumulate, c, c0, ldc,
          bPack);
      return;
    }
    boolean inPlace = inPlace(tb, ldb);
    for (int jc = j0; jc < j1; jc += bl.nc()) {
      int nc = Math.min(bl.nc(), j1 - jc);
      for (int pc = k0; pc < k1; pc += step) {
        int kc = Math.min(step, k1 - pc);
        packB(tb, inPlace, b, ldb, pc, jc, kc, nc, bPack);
        block(0, m, ta, a, lda, pc, kc, jc, nc, alpha, c, c0, ldc, accumulate || pc > k0, pc + kc == k1, bPack,
            inPlace ? b : null, pc * ldb + jc, ldb, bl);
      }
    }
  }

  /**
   * As {@link #serial}, for a product higher than a block of k is deep, whose tiles {@link #block} would take along
   * the rows, and wider than a block of B's columns: each block of k packs A's rows once, {@code bl.mcL3()} at a time
   * (all of them but in a product of thousands of rows), and every block of B's columns then runs over them. Taken
   * block by block, A would be packed again for every block of B's columns: at n = 1024 on a 512 KiB level 2, four
   * times in float with the shallow blocks (nc = 256) and eight with the deep ones (nc = 128), eight and sixteen times
   * in double. Along the rows A's block need not fit in the level 2, as {@link #block} sizes it: each MR-row panel is
   * fetched once per row of tiles, from the level 3 here, and then stays in the level 1 while B's block streams past
   * it. The same products are added in the same order into each element of C, so the bits are the same. Measured on
   * AVX2 Zen 2 (512 KiB L2) at n = 1024 with the shallow blocks, the two ways taking turns in one JVM, on two cores:
   * float 102.5-115.8 GFLOP/s on average against 97.6-108.2, double 58.8 against 54.7; in separate JVMs on one core,
   * double 31-34 against 25-30, float 55-70 against 52-64.
   */
  private void serialAlongRows(Workspace own, CpuShape.Blocking bl, boolean ta, boolean tb, int m, int j0, int j1,
      int k0, int k1, int step, double alpha, double[] a, int lda, double[] b, int ldb, boolean accumulate,
      double[] c, int c0, int ldc, double[] bPack) {
    int mr = kernel.mr();
    int chunks = (m + bl.mcL3() - 1) / bl.mcL3();
    int chunkRows = ((m + chunks - 1) / chunks + mr - 1) / mr * mr; // whole panels, so that only the last has an edge
    double[] aPack = aPack(own, chunkRows, step);
    boolean inPlace = inPlace(tb, ldb);
    boolean inRuns = runs(ta, j1 - j0);
    for (int pc = k0; pc < k1; pc += step) {
      int kc = Math.min(step, k1 - pc);
      boolean blockAccumulates = accumulate || pc > k0;
      for (int i0 = 0; i0 < m; i0 += chunkRows) {
        int rows = Math.min(chunkRows, m - i0);
        packA(ta, inRuns, a, lda, i0, pc, rows, kc, aPack);
        for (int jc = j0; jc < j1; jc += bl.nc()) {
          int nc = Math.min(bl.nc(), j1 - jc);
          packB(tb, inPlace, b, ldb, pc, jc, kc, nc, bPack);
          tiles(true, rows, nc, kc, inRuns, aPack, bPack, inPlace ? b : null, pc * ldb + jc, ldb, alpha, c,
              c0 + i0 * ldc + jc, ldc, blockAccumulates, pc + kc == k1, own.tile);
        }
      }
    }
  }

  /** Fewer rows than a tile (inference on one sample): each row of op(A) times op(B), unpacked, on this thread. */
  private void rows(Workspace w, boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int lda,
      double[] b, int ldb, double[] c, int ldc) {
    for (int i = 0; i < m; i++) {
      double[] row = a;
      int ao = i * lda;
      if (ta) { // row i of Aᵀ is column i of A: gather it so that the kernel reads it contiguously
        if (w.column.length < k) {
          w.column = new double[k];
        }
        double[] column = w.column;
        for (int p = 0; p < k; p++) {
          column[p] = a[p * lda + i];
        }
        row = column;
        ao = 0;
      }
      if (tb) {
        kernel.rowTransposed(n, k, alpha, row, ao, b, ldb, c, i * ldc);
      } else {
        kernel.row(n, k, alpha, row, ao, b, ldb, c, i * ldc);
      }
      for (int j = i * ldc; j < i * ldc + n; j++) { // as the tiles' results (see the class comment)
        c[j] = flush(c[j]);
      }
    }
  }

  /**
   * Rows [from, to) of C (from offset c0) for one (pc, jc) block: pack A in MC-row blocks and run the micro-kernel over
   * the tiles, in one of two orders. Down a column of tiles first (as BLIS), B's kc × NR panel stays in the level-1
   * cache while A's panels, MR values a step, stream past it from the level 2: the least data streamed. Along a row of
   * tiles first, an MR × kc panel of A stays in the level 1 while B's block, 2·NR values a step, streams from the level
   * 2, where it was sized to fit ({@link CpuShape#blocking}); this pays when C's rows are too many to stay in cache
   * between blocks of k (more of them than kc: C's block then outgrows B's, half the level 2), since the tiles of a row
   * of C follow each other in memory, which the hardware prefetches, where a column of tiles jumps a page per tile.
   * Measured by CPU time on one AVX-512 core with 2 MiB of L2, at n = 1024 along the rows was 6-15 % faster in double,
   * 0-4 % in float; at 128 × 784 × 256 down the columns 5 % faster in float. Either order adds the same products in
   * the same order into each element of C, so the bits are the same.
   */
  private void block(int from, int to, boolean ta, double[] a, int lda, int pc, int kc, int jc, int nc, double alpha,
      double[] c, int c0, int ldc, boolean accumulate, boolean last, double[] bPack, double[] bIn, int bAt, int bLd,
      CpuShape.Blocking bl) {
    Workspace own = workspaces.get(); // the running thread's: a worker's when the product is split
    double[] aPack = aPack(own, Math.min(bl.mc(), to - from), kc);
    boolean alongRows = to - from > kc;
    boolean inRuns = runs(ta, nc);
    for (int ic = from; ic < to; ic += bl.mc()) {
      int mc = Math.min(bl.mc(), to - ic);
      packA(ta, inRuns, a, lda, ic, pc, mc, kc, aPack);
      tiles(alongRows, mc, nc, kc, inRuns, aPack, bPack, bIn, bAt, bLd, alpha, c, c0 + ic * ldc + jc, ldc,
          accumulate, last, own.tile);
    }
  }

  /** The tiles of an mc × nc block of C at co, along the rows of tiles or down the columns (see {@link #block}). */
  private void tiles(boolean alongRows, int mc, int nc, int kc, boolean aRuns, double[] aPack, double[] bPack,
      double[] bIn, int bAt, int bLd, double alpha, double[] c, int co, int ldc, boolean accumulate, boolean last,
      double[] tile) {
    int mr = kernel.mr();
    int nr = kernel.nr();
    if (alongRows) {
      for (int ir = 0; ir < mc; ir += mr) {
        for (int jr = 0; jr < nc; jr += nr) {
          tile(ir, jr, mc, nc, kc, aRuns, aPack, bPack, bIn, bAt, bLd, alpha, c, co, ldc, accumulate, last, tile);
        }
      }
    } else {
      for (int jr = 0; jr < nc; jr += nr) {
        for (int ir = 0; ir < mc; ir += mr) {
          tile(ir, jr, mc, nc, kc, aRuns, aPack, bPack, bIn, bAt, bLd, alpha, c, co, ldc, accumulate, last, tile);
        }
      }
    }
  }

  /**
   * The tile at row ir, column jr of an mc × nc block of C at co: A's panel ir / MR times B's panel jr / NR, on the
   * {@link MicroKernel#edge} kernel when at most {@link #EDGE_ROWS} rows are left (as {@link #packA} packed them).
   */
  private void tile(int ir, int jr, int mc, int nc, int kc, boolean aRuns, double[] aPack, double[] bPack,
      double[] bIn, int bAt, int bLd, double alpha, double[] c, int co, int ldc, boolean accumulate, boolean last,
      double[] tile) {
    int mr = kernel.mr();
    int nr = kernel.nr();
    int rows = Math.min(mr, mc - ir);
    MicroKernel k = rows <= EDGE_ROWS ? edge : kernel;
    // B's panel where it lies when read in place and full; else packed: all of B, or only the last, narrower panel
    // (at 0), whose NR-wide steps would run past B's end. One call of the kernel, as when B was always packed.
    boolean where = bIn != null && jr + nr <= nc;
    int bo = where ? bAt + jr : bIn != null ? 0 : jr / nr * kc * nr;
    int ao = ir / mr * panel(kc);
    if (aRuns && k == kernel) {
      k.computeRuns(kc, aPack, ao, where ? bIn : bPack, bo, where ? bLd : nr, tile);
    } else {
      k.compute(kc, aPack, ao, where ? bIn : bPack, bo, where ? bLd : nr, tile);
    }
    k.addTile(rows, Math.min(nr, nc - jr), alpha, accumulate, last, tile, c, co + ir * ldc + jr, ldc);
  }

  /**
   * Panels of MR rows of op(A)[ic.., pc..], {@link #panel}(kc) elements apart: element (r, p) of a panel at p·w + r,
   * w = MR but for a last panel of at most {@link #EDGE_ROWS} rows, which {@link MicroKernel#edge} reads with
   * w = EDGE_ROWS; zero past the edge. With {@code inRuns} ({@link #runs}) a panel of more rows is packed in runs
   * instead.
   */
  private void packA(boolean ta, boolean inRuns, double[] a, int lda, int ic, int pc, int mc, int kc, double[] out) {
    int mr = kernel.mr();
    for (int ir = 0, o = 0; ir < mc; ir += mr, o += panel(kc)) {
      int rows = Math.min(mr, mc - ir);
      int w = rows <= EDGE_ROWS ? EDGE_ROWS : mr;
      if (ta) { // op(A)[i][p] = A[p][i]: a step's MR rows lie side by side
        kernel.packAlong(a, pc * lda + ic + ir, lda, rows, kc, w, out, o);
      } else if (inRuns && w == mr) { // a run of each row as it lies
        kernel.packRuns(a, (ic + ir) * lda + pc, lda, rows, kc, out, o);
      } else {
        packAcross(a, (ic + ir) * lda + pc, lda, rows, kc, w, out, o);
      }
    }
  }

  /**
   * Whether op(A)'s panels of MR rows, multiplied into {@code columns} columns of C once packed, are packed in runs
   * ({@link MicroKernel#packRuns}): a plain A's, where the kernel reads runs and the columns are few enough. Step by
   * step, each of a panel's steps is a column of A, and packing transposes A; in runs it copies A's rows as they lie.
   * Skipping the transposing pack altogether (wrong products) made the MLP's training step 10 % faster on an AVX-512
   * Xeon, where it took 11.6 % of the step's samples.
   */
  private boolean runs(boolean ta, int columns) {
    return !ta && run > 0 && columns <= RUNS_MAX_COLUMNS;
  }

  /**
   * The most columns of C a block of A packed in runs is multiplied into ({@link #runs}): beyond, the pack saved no
   * longer repaid reading runs. Float, AVX-512 Xeon, both ways taking turns in one JVM: 128 × 784 × 256 209 µs
   * against 274, 512³ (256 columns a core) 1,139 against 1,172, but 1024³ (512) 8.6 ms against 8.1; with the runs
   * kernel as fast as the step kernel alone on a core, 1024³ still ran at 260-281 GFLOP/s in runs against 266-283.
   */
  static final int RUNS_MAX_COLUMNS = 256;

  /** The elements of one packed panel of A for kc steps: MR a step, kc rounded up to whole runs. */
  private int panel(int kc) {
    return (run > 0 ? (kc + run - 1) / run * run : kc) * kernel.mr();
  }

  /**
   * Steps [from, kc) of {@link MicroKernel#packRuns}'s panel in runs of R, element by element: the last run, when R
   * does not divide kc, or the whole panel.
   */
  static void packRuns(double[] src, int s, int ld, int count, int from, int kc, int mr, int r, double[] out,
      int o) {
    for (int p = from; p < kc; p++) {
      int at = o + p / r * r * mr + p % r;
      for (int x = 0; x < mr; x++) {
        out[at + x * r] = x < count ? src[s + x * ld + p] : 0;
      }
    }
  }

  /**
   * Whether the full panels of B are read where they lie rather than packed: a plain B's NR-wide panel is a run of NR
   * values on each of its rows, which the micro-kernel reads as well there, one row (ldb elements) after another, as
   * from a packed panel, and which the hardware prefetches along the constant stride. Packing copied all of B for
   * every block, in a row split on the caller alone while the other cores waited, and the smaller the product the
   * larger that copy's share. Not where B's rows lie a multiple of 4 KiB apart: a panel's rows then all fall in one
   * or two sets of the level-1 cache, and alias in the 4 KiB address comparison of the core's loads and stores.
   * Measured on an AVX-512 Xeon (48 KiB 12-way level 1), float, read in place against packed: 256 × 128 × 128 with
   * A transposed (an MLP's weight gradient Hᵀ·dZ) 32-33 µs against 55-58, 784 × 128 × 256 with A transposed
   * 169-174 against 183-197, 128 × 784 × 256 204-215 against 209-233, 1024 × 256 × 256 518 against 554; 256³ and
   * 512³ the same; but with B's rows 4 KiB apart 1024³ 10.0-10.5 ms against 7.7 and 128 × 1024 × 1024 1.23 against
   * 1.16. The bits are the same: the same multiply-adds in the same order.
   */
  private static boolean inPlace(boolean tb, int ldb) {
    return !tb && (long) ldb * Double.BYTES % 4096 != 0;
  }

  /**
   * Panels of NR columns of op(B)[pc.., jc..]: element (p, col) of panel q at q·kc·NR + p·NR + col; when read
   * {@code inPlace}, only a last panel narrower than NR, at 0.
   */
  private void packB(boolean tb, boolean inPlace, double[] b, int ldb, int pc, int jc, int kc, int nc,
      double[] bPack) {
    int nr = kernel.nr();
    if (inPlace) { // only a last panel narrower than NR, at 0: its NR-wide steps read in place would run past B's end
      int jr = nc / nr * nr;
      if (jr < nc) {
        kernel.packAlong(b, pc * ldb + jc + jr, ldb, nc - jr, kc, nr, bPack, 0);
      }
      return;
    }
    for (int jr = 0, o = 0; jr < nc; jr += nr, o += kc * nr) {
      int cols = Math.min(nr, nc - jr);
      if (tb) { // op(B)[p][j] = B[j][p]: a column of the panel lies along a row of B
        packAcross(b, (jc + jr) * ldb + pc, ldb, cols, kc, nr, bPack, o);
      } else {
        kernel.packAlong(b, pc * ldb + jc + jr, ldb, cols, kc, nr, bPack, o);
      }
    }
  }

  /**
   * Steps of k that {@link #packAcross} copies from one row before the next: 16, a 64-byte cache line of float (two
   * of double), so that each line of the source is read whole while it is in cache.
   */
  static final int PACK_STEPS = 16;

  /**
   * A panel w wide whose rows lie along the source's rows (op(A) of a transposed A, op(B) of a plain B):
   * out[o + p·w + x] ← src[s + p·ld + x] for p &lt; kc, x &lt; count, and 0 for count ≤ x &lt; w. Element by element:
   * a step is a few elements (MR of A), and a call of {@code System.arraycopy} or {@code Arrays.fill} for each cost
   * more than the copy (AVX2 Zen 2, float, Xᵀ of 128 × 784 in 5-row panels: 151 µs against 86). The vector kernels
   * copy B's NR-wide steps a vector at a time ({@link DoubleVectorKernel#packAlong}).
   */
  static void packAlong(double[] src, int s, int ld, int count, int kc, int w, double[] out, int o) {
    for (int p = 0; p < kc; p++, s += ld, o += w) {
      for (int x = 0; x < count; x++) {
        out[o + x] = src[s + x];
      }
      for (int x = count; x < w; x++) {
        out[o + x] = 0;
      }
    }
  }

  /**
   * A panel w wide whose columns lie along the source's rows (op(B) of a transposed B, op(A) of a plain A), transposed
   * as it is packed: out[o + p·w + x] ← src[s + x·ld + p] for p &lt; kc, x &lt; count, and 0 for count ≤ x &lt; w. The
   * rows are read {@link #PACK_STEPS} elements at a time, a tile of the panel between the w rows, so that each line of
   * the source read is used whole while the tile being written stays in the level-1 cache. Reading one step of all w
   * rows after another instead would need w lines at once, and with a row stride of a multiple of 4 KiB these all fall
   * in one set of the cache and evict each other: every element a miss.
   */
  static void packAcross(double[] src, int s, int ld, int count, int kc, int w, double[] out, int o) {
    for (int p0 = 0; p0 < kc; p0 += PACK_STEPS) {
      int steps = Math.min(PACK_STEPS, kc - p0);
      int tile = o + p0 * w;
      for (int x = 0; x < count; x++) {
        int row = s + x * ld + p0;
        for (int p = 0, t = tile + x; p < steps; p++, t += w) {
          out[t] = src[row + p];
        }
      }
    }
    if (count < w) {
      for (int p = 0, t = o; p < kc; p++, t += w) {
        java.util.Arrays.fill(out, t + count, t + w, 0);
      }
    }
  }

  /** The portable micro-kernel: plain loops over a 4 × 8 tile, for JVMs without the Vector API. */
  static final class Scalar implements MicroKernel {
    @Override
    public int mr() {
      return 4;
    }

    @Override
    public int nr() {
      return 8;
    }

    @Override
    public MicroKernel edge() {
      return this; // already 4 rows
    }

    @Override
    public void compute(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] tile) {
      java.util.Arrays.fill(tile, 0);
      for (int p = 0; p < kc; p++) {
        int ap = ao + p * 4;
        int bp = bo + p * ldb;
        for (int r = 0; r < 4; r++) {
          double ar = a[ap + r];
          int t = r * 8;
          for (int j = 0; j < 8; j++) {
            tile[t + j] += ar * b[bp + j];
          }
        }
      }
    }

    @Override
    public void addTile(int rows, int cols, double alpha, boolean accumulate, boolean last, double[] tile, double[] c,
        int co, int ldc) {
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < cols; j++) {
          double x = alpha * tile[r * 8 + j];
          double sum = accumulate ? c[co + r * ldc + j] + x : x;
          c[co + r * ldc + j] = last ? flush(sum) : sum;
        }
      }
    }

    @Override
    public void row(int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c, int co) {
      for (int p = 0; p < k; p++) { // axpy row by row: B is read in the order it lies
        double x = alpha * a[ao + p];
        int bo = p * ldb;
        for (int j = 0; j < n; j++) {
          c[co + j] += x * b[bo + j];
        }
      }
    }

    @Override
    public void add(int n, double[] x, int xo, double[] y, int yo) {
      for (int j = 0; j < n; j++) {
        y[yo + j] = flush(y[yo + j] + x[xo + j]);
      }
    }

    @Override
    public void packAlong(double[] src, int s, int ld, int count, int kc, int w, double[] out, int o) {
      DoubleGemm.packAlong(src, s, ld, count, kc, w, out, o);
    }

    @Override
    public void rowTransposed(int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c,
        int co) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        int bo = j * ldb;
        for (int p = 0; p < k; p++) {
          sum += a[ao + p] * b[bo + p];
        }
        c[co + j] += alpha * sum;
      }
    }
  }
}
