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

  /**
   * A write that fails leaves the file it was replacing as it was and nothing of its own beside it: the new contents,
   * whole or in part, stayed under their temporary name for good. (Here the old file cannot be moved aside, as a
   * directory holds its place; a full disk fails the write of the temporary file itself.)
   */
  @Test
  void aWriteThatFailsLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws Exception {
    String target = dir.resolve("checkpoint.safetensors").toUri().toString();
    HadoopFiles.write(target, new byte[] {1, 2, 3}, conf);
    Files.write(Files.createDirectories(dir.resolve("checkpoint.safetensors.previous")).resolve("kept"), new byte[1]);

    java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
        () -> HadoopFiles.write(target, new byte[] {4, 5}, conf));
    assertTrue(e.getMessage().startsWith("cannot write 2 bytes to " + target), e.getMessage());
    assertArrayEquals(new byte[] {1, 2, 3}, HadoopFiles.read(target, conf));
    try (var files = Files.list(dir)) {
      java.util.List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp"))
          .toList();
      assertEquals(java.util.List.of(), left, "no temporary file is left");
    }
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

  /**
   * A scheme whose file system's classes are not here (s3a: without Hadoop's hadoop-aws) is named as a scheme with no
   * file system is, in an IOException's message: Hadoop threw a RuntimeException around a ClassNotFoundException.
   */
  @Test
  void aSchemeWhoseFileSystemIsNotHereIsNamedAsAnUnknownSchemeIs() {
    for (org.junit.jupiter.api.function.Executable e : java.util.List.<org.junit.jupiter.api.function.Executable>of(
        () -> HadoopFiles.read("s3a://bucket/x", conf), () -> HadoopFiles.existing("s3a://bucket/x",
            java.util.List.of("model.safetensors"), conf),
        () -> HadoopFiles.requireWritableFile("s3a://bucket/x/checkpoint.safetensors", conf))) {
      java.io.UncheckedIOException thrown = assertThrows(java.io.UncheckedIOException.class, e);
      assertTrue(thrown.getMessage().contains("s3a://bucket/x") && thrown.getMessage().contains("No FileSystem for "
          + "scheme \"s3a\" here: Class org.apache.hadoop.fs.s3a.S3AFileSystem not found (it is in Hadoop's "
          + "hadoop-aws module"), thrown.getMessage());
    }
  }

  /**
   * A file is checked writable before any work: one under a file is refused naming that file; one that can be written
   * has its directory made, and nothing is left beside it.
   */
  @Test
  void aFileUnderAFileIsRefusedBeforeAnyWrite(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    String under = file.toUri() + "/sub/checkpoint.safetensors";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HadoopFiles.requireWritableFile(under, conf));
    assertEquals(under + " cannot be written: " + file.toUri().toString().replace("file:///", "file:/")
        + " is a file, not a directory", e.getMessage());

    HadoopFiles.requireWritableFile(dir.resolve("run/checkpoint.safetensors").toUri().toString(), conf);
    try (var files = Files.list(dir.resolve("run"))) {
      assertEquals(0, files.count(), "the directory is made, and nothing is left in it");
    }
  }

  /**
   * The directories a file needs that are not there yet are listed deepest first, and those of them left empty are
   * deleted in that order: one that holds a file stays, and so do the directories above it.
   */
  @Test
  void theDirectoriesMadeForAFileAreListedAndThoseLeftEmptyDeleted(@TempDir Path dir) throws Exception {
    String file = dir.resolve("a/b/c/checkpoint.safetensors").toString();
    java.util.List<String> made = HadoopFiles.missingDirectories(file, conf);
    assertEquals(java.util.stream.Stream.of("a/b/c", "a/b", "a")
        .map(d -> HadoopFiles.qualified(dir.resolve(d).toString(), conf)).toList(), made);
    HadoopFiles.requireWritableFile(file, conf);
    HadoopFiles.deleteEmptyDirectories(made, conf);
    assertFalse(Files.exists(dir.resolve("a")), "all three were made, and all three left empty");

    HadoopFiles.requireWritableFile(file, conf);
    Files.writeString(dir.resolve("a/b/kept"), "x");
    HadoopFiles.deleteEmptyDirectories(made, conf);
    assertFalse(Files.exists(dir.resolve("a/b/c")));
    assertTrue(Files.exists(dir.resolve("a/b/kept")), "a directory holding a file stays, with those above it");
    assertEquals(java.util.List.of(), HadoopFiles.missingDirectories(dir.resolve("a/b/x").toString(), conf));
  }

  /**
   * A file system on the local disk ("norename:") that refuses to rename a write's temporary file into place, as a
   * store that fails between the two renames of a replacement does; every other rename it does.
   */
  public static final class TemporaryRenameRefusingFileSystem extends org.apache.hadoop.fs.RawLocalFileSystem {
    @Override
    public java.net.URI getUri() {
      return java.net.URI.create("norename:///");
    }

    @Override
    public String getScheme() {
      return "norename";
    }

    @Override
    public boolean rename(org.apache.hadoop.fs.Path src, org.apache.hadoop.fs.Path dst) throws java.io.IOException {
      return !src.getName().endsWith(".tmp") && super.rename(src, dst);
    }
  }

  /**
   * When the new file cannot be renamed into place after the old one was moved aside, the old one is moved back: the
   * target holds its old contents, as before the write, and neither a previous nor a temporary file is left.
   */
  @Test
  void aReplacementWhoseFinalRenameFailsPutsTheOldFileBack(@TempDir Path dir) throws Exception {
    Configuration refusing = new Configuration();
    refusing.set("fs.norename.impl", TemporaryRenameRefusingFileSystem.class.getName());
    refusing.setBoolean("fs.norename.impl.disable.cache", true);
    Files.write(dir.resolve("checkpoint.safetensors"), new byte[] {1, 2, 3});
    String target = "norename://" + dir.resolve("checkpoint.safetensors").toUri().getPath();

    java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
        () -> HadoopFiles.write(target, new byte[] {4, 5}, refusing));
    assertTrue(e.getMessage().startsWith("cannot write 2 bytes to " + target) && e.getMessage().contains("cannot "
        + "rename"), e.getMessage());
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("checkpoint.safetensors")));
    try (var files = Files.list(dir)) {
      assertEquals(java.util.List.of("checkpoint.safetensors"), files.map(p -> p.getFileName().toString()).toList(),
          "the old file is back in place, and nothing is left beside it");
    }
  }

  /**
   * A bare file name is in the working directory: its directory is ".", which can be looked into and qualified (a
   * resume from "checkpoint.safetensors" writes its run there), where it was an empty path, of which Hadoop makes no
   * Path. A root is no file in a directory, and says so.
   */
  @Test
  void theDirectoryOfABareFileNameIsTheWorkingDirectory() {
    assertEquals(".", HadoopFiles.parent("checkpoint.safetensors"));
    assertEquals(HadoopFiles.qualified(System.getProperty("user.dir"), conf),
        HadoopFiles.qualified(HadoopFiles.parent("checkpoint.safetensors"), conf));
    assertEquals(java.util.List.of(), HadoopFiles.existing(HadoopFiles.parent("no-such-checkpoint.safetensors"),
        java.util.List.of("no-such-checkpoint.safetensors"), conf));
    assertEquals("file:/runs/a", HadoopFiles.parent("file:/runs/a/checkpoint.safetensors"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HadoopFiles.parent("/"));
    assertEquals("/ is a root directory, not a file in a directory", e.getMessage());
  }
}
