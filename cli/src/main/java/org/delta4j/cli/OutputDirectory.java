package org.delta4j.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.delta4j.io.AtomicFiles;

/**
 * A run's output directory (training's, the perceptron demonstration's), checked before any work starts and held for
 * the run: it must be (or become) a writable directory, not an existing file, and no other run may hold it. Holding it
 * means a lock on {@value #LOCK_FILE} inside it, released by {@link #close()} or when the process ends, however it
 * ends. Temporary files that killed writes left there are removed once the lock is held. A directory made for the run
 * that the run leaves empty (it was refused before writing anything: an unknown engine, a file that cannot be read) is
 * removed on {@link #close()}, so that a mistyped command leaves no empty {@code runs/<time>} behind.
 */
final class OutputDirectory implements AutoCloseable {
  /** The lock file inside the directory. */
  static final String LOCK_FILE = ".delta4j.lock";

  private final Path directory;
  private final boolean made;
  private final FileChannel channel;
  private final FileLock lock;

  private OutputDirectory(Path directory, boolean made, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.made = made;
    this.channel = channel;
    this.lock = lock;
  }

  /** Checks and locks {@code dir}, creating it if needed; every refusal names the directory and the reason. */
  static OutputDirectory hold(Path dir) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--output " + dir + " is an existing file, not a directory");
    }
    boolean made = !Files.exists(dir);
    try {
      Files.createDirectories(dir);
    } catch (FileSystemException e) {
      throw new IOException("--output " + dir + ": cannot create the directory (" + Delta4jCommand.describe(e) + ")",
          e);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (AccessDeniedException e) {
      throw new IOException("--output " + dir + ": not writable (permission denied)", e);
    } catch (FileSystemException e) {
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
    AtomicFiles.removeStale(dir);
    return held;
  }

  Path path() {
    return directory;
  }

  @Override
  public void close() throws IOException {
    boolean unused = made && holdsOnlyTheLock();
    try {
      if (unused) {
        Files.deleteIfExists(directory.resolve(LOCK_FILE));
      }
      lock.release();
    } finally {
      channel.close();
    }
    if (unused) {
      Files.deleteIfExists(directory);
    }
  }

  private boolean holdsOnlyTheLock() throws IOException {
    try (var entries = Files.list(directory)) {
      return entries.allMatch(p -> p.getFileName().toString().equals(LOCK_FILE));
    }
  }
}
