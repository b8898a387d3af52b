package org.delta4j.benchmarks.report;

import java.util.Locale;

/**
 * One BLAS library a measured process had mapped: its file (symbolic links resolved), what kind it is, and, for
 * OpenBLAS, its build configuration ({@code openblas_get_config()}) and the core type whose kernels it chose
 * ({@code openblas_get_corename()}). A peer on the {@link Kind#REFERENCE reference} BLAS (netlib's, Debian's
 * {@code libblas3}) runs its products an order of magnitude below the machine, and an OpenBLAS on kernels narrower than
 * the CPU's vectors several times below it, so no verdict is written against either.
 */
public record Blas(String library, Kind kind, String config, String core) {
  /** What a BLAS library is. */
  public enum Kind {
    OPENBLAS("OpenBLAS"), MKL("Intel MKL"), BLIS("BLIS"), ATLAS("ATLAS"), NVPL("NVPL BLAS"),
    REFERENCE("the reference BLAS (netlib)"), UNKNOWN("not recorded");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** No BLAS recorded. */
  public static final Blas NONE = new Blas("", Kind.UNKNOWN, "", "");

  /** Classifies a library from its resolved path and, when it could be asked, its own configuration string. */
  public static Blas of(String library, String config, String core) {
    String path = library.toLowerCase(Locale.ROOT);
    String conf = config.toLowerCase(Locale.ROOT);
    Kind kind;
    if (conf.startsWith("openblas") || path.contains("openblas")) {
      kind = Kind.OPENBLAS;
    } else if (path.contains("mkl")) {
      kind = Kind.MKL;
    } else if (path.contains("blis")) {
      kind = Kind.BLIS;
    } else if (path.contains("atlas")) {
      kind = Kind.ATLAS;
    } else if (path.contains("nvpl")) {
      kind = Kind.NVPL;
    } else if (path.matches(".*/(blas|netlib)/libc?blas\\.so.*") || path.matches(".*/libc?blas\\.so(\\.[0-9.]*)?")) {
      kind = Kind.REFERENCE; // Debian's libblas3 (alternatives' default) or a plain netlib build
    } else {
      kind = Kind.UNKNOWN;
    }
    return new Blas(library, kind, config, core);
  }

  public boolean reference() {
    return kind == Kind.REFERENCE;
  }

  /** A BLAS known to be an optimized one (not the reference BLAS, and recorded). */
  public boolean optimized() {
    return kind != Kind.REFERENCE && kind != Kind.UNKNOWN;
  }

  /**
   * An optimized BLAS that computes with the widest vectors of {@code machine}'s CPU: not an OpenBLAS that fell back to
   * narrower kernels (see {@link OpenBlasCore}). Only against a peer on one is a ratio a fair verdict.
   */
  public boolean tunedFor(Machine machine) {
    return optimized() && !(kind == Kind.OPENBLAS && new OpenBlasCore(core).narrowerThan(machine));
  }

  /** For people: kind, version and core type, and the file. */
  public String describe() {
    if (kind == Kind.UNKNOWN && library.isEmpty()) {
      return "not recorded";
    }
    StringBuilder s = new StringBuilder(config.isEmpty() ? kind.label() : config);
    if (!core.isEmpty()) {
      s.append(", core type ").append(core);
    }
    if (!library.isEmpty()) {
      s.append(" (`").append(library).append("`)");
    }
    return s.toString();
  }
}
