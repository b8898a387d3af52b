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

  /**
   * A symbolic link to nothing, named as the output or on the way to it, is refused naming it, and kept: taken for a
   * directory the run had made, it was deleted with the directories made before the refusal.
   */
  @Test
  void aLinkToNothingIsRefusedAndKept(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("missing/deeper");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    for (Path output : new Path[] {link, link.resolve("run")}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputDirectory.hold(output));
      assertEquals("--output " + output + ": " + link + " is a symbolic link to " + target + ", which does not exist; "
          + "make it, or choose another --output", e.getMessage());
      assertTrue(Files.isSymbolicLink(link), "the link is the user's, and stays");
    }
    assertTrue(Files.notExists(dir.resolve("missing")));
    Files.createDirectories(target);
    try (OutputDirectory held = OutputDirectory.hold(link.resolve("run"))) {
      assertTrue(Files.isDirectory(target.resolve("run")), "a link to a directory leads there");
    }
    assertTrue(Files.isSymbolicLink(link) && Files.notExists(target.resolve("run")), "run was made, and is gone");
  }

  /**
   * Holding a directory removes the temporaries that killed writes of a run's files left there, and no other file: the
   * directory may be the user's own, and a command refused for a mistyped engine deleted a .notes.1f.tmp of theirs.
   */
  @Test
  void onlyTheTemporariesOfARunsFilesAreRemoved(@TempDir Path dir) throws IOException {
    for (String name : new String[] {".notes.1f.tmp", ".model.safetensors.3f9a.tmp",
        ".perceptron-convergence.md.c0.tmp"}) {
      Files.writeString(dir.resolve(name), "x");
    }
    try (OutputDirectory held = OutputDirectory.hold(dir)) {
      assertTrue(Files.isRegularFile(dir.resolve(".notes.1f.tmp")), "the user's file stays");
      assertTrue(Files.notExists(dir.resolve(".model.safetensors.3f9a.tmp"))
          && Files.notExists(dir.resolve(".perceptron-convergence.md.c0.tmp")), "the killed writes' files are gone");
    }
  }
}
