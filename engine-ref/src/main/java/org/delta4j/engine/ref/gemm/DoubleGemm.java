package org.delta4j.engine.ref.gemm;

/**
 * Double-precision C ← α·op(A)·op(B) + β·C on row-major arrays, in the manner of GotoBLAS: B is packed into panels
 * NR columns wide that stay in cache across a block of KC steps, A into panels MR rows high, and a register-tiled
 * micro-kernel multiplies one MR × NR tile at a time. Transposes cost nothing: the packing reads either layout. Large
 * products split their rows between the threads of a {@link WorkerPool}. Packing buffers and a product's
 * state are kept per thread, so a product allocates nothing in steady state and several threads multiply at once:
 * thread-safe. The same structure as {@link FloatGemm}, in double.
 */
final class DoubleGemm {
  /** Computes one MR × NR tile of packed A times packed B and adds α times it into C (only rows × cols of it). */
  interface MicroKernel {
    int mr();

    int nr();

    void compute(int kc, double[] a, int ao, double[] b, int bo, double[] c, int co, int ldc, double alpha, int rows,
        int cols, double[] tile);

    /**
     * One row of a product with too few rows to pack: c[co + j] += α·Σₚ a[ao + p]·b[p·ldb + j] for j &lt; n, p &lt; k,
     * reading B where it lies (packing B would cost as much as the product).
     */
    void row(int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c, int co);

    /** As {@link #row} with B transposed: c[co + j] += α·Σₚ a[ao + p]·b[j·ldb + p], one dot product per column. */
    void rowTransposed(int n, int k, double alpha, double[] a, int ao, double[] b, int ldb, double[] c,
        int co);
  }

  /** The cache blocking (see {@link CpuShape#blocking}): steps of k, rows of A, columns of B per block. */
  private final int blockK;
  private final int blockM;
  private final int blockN;

  private final MicroKernel kernel;
  private final WorkerPool pool;
  private final long parallelFlops;
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
    final double[] aPack = new double[blockK * ((blockM + kernel.mr() - 1) / kernel.mr()) * kernel.mr()];
    final double[] tile = new double[kernel.mr() * kernel.nr()];
    /** Packed B for this caller's products; grows to the largest block seen, at most kc × nc rounded up to NR. */
    double[] bPack = new double[0];
    /** A column of A gathered for {@link #rows}; grows to the longest seen. */
    double[] column = new double[0];
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
    final java.util.function.IntConsumer part = this::runPart;

    private void runPart(int t) {
      block(Math.min(jobRows, t * jobRowsPerPart), Math.min(jobRows, (t + 1) * jobRowsPerPart), jobTa, jobA, jobLda,
          jobPc, jobKc, jobJc, jobNc, jobAlpha, jobC, jobLdc, bPack);
    }
  }

  DoubleGemm(MicroKernel kernel, CpuShape.Blocking blocking, WorkerPool pool, long parallelFlops) {
    this.kernel = kernel;
    this.blockK = blocking.kc();
    this.blockM = blocking.mc();
    this.blockN = blocking.nc();
    this.pool = pool;
    this.parallelFlops = parallelFlops;
  }

  String kernelName() {
    return kernel.mr() + "×" + kernel.nr() + " tile, kc=" + blockK + " mc=" + blockM + " nc=" + blockN;
  }

  void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int lda, double[] b, int ldb, double beta,
      double[] c, int ldc) {
    for (int i = 0; i < m; i++) { // C ← β·C; β = 0 ignores what C held, NaN included
      int row = i * ldc;
      if (beta == 0) {
        java.util.Arrays.fill(c, row, row + n, 0);
      } else if (beta != 1) {
        for (int j = 0; j < n; j++) {
          c[row + j] *= beta;
        }
      }
    }
    if (m == 0 || n == 0 || k == 0 || alpha == 0) {
      return;
    }
    int mr = kernel.mr();
    Workspace w = workspaces.get();
    if (m < mr) {
      rows(w, ta, tb, m, n, k, alpha, a, lda, b, ldb, c, ldc);
      return;
    }
    int nr = kernel.nr();
    int packed = Math.min(blockK, k) * ((Math.min(blockN, n) + nr - 1) / nr) * nr;
    if (w.bPack.length < packed) {
      w.bPack = new double[packed];
    }
    double[] bPack = w.bPack;
    int threads = 2L * m * n * k >= parallelFlops ? Math.min(pool.parallelism(), (m + mr - 1) / mr) : 1;
    for (int jc = 0; jc < n; jc += blockN) {
      int nc = Math.min(blockN, n - jc);
      for (int pc = 0; pc < k; pc += blockK) {
        int kc = Math.min(blockK, k - pc);
        packB(tb, b, ldb, pc, jc, kc, nc, bPack);
        if (threads == 1) {
          block(0, m, ta, a, lda, pc, kc, jc, nc, alpha, c, ldc, bPack);
        } else {
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
          pool.invoke(threads, w.part);
          w.jobA = null; // keep no caller's arrays alive
          w.jobC = null;
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
    }
  }

  /** Rows [from, to) of C for one (pc, jc) block: pack A in MC-row blocks and run the micro-kernel over the tiles. */
  private void block(int from, int to, boolean ta, double[] a, int lda, int pc, int kc, int jc, int nc, double alpha,
      double[] c, int ldc, double[] bPack) {
    Workspace own = workspaces.get(); // the running thread's: a worker's when the product is split
    double[] aPack = own.aPack;
    int mr = kernel.mr();
    int nr = kernel.nr();
    for (int ic = from; ic < to; ic += blockM) {
      int mc = Math.min(blockM, to - ic);
      packA(ta, a, lda, ic, pc, mc, kc, aPack);
      for (int jr = 0; jr < nc; jr += nr) {
        int bo = jr / nr * kc * nr;
        int cols = Math.min(nr, nc - jr);
        for (int ir = 0; ir < mc; ir += mr) {
          kernel.compute(kc, aPack, ir / mr * kc * mr, bPack, bo, c, (ic + ir) * ldc + jc + jr, ldc, alpha,
              Math.min(mr, mc - ir), cols, own.tile);
        }
      }
    }
  }

  /** Panels of MR rows of op(A)[ic.., pc..]: element (r, p) of panel q at q·kc·MR + p·MR + r; zero past the edge. */
  private void packA(boolean ta, double[] a, int lda, int ic, int pc, int mc, int kc, double[] out) {
    int mr = kernel.mr();
    int o = 0;
    for (int ir = 0; ir < mc; ir += mr) {
      int rows = Math.min(mr, mc - ir);
      for (int p = 0; p < kc; p++) {
        for (int r = 0; r < rows; r++) {
          int i = ic + ir + r;
          out[o + r] = ta ? a[(pc + p) * lda + i] : a[i * lda + pc + p];
        }
        for (int r = rows; r < mr; r++) {
          out[o + r] = 0;
        }
        o += mr;
      }
    }
  }

  /** Panels of NR columns of op(B)[pc.., jc..]: element (p, col) of panel q at q·kc·NR + p·NR + col. */
  private void packB(boolean tb, double[] b, int ldb, int pc, int jc, int kc, int nc, double[] bPack) {
    int nr = kernel.nr();
    int o = 0;
    for (int jr = 0; jr < nc; jr += nr) {
      int cols = Math.min(nr, nc - jr);
      for (int p = 0; p < kc; p++) {
        if (!tb && cols == nr) {
          System.arraycopy(b, (pc + p) * ldb + jc + jr, bPack, o, nr);
        } else {
          for (int col = 0; col < cols; col++) {
            int j = jc + jr + col;
            bPack[o + col] = tb ? b[j * ldb + pc + p] : b[(pc + p) * ldb + j];
          }
          for (int col = cols; col < nr; col++) {
            bPack[o + col] = 0;
          }
        }
        o += nr;
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
    public void compute(int kc, double[] a, int ao, double[] b, int bo, double[] c, int co, int ldc, double alpha,
        int rows, int cols, double[] tile) {
      java.util.Arrays.fill(tile, 0);
      for (int p = 0; p < kc; p++) {
        int ap = ao + p * 4;
        int bp = bo + p * 8;
        for (int r = 0; r < 4; r++) {
          double ar = a[ap + r];
          int t = r * 8;
          for (int j = 0; j < 8; j++) {
            tile[t + j] += ar * b[bp + j];
          }
        }
      }
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < cols; j++) {
          c[co + r * ldc + j] += alpha * tile[r * 8 + j];
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
