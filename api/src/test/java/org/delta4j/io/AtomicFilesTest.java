package org.delta4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write replaces a regular file or makes one, through a link the file it leads to, and refuses anything else
 * without touching it; temporary files that killed writes left behind are removed, and nothing else.
 */
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

  /** Given the names of the files written there, only their temporaries go: the directory's others are not ours. */
  @Test
  void staleTemporaryFilesOfTheFilesNamedAreRemovedAndOnlyThey() throws IOException {
    for (String name : List.of(".model.safetensors.3f9a0c1b2d4e5f60.tmp", ".network.json.1.tmp", ".notes.1f.tmp",
        ".model.1.tmp", ".x.model.safetensors.2.tmp", "model.safetensors")) {
      Files.writeString(dir.resolve(name), "x");
    }
    assertEquals(2, AtomicFiles.removeStale(dir, List.of("model.safetensors", "network.json")));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(".model.1.tmp", ".notes.1f.tmp", ".x.model.safetensors.2.tmp", "model.safetensors"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void aWriteReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    AtomicFiles.writeString(file, "old");
    AtomicFiles.writeString(file, "new");
    assertEquals("new", Files.readString(file));
    assertEquals(List.of(file), listing());
  }

  /**
   * A file whose name is as long as a file system allows is written as any other: its temporary file's name, the
   * target's with 22 characters more, was too long to create, so that nothing could be saved under such a name (and
   * the error named the temporary file).
   */
  @Test
  void aFileOfTheLongestNameIsWritten() throws IOException {
    // 253 bytes of UTF-8; and 254, a two-byte character, then four-byte ones whose halves a cut of 48 chars would part
    for (String name : List.of("m".repeat(250) + ".st", "\u00e9" + "\uD83D\uDE00".repeat(63))) {
      Path file = dir.resolve(name);
      AtomicFiles.writeString(file, name);
      assertEquals(name, Files.readString(file));
    }
    assertEquals(2, listing().size());
  }

  /**
   * A write that fails as a full disk fails ("No space left on device", naming no file) names the file it was
   * writing, and leaves what was there and no temporary file.
   */
  @Test
  void aFailedWriteNamesItsFileAndLeavesWhatWasThere() throws IOException {
    Path file = dir.resolve("checkpoint.safetensors");
    AtomicFiles.writeString(file, "epoch 1");
    FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.write(file, tmp -> {
      Files.writeString(tmp, "epoch 2, half of it");
      throw new IOException("No space left on device");
    }));
    assertEquals(file + ": cannot be written (No space left on device); what was there is as it was", e.getMessage());
    assertEquals("epoch 1", Files.readString(file));
    assertEquals(List.of(file), listing());
  }

  @Test
  void aLinkIsWrittenThroughToTheFileItLeadsTo() throws IOException {
    Path file = dir.resolve("model.safetensors");
    Files.writeString(file, "old");
    Path link = Files.createSymbolicLink(dir.resolve("latest"), file);
    AtomicFiles.writeString(link, "new");
    assertTrue(Files.isSymbolicLink(link), "the link is kept");
    assertEquals("new", Files.readString(file));
  }

  @Test
  void aDirectoryIsRefusedAndLeftAsItWas() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("out"));
    FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.writeString(sub, "x"));
    assertTrue(e.getMessage().contains(sub + ": is a directory, not a file"), e.getMessage());
    assertTrue(Files.isDirectory(sub));
    assertEquals(List.of(sub), listing());
    e = assertThrows(FileSystemException.class, () -> AtomicFiles.writeString(Path.of("/"), "x"));
    assertTrue(e.getMessage().contains("/: names no file"), e.getMessage());
  }

  @Test
  void aPipeIsRefusedNotReplaced() throws Exception {
    // What a device such as /dev/null would be: a move over it replaces the node itself when the process may.
    Path fifo = dir.resolve("pipe");
    assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");
    FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.writeString(fifo, "x"));
    assertTrue(e.getMessage().contains(fifo + ": is a device, pipe or socket"), e.getMessage());
    assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the pipe is left as it was");
    assertEquals(List.of(fifo), listing());
  }

  @Test
  void aFileWhereADirectoryShouldBeIsNamed() throws IOException {
    Path blocker = dir.resolve("runs");
    Files.writeString(blocker, "x");
    FileSystemException e = assertThrows(FileSystemException.class,
        () -> AtomicFiles.writeString(blocker.resolve("a").resolve("model.safetensors"), "x"));
    assertTrue(e.getMessage().contains(blocker + " is a file, not a directory"), e.getMessage());
  }

  private List<Path> listing() throws IOException {
    try (var files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }
}
