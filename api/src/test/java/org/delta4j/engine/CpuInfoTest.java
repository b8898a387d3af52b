package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first processor's block of /proc/cpuinfo, as Linux writes it. */
class CpuInfoTest {
  private static final String TWO_PROCESSORS = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 23\n"
      + "model name\t: AMD EPYC 7B12\nmodel\t\t: 49\nflags\t\t: fpu avx2 fma\nempty\t:\n\n"
      + "processor\t: 1\nvendor_id\t: GenuineIntel\nmodel\t\t: 99\nbugs\t\t: spectre\n";

  @Test
  void theFirstProcessorsFieldsAreReadAndNoOthers() {
    CpuInfo cpu = CpuInfo.parse(TWO_PROCESSORS);
    assertEquals("AuthenticAMD", cpu.get("vendor_id"));
    assertEquals("23", cpu.get("cpu family"));
    // "model name" comes first, and is not taken for "model"
    assertEquals("49", cpu.get("model"));
    assertEquals("AMD EPYC 7B12", cpu.get("model name"));
    assertEquals("fpu avx2 fma", cpu.get("flags"));
    assertEquals("", cpu.get("empty"));
    // the second processor's block is not read
    assertEquals("", cpu.get("bugs"));
    assertEquals(List.of("processor", "vendor_id", "cpu family", "model name", "model", "flags", "empty"),
        List.copyOf(cpu.fields().keySet()));
    assertEquals(Map.of("model", "49", "vendor_id", "AuthenticAMD"), cpu.only(List.of("model", "vendor_id", "bugs")));
  }

  @Test
  void aTextWithoutFieldsHasNone() {
    assertEquals(Map.of(), CpuInfo.parse("").fields());
    assertEquals(Map.of(), CpuInfo.parse("\n\nno colon here\n").fields());
    assertEquals("", CpuInfo.parse("").get("vendor_id"));
  }

  /** Linux on x86 and ARM alike opens each block with "processor"; elsewhere the file is absent and nothing is read. */
  @Test
  void thisMachinesFirstProcessorIsRead() {
    CpuInfo here = CpuInfo.here();
    if (Files.isReadable(Path.of("/proc/cpuinfo"))) {
      assertEquals("0", here.get("processor"), here.fields().toString());
    } else {
      assertEquals(Map.of(), here.fields());
    }
  }
}
