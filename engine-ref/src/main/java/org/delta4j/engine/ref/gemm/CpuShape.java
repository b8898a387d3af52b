package org.delta4j.engine.ref.gemm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.delta4j.engine.CpuInfo;

/**
 * What the reference gemm shapes itself to, read at run time in the way BLIS picks a micro-kernel and its blocking
 * per architecture: the width of the vectors the JVM computes with here, how many vector registers the instruction set
 * has, how many independent multiply-adds the core's FMA pipes take to keep busy, and the sizes of the data caches as
 * the kernel reports them (Linux's {@code /sys/devices/system/cpu} and {@code /proc/cpuinfo}; common values where they
 * cannot be read). Immutable.
 *
 * <p>The register tile is {@link #tileRows()} rows by two vectors: 2·rows accumulators, two vectors of B and one
 * broadcast of A must fit in the registers, so 14 × 2 vectors with AVX-512's thirty-two (14×32 in float), and with
 * AVX2's sixteen 4 × 2 (4×16) or, where the FMA takes five cycles, 5 × 2. The blocking then follows the caches
 * ({@link #blocking}).
 *
 * @param vectorBits the JVM's preferred vector width here (0 for the scalar kernels)
 * @param vectorRegisters architectural vector registers
 * @param fmaChains independent fused multiply-adds the core needs in flight to keep its FMA pipes busy: pipes ×
 *     latency in cycles ({@link #fmaChains(CpuInfo)})
 * @param l1d bytes of level-1 data cache per core
 * @param l2 bytes of level-2 cache per core
 * @param l3 bytes of the last-level cache
 */
record CpuShape(int vectorBits, int vectorRegisters, int fmaChains, long l1d, long l2, long l3) {
  /** System property: the rows of the register tile, one of {@link #ROWS}, instead of the ones chosen here. */
  static final String ROWS_PROPERTY = "delta4j.ref.tileRows";
  /** The register tiles there are kernels for, in rows of two vectors, narrowest first. */
  static final int[] ROWS = {4, 5, 6, 14};

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
    return new CpuShape(vectorBits, registers(System.getProperty("os.arch", ""), vectorBits),
        fmaChains(CpuInfo.here()), l1d, l2, l3);
  }

  /** Two FMA pipes of four cycles' latency: Skylake and later, Zen 3 and later, and what is not recognised. */
  static final int FOUR_CYCLE_CHAINS = 8;
  /** Two FMA pipes of five cycles' latency: Haswell, Broadwell, and AMD's family 17h (Zen, Zen+, Zen 2). */
  static final int FIVE_CYCLE_CHAINS = 10;
  /** Intel's family-6 models of Haswell (3C, 3F, 45, 46) and Broadwell (3D, 47, 4F, 56). */
  private static final int[] INTEL_FIVE_CYCLE_MODELS = {0x3C, 0x3F, 0x45, 0x46, 0x3D, 0x47, 0x4F, 0x56};

  /**
   * The FMA chains of the CPU {@code cpu} describes, from its vendor, family and model: the latency of a fused
   * multiply-add is a property of the microarchitecture that no instruction-set flag tells (Agner Fog's tables: five
   * cycles on Haswell, Broadwell and Zen to Zen 2, four on Skylake and Zen 3 onwards), so it is looked up as BLIS looks
   * up its kernels. {@value #FOUR_CYCLE_CHAINS} for what is not recognised or not readable.
   */
  static int fmaChains(CpuInfo cpu) {
    String vendor = cpu.get("vendor_id");
    int family = number(cpu.get("cpu family"));
    int model = number(cpu.get("model"));
    if (vendor.equals("AuthenticAMD") && family == 0x17) {
      return FIVE_CYCLE_CHAINS;
    }
    if (vendor.equals("GenuineIntel") && family == 6
        && Arrays.stream(INTEL_FIVE_CYCLE_MODELS).anyMatch(m -> m == model)) {
      return FIVE_CYCLE_CHAINS;
    }
    return FOUR_CYCLE_CHAINS;
  }

  /** A decimal number, or −1. */
  private static int number(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
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
   * the registers (thirty-two: AVX-512, AArch64); else the fewest rows whose accumulators keep the FMA pipes busy
   * ({@link #fmaChains}): 4 for a four-cycle FMA, 5 for a five-cycle one; {@value #ROWS_PROPERTY} overrides.
   * Sixteen registers would also hold the 6-row tile (15 of them, BLIS's Haswell shape), but C2 compiles its loop to
   * some 45 instructions for 12 multiply-adds, where the 4- and 5-row loops take two steps of k an iteration with room
   * to spare. Held to AVX2 on Zen 4 (two pipes of four cycles) the 4-row tile was faster than the 6-row one: at
   * n = 1024 65-74 float products a second against 53-67, in each of six pairs of JVMs, and 33.5 double against 30.8 on
   * average. On Zen 2 (two pipes of five cycles, where four rows' eight chains leave a fifth of the pipes idle), at
   * n = 1024 on one core, 5 rows against 4: float 59.0-60.7 GFLOP/s against 49.2-56.5, double 28.9-29.4 against
   * 25.7-26.5; on both cores float 106-111 against 72-105 and double 50-52 against 46-49, in each of three pairs of
   * JVMs; 6 rows, 37.7-38.0 float products a second against 4 rows' 41.3-41.9.
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
    if (2 * widest + 3 <= vectorRegisters) {
      return widest;
    }
    int rows = ROWS[0];
    for (int r : ROWS) { // the fewest that fill the pipes, or the most that fit
      if (2 * r + 3 > vectorRegisters) {
        break;
      }
      rows = r;
      if (2 * r >= fmaChains) {
        break;
      }
    }
    return rows;
  }

  /**
   * The cache blocking for an {@code mr} × {@code nr} tile of {@code elementBytes}-byte numbers, after GotoBLAS and
   * BLIS: kc steps make a kc × nr panel of packed B fill the level-1 cache, up to {@value #MAX_KC} steps; a kc × nc
   * block of packed B fills half the level-2 cache (the panels of A meet it one after another while it stays there,
   * see {@link DoubleGemm}), and at most a quarter of the last level; an mc × kc block of packed A, packed at once,
   * half the level-2 cache; for a product taken along the rows, whose packed A need not stay in the level 2, mcL3
   * rows of A packed at once, a quarter of the last level and at most {@value #MAX_ROWS_BYTES} bytes. Each is rounded
   * to whole tiles and kept within sizes that measured well.
   *
   * <p>Why all of the level 1 rather than half, which would leave room for a panel of A beside B's: every block of k
   * loads and stores each tile of C once more, from the level 3 for a product larger than the level 2, and that traffic
   * costs more than B's panel sharing the level 1 with A's. On Zen 4 (32 KiB, float 14 × 32), kc = 256 against 128:
   * n = 1024 at 80-90 products/s against 78-83 with the cores on one L3 and 68-71 against 58-60 on two; 128 × 784 ×
   * 256 at 3,242-3,381 against 3,001-3,244; 512 at 638-681 against 578-620. kc = 384 was slower than 256 (71-81).
   */
  Blocking blocking(int elementBytes, int mr, int nr) {
    return blocking(elementBytes, mr, nr, bPanelSteps(elementBytes, nr, MAX_KC));
  }

  /**
   * As {@link #blocking}, up to {@value #MAX_DEEP_KC} steps: for products whose C is at least kc × kc (see
   * DoubleGemm's {@code blocking}), where halving the passes over C pays for B's and A's blocks of half the columns
   * and rows. The same as {@link #blocking} where a panel of B fills the level 1 in {@value #MAX_KC} steps or fewer
   * (AVX-512); twice the steps for AVX2's tiles, 16 floats or 8 doubles wide, in 32 KiB. Measured on AVX2 Zen 2
   * (float 5 × 16: kc = 512, nc = 128), the two blockings taking turns in one JVM on both cores: n = 1024 at 126.5
   * GFLOP/s against 111.4, 512 at 112.6 against 101.6, 2048 at 135.1 against 129.5; double (5 × 8: kc = 512, nc = 64)
   * at 768 and 600 × 1000 × 600 5-7 % faster, at 512, 1024 and 2048 within the noise.
   *
   * <p>Such products, higher than a block of k is deep, are taken along the rows of tiles, where what stays in the
   * level 1 is a panel of A, MR × kc, while B's block streams past it from the level 2 (DoubleGemm's block); so kc may
   * also be as deep as A's panel allows: the largest power of two of steps whose panel takes at most
   * {@value #A_PANEL_SHARE_PERCENT} % of the level 1, where that is deeper. On an AVX-512 Xeon (48 KiB, float 14 × 32)
   * that is 512 steps (28 KiB) rather than the 384 of B's panel, and n = 1024 takes two blocks of k rather than three:
   * the two taking turns in separate JVMs on both cores, the deeper faster in 12 pairs of 13, 111-133 products/s (mean
   * 124.0) against 112-128 (119.1); 768 274-281 against 257-280, 512 and 2048 within the noise; in double, where 512
   * steps of A's panel would not fit, 384 stays (512 measured no faster). On Zen 4 (32 KiB, float 14 × 32) it is 256,
   * as B's: 384 steps, A's panel 67 % of its level 1, had run slower than 256 there (see {@link #blocking}).
   */
  Blocking deepBlocking(int elementBytes, int mr, int nr) {
    int aSteps = Integer.highestOneBit((int) (l1d * A_PANEL_SHARE_PERCENT / 100 / ((long) mr * elementBytes)));
    return blocking(elementBytes, mr, nr,
        Math.max(bPanelSteps(elementBytes, nr, MAX_DEEP_KC), Math.min(aSteps, MAX_DEEP_KC)));
  }

  /** The share of the level 1 a panel of A may take in the deep blocks ({@link #deepBlocking}). */
  static final int A_PANEL_SHARE_PERCENT = 60;

  /** The steps of k that make a kc × nr panel of B fill the level 1, in whole 8 steps, from 64 to {@code maxKc}. */
  private int bPanelSteps(int elementBytes, int nr, int maxKc) {
    return clamp((int) (l1d / ((long) nr * elementBytes)) / 8 * 8, 64, maxKc);
  }

  /** {@link #blocking}'s blocks for {@code mr} × {@code nr} tiles at kc steps of k. */
  private Blocking blocking(int elementBytes, int mr, int nr, int kc) {
    int mc = clamp((int) (l2 / 2 / ((long) kc * elementBytes)) / mr * mr, 4 * mr, 480 / mr * mr);
    long ncBytes = Math.min(l2 / 2, l3 / 4);
    int nc = clamp((int) (ncBytes / ((long) kc * elementBytes)) / nr * nr, 8 * nr, 4096);
    long rowsBytes = Math.min(l3 / 4, MAX_ROWS_BYTES);
    int mcL3 = Math.max(mc, (int) (rowsBytes / ((long) kc * elementBytes)) / mr * mr);
    return new Blocking(kc, mc, nc, mcL3);
  }

  /**
   * The most bytes of A packed at once for a product taken along the rows ({@link Blocking#mcL3}): a buffer each
   * multiplying thread keeps, 4,096 rows of float at kc = 256, enough that B is packed once in all but the largest
   * products.
   */
  static final long MAX_ROWS_BYTES = 4L << 20;

  /** The most steps of k a block takes ({@link #blocking}): 384 measured slower than 256 on Zen 4. */
  static final int MAX_KC = 256;

  /**
   * The most steps of k a block of a large product takes ({@link #deepBlocking}): twice {@link #MAX_KC}, the deepest
   * that paid (Zen 2; on an AVX-512 Xeon, float n = 1024 at 640 and 768 steps ran 119-128 products/s, as at 512).
   */
  static final int MAX_DEEP_KC = 2 * MAX_KC;

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /**
   * A product's cache blocking: kc steps of k, mc rows of A, nc columns of B per block, and mcL3 rows of A packed at
   * once for a product taken along the rows, whose packed A is read from the last level ({@link
   * DoubleGemm}'s serialAlongRows).
   */
  record Blocking(int kc, int mc, int nc, int mcL3) {
    @Override
    public String toString() {
      return "kc=" + kc + " mc=" + mc + " nc=" + nc + " mcL3=" + mcL3;
    }
  }
}
