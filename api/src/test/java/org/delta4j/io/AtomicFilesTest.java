package org.delta4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary files that killed writes left behind are removed; nothing else is touched. */
class AtomicFilesTest {
  @TempDir
  Path dir;

  @Test
  void staleTemporaryFilesAreRemovedAndOnlyThey() throws IOException {
    for (String name : List.of(".model.safetensors.3f9a0c1b2d4e5f60.tmp", ".network.json.1.tmp", "keep.tmp",
        ".keep.tmp", "model.safetensors", ".model.safetensors.xyz.tmp")) {
      Files.writeString(dir.resolve(name), "x");
    }
    assertEquals(2, AtomicFiles.removeStale(dir));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(".keep.tmp", ".model.safetensors.xyz.tmp", "keep.tmp", "model.safetensors"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
  }
}
