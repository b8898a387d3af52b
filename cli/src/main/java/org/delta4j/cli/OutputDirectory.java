package org.delta4j.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.delta4j.io.AtomicFiles;
import org.delta4j.perceptron.ConvergenceDemo;

/**
 * A run's output directory (training's, the perceptron demonstration's), checked before any work starts and held for
 * the run: it must be (or become) a writable directory, not an existing file, and no other run may hold it. Holding it
 * means a lock on {@value #LOCK_FILE} inside it, released by {@link #close()} or when the process ends, however it
 * ends. Temporary files that killed writes of a run's files left there are removed once the lock is held. The
 * directories made for the run (the directory and any of its parents that were missing) that the run leaves empty (it
 * was refused before writing anything: an unknown engine, a file that cannot be read) are removed on {@link
 * #close()}, deepest first, so that a mistyped command leaves no empty {@code runs/<time>}, nor {@code a/b} of {@code
 * a/b/c}, behind.
 */
final class OutputDirectory implements AutoCloseable {
  /** The lock file inside the directory. */
  static final String LOCK_FILE = ".delta4j.lock";
  /**
   * The files runs write in their directories, whose temporaries a killed write may have left: only those are removed,
   * as the directory may be the user's own (a mistyped command deleted a .notes.1f.tmp of theirs).
   */
  static final List<String> WRITTEN = Stream.concat(TrainCommand.FILES.stream(), ConvergenceDemo.FILES.stream())
      .toList();

  private final Path directory;
  /** The directories made for the run, deepest first: the directory itself, if made, then its parents made with it. */
  private final List<Path> made;
  private final FileChannel channel;
  private final FileLock lock;

  private OutputDirectory(Path directory, List<Path> made, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.made = made;
    this.channel = channel;
    this.lock = lock;
  }

  /** Checks and locks {@code dir}, creating it if needed; every refusal names the directory and the reason. */
  static OutputDirectory hold(Path dir) throws IOException {
    // An empty path resolves to the working directory: a run would land among whatever files are there.
    if (dir.toString().isEmpty()) {
      throw new IllegalArgumentException("--output is empty: name the directory for the run");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--output " + dir + " is an existing file, not a directory");
    }
    refuseLinkToNothing(dir);
    List<Path> made = missing(dir);
    try {
      Files.createDirectories(dir);
    } catch (FileSystemException e) {
      removeEmpty(made); // the parents made before the one that could not be
      throw new IOException("--output " + dir + ": cannot create the directory (" + Delta4jCommand.describe(e) + ")",
          e);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (AccessDeniedException e) {
      removeEmpty(made);
      throw new IOException("--output " + dir + ": not writable (permission denied)", e);
    } catch (FileSystemException e) {
      removeEmpty(made);
      throw new IOException("--output " + dir + ": cannot write there (" + Delta4jCommand.describe(e) + ")", e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalArgumentException("--output " + dir + " is in use by another training run (it holds "
          + dir.resolve(LOCK_FILE) + "); wait for it to finish or choose another --output");
    }
    OutputDirectory held = new OutputDirectory(dir, made, channel, lock);
    AtomicFiles.removeStale(dir, WRITTEN);
    return held;
  }

  /**
   * Refuses {@code dir} when it, or a directory on the way to it, is a symbolic link to nothing, naming the link: no
   * directory can be made there, and the link is the user's, not one the run made (taken for one, it was deleted).
   */
  private static void refuseLinkToNothing(Path dir) throws IOException {
    for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
      if (Files.isSymbolicLink(d) && Files.notExists(d)) {
        throw new IllegalArgumentException("--output " + dir + ": " + d + " is a symbolic link to "
            + Files.readSymbolicLink(d) + ", which does not exist; make it, or choose another --output");
      }
    }
  }

  /**
   * The directories {@code dir} and its parents that do not exist, deepest first, as {@link Files#createDirectories}
   * makes them: absolute and normalised (it makes a and a/c for a/b/../c). A link is there, whatever it points to.
   */
  private static List<Path> missing(Path dir) {
    List<Path> missing = new ArrayList<>();
    for (Path d = dir.toAbsolutePath().normalize(); d != null && Files.notExists(d, LinkOption.NOFOLLOW_LINKS);
        d = d.getParent()) {
      missing.add(d);
    }
    return missing;
  }

  /** Removes those of {@code dirs} that are empty, in order; one that holds anything stays, as do its parents. */
  private static void removeEmpty(List<Path> dirs) throws IOException {
    for (Path d : dirs) {
      try {
        Files.deleteIfExists(d);
      } catch (DirectoryNotEmptyException e) {
        return; // something was written there meanwhile, so its parents hold it
      }
    }
  }

  Path path() {
    return directory;
  }

  @Override
  public void close() throws IOException {
    boolean unused = !made.isEmpty() && holdsOnlyTheLock();
    try {
      if (unused) {
        Files.deleteIfExists(directory.resolve(LOCK_FILE));
      }
      lock.release();
    } finally {
      channel.close();
    }
    if (unused) {
      removeEmpty(made);
    }
  }

  private boolean holdsOnlyTheLock() throws IOException {
    try (var entries = Files.list(directory)) {
      return entries.allMatch(p -> p.getFileName().toString().equals(LOCK_FILE));
    }
  }
}
