package org.delta4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.io.IOUtils;

/**
 * Whole files on any Hadoop {@link FileSystem} — {@code file:}, {@code hdfs:}, {@code s3a:} or a path without a scheme
 * on the configuration's default file system — so that checkpoints and models land wherever the cluster can reach.
 * A file is written under a temporary name beside its target and then renamed, so a reader never sees half of it (a
 * write that fails deletes it); the file it replaces stays, as {@code <name>.previous}, until the new one is in place,
 * and is renamed back when the new one cannot be put in place. Only a process that dies between the two renames, or a
 * store that refuses the rename back too, leaves the old file as {@code <name>.previous}, which {@link #read} names.
 * Stateless.
 */
public final class HadoopFiles {
  private HadoopFiles() {}

  /**
   * Writes {@code bytes} to {@code target} (replacing it), by a temporary file renamed into place.
   *
   * @throws IllegalArgumentException when {@code target} is a directory (see {@link #requireFileTarget})
   */
  public static void write(String target, byte[] bytes, Configuration conf) {
    requireFileTarget(target, conf);
    Path path = new Path(target);
    Path temporary = new Path(path.getParent(), "." + path.getName() + "." + UUID.randomUUID() + ".tmp");
    FileSystem fs = null;
    try {
      fs = fileSystem(path, conf);
      fs.mkdirs(path.getParent());
      try (OutputStream out = fs.create(temporary, true)) {
        out.write(bytes);
      }
      // Hadoop's rename does not replace an existing file (HDFS refuses), so the old one steps aside first, and is
      // deleted only once the new one is in place: at every moment one complete file exists (see read).
      Path previous = previous(path);
      boolean replacing = fs.exists(path);
      if (replacing && (fs.exists(previous) && !fs.delete(previous, false) || !fs.rename(path, previous))) {
        throw new IOException("cannot move the previous " + path + " aside to " + previous);
      }
      if (!fs.rename(temporary, path)) {
        // the old file goes back to its name, so that the target reads as before the write; only a store that fails
        // this rename too leaves it as <name>.previous, which read names
        boolean restored = replacing && !fs.exists(path) && fs.rename(previous, path);
        throw new IOException("cannot rename " + temporary + " to " + path + (!replacing ? "" : restored
            ? "; the previous file is back in place" : "; the previous file is left at " + previous));
      }
      if (replacing) {
        fs.delete(previous, false);
      }
    } catch (IOException e) {
      // the new contents, whole or not, would stay beside the target under their temporary name for good
      try {
        if (fs != null) {
          fs.delete(temporary, false);
        }
      } catch (IOException | RuntimeException cleanup) { // the write's own failure is the one to tell
        e.addSuppressed(cleanup);
      }
      throw new UncheckedIOException("cannot write " + bytes.length + " bytes to " + target + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Refuses, before any work, a {@code target} file that {@link #write} could not write, naming it and why: a directory
   * there ({@link #requireFileTarget}), a file where a directory above it must be, or a location that takes no file
   * (no permission, a file system that is read-only or unknown here). Makes the target's directory, as a write would,
   * and writes and deletes an empty file beside the target to try it.
   *
   * @throws IllegalArgumentException for a directory at {@code target} or a file above it
   * @throws UncheckedIOException when the file system refuses the directory or the file
   */
  public static void requireWritableFile(String target, Configuration conf) {
    requireFileTarget(target, conf);
    Path path = new Path(target);
    Path dir = path.getParent();
    try {
      FileSystem fs = fileSystem(path, conf);
      for (Path above = dir; above != null; above = above.getParent()) {
        if (fs.exists(above)) { // the nearest that exists must be a directory for the rest to be made in it
          if (!fs.getFileStatus(above).isDirectory()) {
            throw new IllegalArgumentException(target + " cannot be written: " + above + " is a file, not a "
                + "directory");
          }
          break;
        }
      }
      if (!fs.mkdirs(dir)) {
        throw new IOException("cannot make the directory " + dir);
      }
      Path trial = new Path(dir, "." + path.getName() + "." + UUID.randomUUID() + ".trial");
      fs.create(trial, false).close();
      fs.delete(trial, false);
    } catch (IOException e) {
      throw new UncheckedIOException(target + " cannot be written: " + e.getMessage(), e);
    }
  }

  /**
   * The directories above {@code target} that do not exist yet, deepest first, qualified ({@link #qualified}): those
   * that {@link #requireWritableFile} and {@link #write} would make for it.
   */
  public static List<String> missingDirectories(String target, Configuration conf) {
    Path path = new Path(target);
    try {
      FileSystem fs = fileSystem(path, conf);
      List<String> missing = new ArrayList<>();
      // qualified, so that the walk ends at the root, not at a relative path's "." over and over
      for (Path above = fs.makeQualified(path).getParent(); above != null && !fs.exists(above);
          above = above.getParent()) {
        missing.add(above.toString());
      }
      return missing;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes each of {@code dirs} that is an empty directory, in order: given deepest first, as {@link
   * #missingDirectories} lists them, a directory that held only the one before it goes too. One that holds anything,
   * or that cannot be deleted, stays, and nothing is thrown: this tidies up after a run that has its own error to
   * tell.
   */
  public static void deleteEmptyDirectories(List<String> dirs, Configuration conf) {
    for (String dir : dirs) {
      Path path = new Path(dir);
      try {
        FileSystem fs = fileSystem(path, conf);
        if (fs.getFileStatus(path).isDirectory() && fs.listStatus(path).length == 0) {
          fs.delete(path, false);
        }
      } catch (IOException e) { // not there (never made), or not to be deleted: left as it is
      }
    }
  }

  /**
   * Refuses a {@code target} that is a directory, naming it: {@link #write} would move the directory aside as the file
   * it replaces, and could not delete it.
   */
  public static void requireFileTarget(String target, Configuration conf) {
    Path path = new Path(target);
    try {
      if (fileSystem(path, conf).getFileStatus(path).isDirectory()) {
        throw new IllegalArgumentException(target + " is a directory, not a file: a file cannot replace it");
      }
    } catch (java.io.FileNotFoundException e) {
      // nothing there yet: the file will be made
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at " + target + ": " + e.getMessage(), e);
    }
  }

  /** The bytes of {@code source}. */
  public static byte[] read(String source, Configuration conf) {
    Path path = new Path(source);
    try {
      FileSystem fs = fileSystem(path, conf);
      if (!fs.isFile(path)) {
        Path previous = previous(path);
        throw new IllegalArgumentException("no file at " + source + " (" + fs.makeQualified(path) + ")"
            + (fs.isFile(previous) ? "; a write to it was interrupted, and the file it replaced is " + previous : ""));
      }
      long length = fs.getFileStatus(path).getLen();
      if (length > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(source + " has " + length + " bytes, more than a checkpoint can hold");
      }
      byte[] bytes = new byte[(int) length];
      try (InputStream in = fs.open(path)) {
        IOUtils.readFully(in, bytes, 0, bytes.length);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  /**
   * The names of {@code names} that exist in directory {@code dir}, in order; none when {@code dir} does not exist.
   *
   * @throws IllegalArgumentException when {@code dir} is a file, naming it
   */
  public static List<String> existing(String dir, List<String> names, Configuration conf) {
    Path path = new Path(dir);
    try {
      FileSystem fs = fileSystem(path, conf);
      if (fs.isFile(path)) {
        throw new IllegalArgumentException(dir + " is a file, not a directory");
      }
      List<String> found = new ArrayList<>();
      for (String name : names) {
        if (fs.exists(new Path(path, name))) {
          found.add(name);
        }
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look into " + dir + ": " + e.getMessage(), e);
    }
  }

  /** {@code path} made whole on its file system (scheme, authority, absolute), for comparing two paths. */
  public static String qualified(String path, Configuration conf) {
    Path p = new Path(path);
    try {
      return fileSystem(p, conf).makeQualified(p).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code path}'s file system. A scheme whose file system class is configured but missing here ({@code s3a:} without
   * Hadoop's hadoop-aws module) is refused as a scheme with no file system is, naming both, where Hadoop threw a bare
   * RuntimeException around a ClassNotFoundException.
   */
  static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
    try {
      return path.getFileSystem(conf);
    } catch (RuntimeException e) {
      if (!(e.getCause() instanceof ClassNotFoundException missing)) {
        throw e;
      }
      String scheme = path.toUri().getScheme();
      throw new UnsupportedFileSystemException("No FileSystem for scheme \"" + scheme + "\" here: "
          + missing.getMessage() + ("s3a".equals(scheme) ? " (it is in Hadoop's hadoop-aws module, which is not on "
          + "the class path)" : " (its module is not on the class path)"));
    }
  }

  /** Where {@link #write} keeps the file it replaces until the new one is in place. */
  static Path previous(Path path) {
    return new Path(path.getParent(), path.getName() + ".previous");
  }

  /** {@code name} in directory {@code dir} (both as Hadoop paths). */
  public static String child(String dir, String name) {
    return new Path(dir, name).toString();
  }

  /**
   * The directory holding {@code file}: "." (the working directory) for a bare name, "checkpoint.safetensors" say,
   * whose parent Hadoop gives as an empty path, of which no Path can be made.
   *
   * @throws IllegalArgumentException when {@code file} is a root, which no directory holds
   */
  public static String parent(String file) {
    Path parent = new Path(file).getParent();
    if (parent == null) {
      throw new IllegalArgumentException(file + " is a root directory, not a file in a directory");
    }
    return parent.toString().isEmpty() ? "." : parent.toString();
  }
}
