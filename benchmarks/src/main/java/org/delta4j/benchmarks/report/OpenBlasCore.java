package org.delta4j.benchmarks.report;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The kernels an OpenBLAS library chose (its {@code openblas_get_corename()}), classed by the widest vectors they
 * compute with, and whether those are the CPU's widest. OpenBLAS built with DYNAMIC_ARCH (ND4J's 0.3.19, Debian's 0.3.21)
 * picks its kernels once, when it loads, from the CPU's model number; on a CPU newer than the build (an Emerald Rapids
 * Xeon, model 207) it falls back to Prescott's SSE3 kernels, and gemm runs at a fifth of the machine. The environment
 * variable {@code OPENBLAS_CORETYPE}, read at load, names the kernels instead; {@code bin/openblas-coretype} prints the
 * name for the CPU it runs on, and the launchers set it. Immutable.
 */
public record OpenBlasCore(String name) {
  /** Widest vectors, narrowest first: a later constant computes with wider vectors than an earlier one. */
  public enum Vectors {
    SSE("SSE"), AVX("AVX"), AVX2("AVX2"), AVX512("AVX-512");

    private final String label;

    Vectors(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  // OpenBLAS's x86 core names (driver/others/dynamic.c), by the widest vectors their gemm kernels use. Excavator and
  // Steamroller have FMA but OpenBLAS runs them on Piledriver's 128/256-bit AVX kernels.
  private static final Set<String> AVX512_CORES = Set.of("skylakex", "cooperlake", "sapphirerapids");
  private static final Set<String> AVX2_CORES = Set.of("haswell", "zen");
  private static final Set<String> AVX_CORES = Set.of("sandybridge", "bulldozer", "piledriver", "steamroller",
      "excavator");
  private static final Set<String> SSE_CORES = Set.of("katmai", "coppermine", "northwood", "prescott", "banias",
      "atom", "core2", "penryn", "dunnington", "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "nano",
      "bobcat");

  public OpenBlasCore {
    name = name == null ? "" : name.trim();
  }

  /** The widest vectors of these kernels, or empty for a name not known here (another architecture, a newer core). */
  public Optional<Vectors> vectors() {
    String n = name.toLowerCase(Locale.ROOT);
    if (AVX512_CORES.contains(n)) {
      return Optional.of(Vectors.AVX512);
    } else if (AVX2_CORES.contains(n)) {
      return Optional.of(Vectors.AVX2);
    } else if (AVX_CORES.contains(n)) {
      return Optional.of(Vectors.AVX);
    } else if (SSE_CORES.contains(n)) {
      return Optional.of(Vectors.SSE);
    }
    return Optional.empty();
  }

  /**
   * The widest vectors of an x86 CPU with these {@code /proc/cpuinfo} flags (space-separated), or empty when it has
   * none of SSE2, AVX, AVX2 with FMA, or AVX-512 (F, BW, DQ, VL, CD: what OpenBLAS's SkylakeX kernels require).
   */
  public static Optional<Vectors> cpuVectors(String flags) {
    Set<String> f = new HashSet<>(Arrays.asList(flags.trim().split("\\s+"))); // flags may repeat
    if (f.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"))) {
      return Optional.of(Vectors.AVX512);
    } else if (f.containsAll(Set.of("avx2", "fma"))) {
      return Optional.of(Vectors.AVX2);
    } else if (f.contains("avx")) {
      return Optional.of(Vectors.AVX);
    } else if (f.contains("sse2")) {
      return Optional.of(Vectors.SSE);
    }
    return Optional.empty();
  }

  /**
   * Whether these kernels leave the CPU's widest vectors unused: true only when both are known and the kernels'
   * vectors are narrower (Prescott on an AVX-512 CPU); a core name not known here is given the benefit of the doubt.
   */
  public boolean narrowerThan(String cpuFlags) {
    Optional<Vectors> cpu = cpuVectors(cpuFlags);
    Optional<Vectors> kernels = vectors();
    return cpu.isPresent() && kernels.isPresent() && kernels.get().compareTo(cpu.get()) < 0;
  }

  /**
   * For people: what was chosen on what CPU and what to do about it, e.g. "OpenBLAS chose the Prescott kernels (SSE)
   * on a CPU with AVX-512; set OPENBLAS_CORETYPE (bin/openblas-coretype prints the value for this CPU) before the JVM
   * starts". Only meaningful when {@link #narrowerThan} holds.
   */
  public String advice(String cpuFlags) {
    return "OpenBLAS chose the " + name + " kernels (" + vectors().map(Vectors::toString).orElse("unknown vectors")
        + ") on a CPU with " + cpuVectors(cpuFlags).map(Vectors::toString).orElse("unknown vectors")
        + ", which its build does not recognise, so its gemm runs well below the machine; set OPENBLAS_CORETYPE "
        + "(bin/openblas-coretype prints the value for this CPU; bin/delta4j sets it) before the process starts";
  }
}
