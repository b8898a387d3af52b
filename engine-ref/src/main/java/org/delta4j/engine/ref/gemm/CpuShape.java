package org.delta4j.engine.ref.gemm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the reference gemm shapes itself to, read at run time in the way BLIS picks a micro-kernel and its blocking
 * per architecture: the width of the vectors the JVM computes with here, how many vector registers the instruction set
 * has, and the sizes of the data caches as the kernel reports them (Linux's {@code /sys/devices/system/cpu}; common
 * sizes where they cannot be read). Immutable.
 *
 * <p>The register tile is {@link #tileRows()} rows by two vectors: 2·rows accumulators, two vectors of B and one
 * broadcast of A must fit in the registers, so 14 × 2 vectors with AVX-512's thirty-two (14×32 in float) and 4 × 2
 * with AVX2's sixteen (4×16). The blocking then follows the caches ({@link #blocking}).
 *
 * @param vectorBits the JVM's preferred vector width here (0 for the scalar kernels)
 * @param vectorRegisters architectural vector registers
 * @param l1d bytes of level-1 data cache per core
 * @param l2 bytes of level-2 cache per core
 * @param l3 bytes of the last-level cache
 */
record CpuShape(int vectorBits, int vectorRegisters, long l1d, long l2, long l3) {
  /** System property: the rows of the register tile, one of {@link #ROWS}, instead of the ones chosen here. */
  static final String ROWS_PROPERTY = "delta4j.ref.tileRows";
  /** The register tiles there are kernels for, in rows of two vectors, narrowest first. */
  static final int[] ROWS = {4, 6, 14};

  private static final long DEFAULT_L1D = 32 << 10;
  private static final long DEFAULT_L2 = 512 << 10;
  private static final long DEFAULT_L3 = 8 << 20;

  /** This machine, for vectors of {@code vectorBits}. */
  static CpuShape here(int vectorBits) {
    long l1d = DEFAULT_L1D;
    long l2 = DEFAULT_L2;
    long l3 = DEFAULT_L3;
    Path caches = Path.of("/sys/devices/system/cpu/cpu0/cache");
    for (int i = 0; i < 8; i++) {
      Path index = caches.resolve("index" + i);
      try {
        String type = Files.readString(index.resolve("type")).trim();
        int level = Integer.parseInt(Files.readString(index.resolve("level")).trim());
        long size = parseSize(Files.readString(index.resolve("size")));
        if (size <= 0 || type.equals("Instruction")) {
          continue;
        }
        if (level == 1) {
          l1d = size;
        } else if (level == 2) {
          l2 = size;
        } else if (level == 3) {
          l3 = size;
        }
      } catch (IOException | NumberFormatException e) {
        break; // no such index, or not Linux: the defaults stand for what is missing
      }
    }
    return new CpuShape(vectorBits, registers(System.getProperty("os.arch", ""), vectorBits), l1d, l2, l3);
  }

  /** {@code 48K}, {@code 2048K}, {@code 32M} as the kernel writes cache sizes; −1 if unreadable. */
  static long parseSize(String text) {
    String s = text.trim().toUpperCase(Locale.ROOT);
    long unit = s.endsWith("K") ? 1L << 10 : s.endsWith("M") ? 1L << 20 : s.endsWith("G") ? 1L << 30 : 1;
    try {
      return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Architectural vector registers: x86-64 has 16 (xmm/ymm) and 32 with AVX-512, which is what 512-bit vectors
   * imply; AArch64 has 32; anything else is taken as 16.
   */
  static int registers(String arch, int vectorBits) {
    if (arch.equals("aarch64") || arch.equals("arm64")) {
      return 32;
    }
    return vectorBits >= 512 ? 32 : 16;
  }

  /**
   * The rows of the two-vector register tile: 14 where its 28 accumulators, two vectors of B and a broadcast of A fit
   * the registers (thirty-two: AVX-512, AArch64), else 4; {@value #ROWS_PROPERTY} overrides. Sixteen registers would
   * also hold the 6-row tile (15 of them, BLIS's Haswell shape), but held to AVX2 on Zen 4 (two 256-bit FMA pipes of
   * four cycles, as Zen 3) the 4-row one was faster: at n = 1024 65-74 float products a second against 53-67, in each
   * of six pairs of JVMs, and 33.5 double against 30.8 on average (27-36 against 28-34); alone on a core 94-95 GFLOP/s
   * against 86-87, where C2's code for six rows spends 45 instructions on a step's 12 multiply-adds.
   */
  int tileRows() {
    return tileRows(System.getProperty(ROWS_PROPERTY));
  }

  /** {@link #tileRows()} with {@code forced} as the property's value (null when it is not set). */
  int tileRows(String forced) {
    if (forced != null) {
      try {
        int rows = Integer.parseInt(forced.trim());
        for (int r : ROWS) {
          if (r == rows) {
            return rows;
          }
        }
      } catch (NumberFormatException e) {
        // not a number: the same message as for a number of rows there is no kernel for
      }
      throw new IllegalArgumentException(ROWS_PROPERTY + "=" + forced + ": the rows must be one of "
          + Arrays.toString(ROWS) + ", the tiles there are kernels for");
    }
    int widest = ROWS[ROWS.length - 1];
    return 2 * widest + 3 <= vectorRegisters ? widest : ROWS[0];
  }

  /**
   * The cache blocking for an {@code mr} × {@code nr} tile of {@code elementBytes}-byte numbers, after GotoBLAS and
   * BLIS: kc steps make a kc × nr panel of packed B fill the level-1 cache, up to {@value #MAX_KC} steps; a kc × nc
   * block of packed B fills half the level-2 cache (the panels of A meet it one after another while it stays there, see
   * {@link DoubleGemm}), and at most a quarter of the last level; an mc × kc block of packed A, packed at once, half the
   * level-2 cache. Each is rounded to whole tiles and kept within sizes that measured well.
   *
   * <p>Why all of the level 1 rather than half, which would leave room for a panel of A beside B's: every block of k
   * loads and stores each tile of C once more, from the level 3 for a product larger than the level 2, and that traffic
   * costs more than B's panel sharing the level 1 with A's. On Zen 4 (32 KiB, float 14 × 32), kc = 256 against 128:
   * n = 1024 at 80-90 products/s against 78-83 with the cores on one L3 and 68-71 against 58-60 on two; 128 × 784 ×
   * 256 at 3,242-3,381 against 3,001-3,244; 512 at 638-681 against 578-620. kc = 384 was slower than 256 (71-81).
   */
  Blocking blocking(int elementBytes, int mr, int nr) {
    int kc = clamp((int) (l1d / ((long) nr * elementBytes)) / 8 * 8, 64, MAX_KC);
    int mc = clamp((int) (l2 / 2 / ((long) kc * elementBytes)) / mr * mr, 4 * mr, 480 / mr * mr);
    long ncBytes = Math.min(l2 / 2, l3 / 4);
    int nc = clamp((int) (ncBytes / ((long) kc * elementBytes)) / nr * nr, 8 * nr, 4096);
    return new Blocking(kc, mc, nc);
  }

  /** The most steps of k a block takes ({@link #blocking}): 384 measured slower than 256 on Zen 4. */
  static final int MAX_KC = 256;

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** A product's cache blocking: kc steps of k, mc rows of A, nc columns of B per block. */
  record Blocking(int kc, int mc, int nc) {
    @Override
    public String toString() {
      return "kc=" + kc + " mc=" + mc + " nc=" + nc;
    }
  }
}
