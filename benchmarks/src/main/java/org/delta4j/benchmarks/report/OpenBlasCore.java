package org.delta4j.benchmarks.report;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kernels an OpenBLAS library chose (its {@code openblas_get_corename()}), classed by the widest vectors they
 * compute with, and whether those are the CPU's widest ({@link Machine#widestVectors}). OpenBLAS built with
 * DYNAMIC_ARCH (ND4J's 0.3.19, Debian's 0.3.21) picks its kernels once, when it loads, from the CPU's model number; on
 * a CPU newer than the build (an Emerald Rapids Xeon, model 207) it falls back to Prescott's SSE3 kernels, and gemm
 * runs at a fifth of the machine. The environment variable {@code OPENBLAS_CORETYPE}, read at load, names the kernels
 * instead; {@code bin/openblas-coretype} prints the name for the CPU it runs on, and the launchers set it. Immutable.
 */
public record OpenBlasCore(String name) {
  // OpenBLAS's x86 core names (driver/others/dynamic.c), by the widest vectors their gemm kernels use. Excavator and
  // Steamroller have FMA but OpenBLAS runs them on Piledriver's 128/256-bit AVX kernels.
  private static final Map<String, Set<String>> CORES = Map.of(
      "AVX-512", Set.of("skylakex", "cooperlake", "sapphirerapids"),
      "AVX2", Set.of("haswell", "zen"),
      "AVX", Set.of("sandybridge", "bulldozer", "piledriver", "steamroller", "excavator"),
      "SSE2", Set.of("katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
          "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat"));

  public OpenBlasCore {
    name = name == null ? "" : name.trim();
  }

  /**
   * The widest vectors of these kernels, named as {@link Machine#widestVectors} names a CPU's, or empty for a name not
   * known here (another architecture, a newer core).
   */
  public Optional<String> vectors() {
    String n = name.toLowerCase(Locale.ROOT);
    return CORES.entrySet().stream().filter(e -> e.getValue().contains(n)).map(Map.Entry::getKey).findFirst();
  }

  /**
   * Whether these kernels leave the widest vectors of {@code machine}'s CPU unused: true only when both are known x86
   * vectors and the kernels' are narrower (Prescott on an AVX-512 CPU); a core name not known here is given the
   * benefit of the doubt.
   */
  public boolean narrowerThan(Machine machine) {
    int cpu = Machine.X86_VECTORS.indexOf(machine.widestVectors());
    int kernels = vectors().map(Machine.X86_VECTORS::indexOf).orElse(-1);
    return cpu >= 0 && kernels >= 0 && kernels < cpu;
  }

  /**
   * For people: what was chosen on what CPU and what to do about it, e.g. "OpenBLAS chose the Prescott kernels (SSE2)
   * on a CPU with AVX-512; set OPENBLAS_CORETYPE (bin/openblas-coretype prints the value for this CPU) before the
   * process starts". Only meaningful when {@link #narrowerThan} holds.
   */
  public String advice(Machine machine) {
    return "OpenBLAS chose the " + name + " kernels (" + vectors().orElse("unknown vectors") + ") on a CPU with "
        + machine.widestVectors() + ", which its build does not recognise, so its gemm runs well below the machine; "
        + "set OPENBLAS_CORETYPE (bin/openblas-coretype prints the value for this CPU; bin/delta4j sets it) before the "
        + "process starts";
  }
}
