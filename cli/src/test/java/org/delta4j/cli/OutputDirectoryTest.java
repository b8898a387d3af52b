package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's output directory: an empty path is refused, and the directories made for a run that writes nothing are
 * removed, every one of them, while those that hold anything, or were there before, stay.
 */
class OutputDirectoryTest {
  @Test
  void anEmptyPathIsRefusedNotTakenForTheWorkingDirectory() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputDirectory.hold(Path.of("")));
    assertEquals("--output is empty: name the directory for the run", e.getMessage());
  }

  @Test
  void everyDirectoryMadeForARunThatWroteNothingIsRemoved(@TempDir Path dir) throws IOException {
    Path deep = dir.resolve("a/b/c");
    try (OutputDirectory held = OutputDirectory.hold(deep)) {
      assertTrue(Files.isDirectory(held.path()));
    }
    assertTrue(Files.notExists(dir.resolve("a")), "a, b and c were made for the run, and are gone");
    assertTrue(Files.isDirectory(dir), "the directory that was there stays");
  }

  @Test
  void aDirectoryMadeForTheRunThatHoldsSomethingStays(@TempDir Path dir) throws IOException {
    try (OutputDirectory held = OutputDirectory.hold(dir.resolve("a/b/c"))) {
      Files.writeString(dir.resolve("a/b/other"), "written meanwhile");
    }
    assertTrue(Files.notExists(dir.resolve("a/b/c")), "c is empty");
    assertTrue(Files.isRegularFile(dir.resolve("a/b/other")), "b holds a file, so b and a stay");
    try (OutputDirectory held = OutputDirectory.hold(dir.resolve("d/e"))) {
      Files.writeString(held.path().resolve("model.safetensors"), "written");
    }
    assertTrue(Files.isRegularFile(dir.resolve("d/e/model.safetensors")), "a run that wrote keeps its directories");
  }

  /**
   * Refused after making directories, the hold removes them: through a/b/.. where a/b does not exist, Java makes the
   * directories of the normalised path (a and a/c), but the system cannot follow a/b/.. to lock a/c.
   */
  @Test
  void aHoldRefusedAfterMakingDirectoriesRemovesThem(@TempDir Path dir) {
    assertThrows(IOException.class, () -> OutputDirectory.hold(dir.resolve("a/b/../c")));
    assertTrue(Files.notExists(dir.resolve("a")), "a and a/c were made for the run, and are gone");
  }
}
