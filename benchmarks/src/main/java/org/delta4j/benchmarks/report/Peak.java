package org.delta4j.benchmarks.report;

/**
 * The machine's measured FMA peak and figures read as a share of it. The peak is {@code FmaPeakBenchmark}'s: fused
 * multiply-adds on the JVM's widest vectors on every core, in FLOAT32 and FLOAT64. Immutable.
 */
record Peak(double float32Gflops, double float64Gflops) {
  /** Floating-point operations of one {@code FmaPeakBenchmark} operation (a constant: no vector class is loaded). */
  static final double FLOPS_PER_OP = org.delta4j.benchmarks.FmaPeakBenchmark.FLOPS_PER_OP;

  /** The peak measured in {@code r}, NaN where it was not measured. */
  static Peak of(JmhResults r) {
    return new Peak(gflops(r, "FmaPeakBenchmark.float32"), gflops(r, "FmaPeakBenchmark.float64"));
  }

  /** The peak of one core (one thread) measured in {@code r}, NaN where it was not measured. */
  static Peak oneCore(JmhResults r) {
    return new Peak(gflops(r, "FmaPeakBenchmark.float32OneCore"), gflops(r, "FmaPeakBenchmark.float64OneCore"));
  }

  /**
   * How far the machine scales code that only computes: this (all cores) over {@code cores} times {@code oneCore},
   * in FLOAT32; 1 when the cores are truly separate, less when they share physical ones; NaN where unmeasured.
   */
  double coreScaling(Peak oneCore, int cores) {
    return cores > 0 && oneCore.float32Gflops > 0 ? float32Gflops / (cores * oneCore.float32Gflops) : Double.NaN;
  }

  private static double gflops(JmhResults r, String name) {
    return r.find(name).map(x -> x.score() * FLOPS_PER_OP / 1e9).orElse(Double.NaN);
  }

  /** The peak of a data type ({@code FLOAT32} or {@code FLOAT64}) in GFLOP/s. */
  double of(String dtype) {
    return "FLOAT64".equals(dtype) ? float64Gflops : float32Gflops;
  }

  /** {@code gflops} as a percentage of the peak of {@code dtype}; NaN where either is unknown. */
  double percent(double gflops, String dtype) {
    double peak = of(dtype);
    return peak > 0 ? 100 * gflops / peak : Double.NaN;
  }

  /**
   * Floating-point operations of the matrix products in one training step of a dense network with layer widths
   * {@code sizes} (input first) at batch {@code batch}: the forward pass, 2·batch·Σ in·out, the weight gradients,
   * as many again, and the input gradients of every layer but the first (the data needs none).
   */
  static double trainingStepFlops(int batch, int... sizes) {
    double forward = 0;
    double inputGradients = 0;
    for (int l = 0; l + 1 < sizes.length; l++) {
      double products = 2.0 * batch * sizes[l] * sizes[l + 1];
      forward += products;
      if (l > 0) {
        inputGradients += products;
      }
    }
    return 2 * forward + inputGradients;
  }
}
