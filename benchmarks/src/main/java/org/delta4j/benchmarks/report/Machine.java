package org.delta4j.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.delta4j.engine.CpuInfo;

/**
 * The machine one set of results was measured on, as every results file records it: the CPU (as {@code /proc/cpuinfo}
 * names it), the cores the measured process could use, the BLAS libraries mapped into it, and settings that bear on
 * the numbers (e.g. {@code OPENBLAS_CORETYPE}, the JVM's vector width). Results whose {@link #fingerprint()}s differ
 * come from different CPUs and are never put in one table. The JSON form is written alike by the Java probe
 * ({@code org.delta4j.benchmarks.MachineProbe}) and the Python peer ({@code benchmarks/peers/pytorch_peer.py}):
 * <pre>
 * {"cpuinfo": {"vendor_id": …, "cpu family": …, "model": …, "stepping": …, "model name": …, "flags": …},
 *  "cores": 2, "blas": [{"library": …, "config": …, "core": …}], "settings": {"name": "value", …}}
 * </pre>
 * Immutable.
 */
public record Machine(Map<String, String> cpuinfo, int cores, List<Blas> blas, Map<String, String> settings) {
  /** The fields of {@code /proc/cpuinfo} kept: what tells one CPU from another, and its instruction-set flags. */
  static final List<String> CPUINFO_FIELDS = List.of("vendor_id", "cpu family", "model", "stepping", "model name",
      "flags", "CPU implementer", "CPU part", "Features");

  public Machine {
    cpuinfo = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cpuinfo));
    blas = List.copyOf(blas);
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** The fields of the first processor in {@code /proc/cpuinfo}'s text that {@link #CPUINFO_FIELDS} names. */
  public static Map<String, String> parseCpuinfo(String text) {
    return CpuInfo.parse(text).only(CPUINFO_FIELDS);
  }

  /** This machine's CPU fields, or none where {@code /proc/cpuinfo} cannot be read. */
  public static Map<String, String> cpuinfoHere() {
    return CpuInfo.here().only(CPUINFO_FIELDS);
  }

  /** The CPU's model name, e.g. {@code AMD EPYC 7B13}. */
  public String model() {
    String name = cpuinfo.getOrDefault("model name", "");
    return name.isEmpty() ? "unknown CPU" : name;
  }

  /** The CPU's SIMD extensions among its flags (x86: SSE, AVX, FMA, AVX-512, AMX; Arm: ASIMD, SVE), sorted. */
  public List<String> vectorExtensions() {
    String flags = cpuinfo.getOrDefault("flags", cpuinfo.getOrDefault("Features", ""));
    TreeSet<String> out = new TreeSet<>();
    for (String f : flags.trim().split("\\s+")) {
      if (f.matches("(sse|ssse|pni|avx|fma|f16c|amx|asimd|sve|neon).*")) {
        out.add(f.equals("pni") ? "sse3" : f);
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * The setting that records a run held to narrower vectors than the CPU's ({@code benchmarks/run --vectors avx2}: the
   * JVM, OpenBLAS and PyTorch all told to use AVX2 at most), as {@link #widestVectors} names them.
   */
  public static final String VECTORS_HELD_TO = "vectors held to";
  /**
   * Setting: how long a cache line took to pass between two cores when the machine was probed ("34 ns one way"). On a
   * virtual machine it says whether the host had the cores on one L3 then; it may change during a run.
   */
  public static final String CACHE_LINE_BETWEEN_CORES = "cache line between cores";

  /** x86's vectors as {@link #widestVectors} names them, narrowest first. */
  static final List<String> X86_VECTORS = List.of("SSE2", "AVX", "AVX2", "AVX-512");

  /**
   * The widest vectors the measured processes computed with: the CPU's ({@link #cpuWidestVectors}), or narrower ones
   * the run was held to ({@value #VECTORS_HELD_TO}).
   */
  public String widestVectors() {
    String cpu = cpuWidestVectors();
    String held = settings.getOrDefault(VECTORS_HELD_TO, "");
    int heldIndex = X86_VECTORS.indexOf(held);
    return heldIndex >= 0 && heldIndex < X86_VECTORS.indexOf(cpu) ? held : cpu;
  }

  /** Whether the run was held to narrower vectors than the CPU has. */
  public boolean heldToNarrowerVectors() {
    return !widestVectors().equals(cpuWidestVectors());
  }

  /** The widest vectors the CPU computes with: AVX-512, AVX2, AVX, SSE, SVE, NEON or none. */
  public String cpuWidestVectors() {
    List<String> ext = vectorExtensions();
    for (String[] level : new String[][] {{"avx512f", "AVX-512"}, {"avx2", "AVX2"}, {"avx", "AVX"},
        {"sve", "SVE"}, {"asimd", "NEON"}, {"sse2", "SSE2"}}) {
      if (ext.contains(level[0])) {
        return level[1];
      }
    }
    return "no SIMD";
  }

  /**
   * What tells this CPU from another: vendor, family, model and stepping, model name and SIMD extensions. Two results
   * with different fingerprints were measured on different CPUs; results without a recorded machine have the
   * fingerprint {@code unknown}. A run held to narrower vectors than the CPU's is of another machine in effect, and its
   * fingerprint says so.
   */
  public String fingerprint() {
    if (cpuinfo.isEmpty()) {
      return "unknown";
    }
    List<String> id = new ArrayList<>();
    for (String key : List.of("vendor_id", "cpu family", "model", "stepping", "CPU implementer", "CPU part")) {
      if (cpuinfo.containsKey(key)) {
        id.add(cpuinfo.get(key));
      }
    }
    return model() + " (" + String.join("/", id) + ") " + String.join(" ", vectorExtensions())
        + (heldToNarrowerVectors() ? " held to " + widestVectors() : "");
  }

  /**
   * What names this CPU's generation where its model name may not (a virtual machine's is often only "Intel(R)
   * Xeon(R) Processor"): x86's family and model, Arm's implementer and part; empty when not recorded.
   */
  public String identity() {
    for (String[] pair : new String[][] {{"cpu family", "model", "family", "model"},
        {"CPU implementer", "CPU part", "implementer", "part"}}) {
      String a = cpuinfo.get(pair[0]);
      String b = cpuinfo.get(pair[1]);
      if (a != null && b != null) {
        return pair[2] + " " + a.trim() + ", " + pair[3] + " " + b.trim();
      }
    }
    return "";
  }

  /** One line for people: model, widest vectors, cores. */
  public String summary() {
    if (cpuinfo.isEmpty()) {
      return "a machine not recorded";
    }
    String vectors = heldToNarrowerVectors() ? cpuWidestVectors() + " held to " + widestVectors() : widestVectors();
    return String.format(Locale.ROOT, "%s, %s, %d cores", model(), vectors, cores);
  }

  /** A machine nothing is known of: what results written before machines were recorded have. */
  public static Machine unknown() {
    return new Machine(Map.of(), 0, List.of(), Map.of());
  }

  /** The machine in its JSON form (see the class comment); a missing node is {@link #unknown()}. */
  public static Machine fromJson(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull() || !node.has("cpuinfo")) {
      return unknown();
    }
    Map<String, String> cpu = new LinkedHashMap<>();
    node.path("cpuinfo").fields().forEachRemaining(e -> cpu.put(e.getKey(), e.getValue().asText()));
    List<Blas> libs = new ArrayList<>();
    for (JsonNode b : node.path("blas")) {
      libs.add(Blas.of(b.path("library").asText(""), b.path("config").asText(""), b.path("core").asText("")));
    }
    Map<String, String> set = new LinkedHashMap<>();
    node.path("settings").fields().forEachRemaining(e -> set.put(e.getKey(), e.getValue().asText()));
    return new Machine(cpu, node.path("cores").asInt(0), libs, set);
  }

  /** The machine recorded in {@code file}, or {@link #unknown()} if there is none. */
  public static Machine read(Path file) throws IOException {
    return Files.isRegularFile(file) ? fromJson(new ObjectMapper().readTree(file.toFile())) : unknown();
  }

  public ObjectNode toJson() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ObjectNode cpu = root.putObject("cpuinfo");
    cpuinfo.forEach(cpu::put);
    root.put("cores", cores);
    ArrayNode libs = root.putArray("blas");
    for (Blas b : blas) {
      libs.addObject().put("library", b.library()).put("config", b.config()).put("core", b.core());
    }
    ObjectNode set = root.putObject("settings");
    settings.forEach(set::put);
    return root;
  }

  /**
   * What the process ran its BLAS on, judged from every BLAS library mapped into it: the optimized one where there
   * is one (a process that maps an optimized BLAS through the reference one's name runs the optimized code), else the
   * reference one, else {@link Blas#NONE}.
   */
  public Blas effectiveBlas() {
    return blas.stream().filter(Blas::optimized).findFirst()
        .orElse(blas.stream().filter(Blas::reference).findFirst().orElse(Blas.NONE));
  }

  /** The BLAS libraries found among the files a process maps ({@code /proc/self/maps}' last column), deduplicated. */
  public static List<String> blasLibraries(List<String> mappedFiles) {
    TreeSet<String> out = new TreeSet<>();
    for (String f : mappedFiles) {
      String name = f.substring(f.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
      if (name.matches("lib(open)?blas.*\\.so.*|libcblas.*\\.so.*|libmkl_(rt|core).*\\.so.*|libblis.*\\.so.*"
          + "|libopenblas_nolapack.*\\.so.*|libsatlas.*\\.so.*|libtatlas.*\\.so.*|libnvpl_blas.*\\.so.*")) {
        out.add(f);
      }
    }
    return new ArrayList<>(out);
  }

  /** The files the current process maps, from {@code /proc/self/maps}; none where it cannot be read. */
  public static List<String> mappedFilesHere() {
    try {
      return Arrays.stream(Files.readString(Path.of("/proc/self/maps")).split("\n"))
          .map(l -> l.trim().split("\\s+")).filter(p -> p.length >= 6 && p[5].startsWith("/")).map(p -> p[5])
          .distinct().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
