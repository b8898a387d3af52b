package org.delta4j.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first processor's fields in Linux's {@code /proc/cpuinfo} ({@code vendor_id}, {@code cpu family}, {@code model},
 * {@code model name}, {@code flags}, …), for code that shapes itself to the CPU and for reports that name it; the other
 * processors' blocks are the same CPU. Empty where the file cannot be read (not Linux). Immutable.
 *
 * @param fields each field's value as written, trimmed, in the file's order
 */
public record CpuInfo(Map<String, String> fields) {
  /** The file, for reading. */
  private static final Path FILE = Path.of("/proc/cpuinfo");

  public CpuInfo {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** This machine's; empty if {@code /proc/cpuinfo} cannot be read. */
  public static CpuInfo here() {
    try {
      return parse(Files.readString(FILE));
    } catch (IOException | RuntimeException e) {
      return new CpuInfo(Map.of());
    }
  }

  /**
   * The fields of the first processor's block of {@code text} (lines {@code name<tabs>: value}, blocks separated by
   * a blank line); a name that occurs twice keeps its first value.
   */
  public static CpuInfo parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : (Iterable<String>) text.lines()::iterator) {
      if (line.isBlank() && !out.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        out.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    return new CpuInfo(out);
  }

  /** The value of field {@code name}, or the empty string if there is none. */
  public String get(String name) {
    return fields.getOrDefault(name, "");
  }

  /** Those of the fields named, in the file's order. */
  public Map<String, String> only(java.util.Collection<String> names) {
    Map<String, String> out = new LinkedHashMap<>();
    fields.forEach((name, value) -> {
      if (names.contains(name)) {
        out.put(name, value);
      }
    });
    return out;
  }
}
