package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopFilesTest {
  private final Configuration conf = new Configuration();

  @Test
  void aFileIsReplacedWholeAndNothingIsLeftBeside(@TempDir Path dir) throws Exception {
    String target = dir.resolve("checkpoint.safetensors").toUri().toString();
    HadoopFiles.write(target, new byte[] {1, 2, 3}, conf);
    HadoopFiles.write(target, new byte[] {4, 5}, conf);

    assertArrayEquals(new byte[] {4, 5}, HadoopFiles.read(target, conf));
    try (var files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".previous")
          || p.getFileName().toString().endsWith(".tmp")), "no previous or temporary file is left");
    }
  }

  @Test
  void anInterruptedReplacementNamesTheFileItWasReplacing(@TempDir Path dir) throws Exception {
    // What a crash between moving the old file aside and renaming the new one into place leaves.
    Files.write(dir.resolve("checkpoint.safetensors.previous"), new byte[] {7});
    String target = dir.resolve("checkpoint.safetensors").toUri().toString();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HadoopFiles.read(target, conf));
    assertTrue(e.getMessage().contains("checkpoint.safetensors.previous"), e.getMessage());
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    String target = dir.resolve("nothing.safetensors").toUri().toString();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HadoopFiles.read(target, conf));
    assertTrue(e.getMessage().contains("nothing.safetensors"), e.getMessage());
  }

  @Test
  void aDirectoryIsNeverReplacedByAFile(@TempDir Path dir) throws Exception {
    Path taken = Files.createDirectories(dir.resolve("checkpoint.safetensors"));
    Files.write(taken.resolve("data.csv"), new byte[] {9});
    String target = taken.toUri().toString();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HadoopFiles.write(target, new byte[] {1}, conf));
    assertTrue(e.getMessage().contains("checkpoint.safetensors") && e.getMessage().contains("is a directory"),
        e.getMessage());
    assertArrayEquals(new byte[] {9}, Files.readAllBytes(taken.resolve("data.csv")), "the directory is untouched");
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "nothing moved aside or left beside it");
    }
  }
}
