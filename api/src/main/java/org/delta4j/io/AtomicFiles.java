package org.delta4j.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Writing a file so that readers see the old contents or the new, never a torn mix: the new contents go to a
 * temporary file beside the target (same directory, so the move is a rename), are forced to disk, and the temporary
 * file is moved over the target atomically. A failure leaves the target as it was and removes the temporary file. The
 * temporary file is created with the process's default permissions (umask), like any file the program writes.
 */
public final class AtomicFiles {
  /** Writes the contents of a file, given its (temporary) path. */
  @FunctionalInterface
  public interface Writer {
    void write(Path file) throws IOException;
  }

  private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9a-f]{1,16}\\.tmp");
  /** The most characters of the target's name that its temporary file's name takes. */
  private static final int TEMPORARY_PREFIX = 48;

  private AtomicFiles() {}

  /**
   * Writes {@code target} through {@code writer}, atomically; through a symbolic link, the file it links to. Refuses,
   * with a {@link FileSystemException} naming it, a path that names no file and an existing directory, device, pipe or
   * socket: the move would replace it (as root, {@code /dev/null} itself) rather than write into it.
   */
  public static void write(Path target, Writer writer) throws IOException {
    Path file = writable(target);
    Path dir = file.getParent();
    try {
      Files.createDirectories(dir);
    } catch (FileSystemException e) {
      Path inTheWay = dir; // the nearest existing ancestor, which is not a directory if that is why
      while (inTheWay != null && !Files.exists(inTheWay)) {
        inTheWay = inTheWay.getParent();
      }
      if (inTheWay != null && !Files.isDirectory(inTheWay)) {
        throw new FileSystemException(target.toString(), null, "cannot be written: " + inTheWay
            + " is a file, not a directory");
      }
      throw e;
    }
    Path tmp = temporary(dir, file.getFileName().toString());
    try {
      writer.write(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      if (e instanceof FileSystemException) {
        throw e;
      }
      // such as "No space left on device", which names no file
      throw (IOException) new FileSystemException(target.toString(), null, "cannot be written (" + e.getMessage()
          + "); what was there is as it was").initCause(e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The regular file a write of {@code target} replaces: the path itself, or for a link the file it leads to, which
   * replacing the link would leave stale.
   */
  private static Path writable(Path target) throws IOException {
    Path file = Files.exists(target) ? target.toRealPath() : target.toAbsolutePath().normalize();
    if (file.getFileName() == null) {
      throw new FileSystemException(target.toString(), null, "names no file to write");
    }
    String other = otherThanAFile(file);
    if (other != null) {
      throw new FileSystemException(target.toString(), null, other + (Files.isDirectory(file)
          ? ", not a file: give a file's path" : ", not a regular file: not replaced"));
    }
    return file;
  }

  /**
   * What an existing {@code path} is when it is not a regular file ("is a directory", "is a device, pipe or socket"),
   * for a refusal to name; null for a regular file or nothing at all. A move over such a path would replace it, and an
   * open of a pipe would wait for a writer.
   */
  static String otherThanAFile(Path path) {
    if (Files.isDirectory(path)) {
      return "is a directory";
    }
    return Files.exists(path) && !Files.isRegularFile(path) ? "is a device, pipe or socket" : null;
  }

  /** Writes {@code text} as UTF-8 to {@code target}, atomically. */
  public static void writeString(Path target, CharSequence text) throws IOException {
    write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
  }

  /**
   * Removes the temporary files that writes killed before their move left in {@code dir} (named as this class names
   * them: {@code .<name>.<hex>.tmp}, of the target's name its first 48 characters) and returns how many there were.
   * Only for a directory that no other process is writing to at the time, such as one a run holds locked.
   */
  public static int removeStale(Path dir) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path f : files) {
        if (TEMPORARY.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f)) {
          Files.deleteIfExists(f);
          removed++;
        }
      }
    }
    return removed;
  }

  /**
   * Removes the temporary files that killed writes of the files {@code names} left in {@code dir} ({@code
   * .<name>.<hex>.tmp}, one of the names), and returns how many there were: for a directory that may hold files of
   * others too, such as a user's own, where {@code .notes.1f.tmp} is not this class's. Only for a directory that no
   * other process is writing those files in at the time.
   */
  public static int removeStale(Path dir, Collection<String> names) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(names, "names");
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (TEMPORARY.matcher(name).matches() && names.contains(name.substring(1, name.lastIndexOf('.', name.length()
            - 5))) && Files.isRegularFile(f)) {
          Files.deleteIfExists(f);
          removed++;
        }
      }
    }
    return removed;
  }

  private static Path temporary(Path dir, String name) throws IOException {
    // A name of its own at most 48 characters long (whole ones, not half a surrogate pair): with the 22 added to it,
    // a target's name near the 255 bytes a file system allows made one too long, so that the target could not be
    // written at all
    String prefix = name.substring(0, name.offsetByCodePoints(0, Math.min(TEMPORARY_PREFIX,
        name.codePointCount(0, name.length()))));
    for (int attempt = 0; ; attempt++) {
      Path p = dir.resolve("." + prefix + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      try {
        return Files.createFile(p);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }
}
