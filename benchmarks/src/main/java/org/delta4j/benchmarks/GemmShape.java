package org.delta4j.benchmarks;

/**
 * A matrix-product shape parsed from a benchmark parameter: {@code "n"} for n×n·n×n, or {@code "MxKxN"} with an
 * optional {@code -TN} / {@code -NT} suffix telling which operand is stored transposed (as in a Dense layer's
 * backward pass: dW = Xᵀ·dY is {@code 784x128x256-TN}, dX = dY·Wᵀ is {@code 128x256x784-NT}).
 */
record GemmShape(int m, int k, int n, boolean transposeA, boolean transposeB) {
  static GemmShape parse(String s) {
    String[] flagSplit = s.split("-");
    String[] d = flagSplit[0].split("x");
    String flags = flagSplit.length > 1 ? flagSplit[1] : "NN";
    if (d.length == 1) {
      int n = Integer.parseInt(d[0]);
      return new GemmShape(n, n, n, false, false);
    }
    return new GemmShape(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]),
        flags.charAt(0) == 'T', flags.charAt(1) == 'T');
  }

  /** The stored shape of A: [m, k], or [k, m] when transposed. */
  int[] aDims() {
    return transposeA ? new int[] {k, m} : new int[] {m, k};
  }

  int[] bDims() {
    return transposeB ? new int[] {n, k} : new int[] {k, n};
  }

  /** Floating-point operations of one product: 2·m·k·n. */
  double flops() {
    return 2.0 * m * k * n;
  }
}
