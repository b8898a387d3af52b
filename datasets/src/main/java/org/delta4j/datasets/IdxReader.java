package org.delta4j.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.ZipException;
import org.delta4j.io.Heap;

/**
 * Reads files in the IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed (recognised by its magic bytes):
 * two zero bytes, a type byte (0x08: unsigned bytes), the number of dimensions, each dimension as a big-endian int,
 * then the data. Every defect — a missing file, bad gzip, a wrong magic number, a type other than unsigned bytes, fewer
 * or more bytes than the dimensions announce, bytes after a compressed file's gzip data — is an {@link IOException}
 * naming the file and what is wrong, as is a device, pipe or socket given for a file. What the header claims is never
 * allocated on trust: a raw file's claim is checked against its size, and a compressed file's against what its size
 * could inflate to, past which the data is counted before any array is made; either way the data is read into one
 * array of its size. Data larger than the heap can still give is refused before it is read, naming the size it needs;
 * the data is all the memory a file takes.
 */
public final class IdxReader {
  private static final int UNSIGNED_BYTE = 0x08;
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
  /**
   * The most bytes deflate makes of each byte it reads (zlib's bound, 1,032:1): no gzip file holds more data than that
   * times its size, so a claim within it may be borne out by the data and its array is made as the data is read.
   */
  private static final long MOST_INFLATED_PER_BYTE = 1_032;

  private IdxReader() {}

  /** The contents of an IDX file: its dimensions and its unsigned bytes in row-major order. */
  public record IdxArray(int[] dims, byte[] data) {
    /** Number of items: the first dimension. */
    public int count() {
      return dims[0];
    }

    /** Bytes per item: the product of the dimensions after the first. */
    public int itemSize() {
      int n = 1;
      for (int i = 1; i < dims.length; i++) {
        n *= dims[i];
      }
      return n;
    }
  }

  /** Reads an unsigned-byte IDX file, gzip-compressed or not. */
  public static IdxArray read(Path file) throws IOException {
    return read(file, 0, null);
  }

  /**
   * Reads an unsigned-byte IDX file of {@code rank} dimensions (0: any), {@code what} it holds (for messages, "a
   * vector of labels"), refused from its header when it has another number: the next dimensions would be read from
   * its data, and a labels file in place of images (or the reverse) refused as implausibly large.
   */
  public static IdxArray read(Path file, int rank, String what) throws IOException {
    Objects.requireNonNull(file, "file is null");
    if (rank < 0 || rank > 255) { // the header gives it in one byte; 0 asks for any
      throw new IllegalArgumentException("an IDX file's rank is 0 to 255 (0: any), asked for " + rank);
    }
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not an IDX file");
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) { // opened, a pipe waits for a writer; its size says 0
      throw new IOException(file + ": is a device, pipe or socket, not an IDX file");
    }
    IdxArray idx = read(file, rank, what, false);
    // A compressed file's claim past what its size could hold was checked against the data, none of it kept, where
    // it was not refused; its array is then made once, of its size (grown as the data came, it took up to twice that,
    // a doubling's two arrays, and a file that the heap could hold, by the check, ran it out)
    return idx.data() != null ? idx : read(file, rank, what, true);
  }

  /**
   * One reading of the file: its data held, or of a compressed file whose header claims more than its size could
   * inflate to ({@link #MOST_INFLATED_PER_BYTE}) only counted, the data of the array returned then null.
   */
  private static IdxArray read(Path file, int rank, String what, boolean hold) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      boolean gzip = b0 == 0x1f && b1 == 0x8b;
      try (InputStream data = gzip ? new GzipMembers(raw, 1 << 16) : raw;
          DataInputStream in = new DataInputStream(data)) {
        long size = Files.size(file);
        long holdUpTo = hold || !gzip ? Long.MAX_VALUE
            : Math.min(size, Long.MAX_VALUE / MOST_INFLATED_PER_BYTE) * MOST_INFLATED_PER_BYTE;
        IdxArray idx = read(file, in, gzip ? -1 : size, rank, what, holdUpTo);
        // The data was read to its end, so the gzip data's end is known; the raw file's bytes after it were checked.
        if (data instanceof GzipMembers members && members.end() < size) {
          throw new IOException(file + ": " + (size - members.end()) + " bytes after the end of the gzip data (at "
              + "byte " + members.end() + " of " + size + "); the file is corrupt or not what its name says");
        }
        return idx;
      } catch (ZipException | EOFException e) {
        if (gzip) { // header truncation is reported as an IOException above, so these come from the gzip stream
          throw new IOException(file + ": the gzip data is corrupt or truncated (" + e.getMessage()
              + "); delete the file and fetch it again", e);
        }
        throw e;
      }
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "file not found");
    }
  }

  /** How many bytes {@code in} holds up to {@code most}, read through a small buffer and kept nowhere. */
  private static long count(InputStream in, long most) throws IOException {
    byte[] buf = new byte[1 << 16];
    long n = 0;
    for (int r; n < most && (r = in.read(buf, 0, (int) Math.min(buf.length, most - n))) >= 0; ) {
      n += r;
    }
    return n;
  }

  /**
   * Reads from {@code in}; {@code fileSize} is the size of a raw file, −1 for a compressed one, whose data is held
   * when the header claims at most {@code holdUpTo} bytes of it, otherwise only counted (see {@link #read(Path, int,
   * String, boolean)}).
   */
  private static IdxArray read(Path file, DataInputStream in, long fileSize, int expectedRank, String what,
      long holdUpTo) throws IOException {
    int zero1 = in.read();
    int zero2 = in.read();
    int type = in.read();
    int rank = in.read();
    if (rank < 0) {
      throw new IOException(file + ": too short to be an IDX file (fewer than 4 header bytes)");
    }
    if (zero1 != 0 || zero2 != 0) {
      throw new IOException(String.format("%s: wrong magic number 0x%02x%02x%02x%02x, not an IDX file (expected "
          + "0x0000TTDD: two zero bytes, the type, the number of dimensions)", file, zero1, zero2, type, rank));
    }
    if (type != UNSIGNED_BYTE) {
      throw new IOException(String.format("%s: IDX element type 0x%02x is not supported; Delta4j reads unsigned-byte "
          + "(0x08) files such as MNIST's", file, type));
    }
    if (rank < 1) {
      throw new IOException(file + ": an IDX file needs at least one dimension, the header says 0");
    }
    if (expectedRank > 0 && rank != expectedRank) {
      throw new IOException(String.format("%s: expected %s, of %d dimension%s, but the header announces %d (magic "
          + "0x0000%02x%02x); is it another file of the set?", file, what, expectedRank, expectedRank == 1 ? "" : "s",
          rank, type, rank));
    }
    int[] dims = new int[rank];
    long total = 1;
    for (int i = 0; i < rank; i++) {
      try {
        dims[i] = in.readInt();
      } catch (EOFException e) {
        throw new IOException(file + ": truncated in the header (dimension " + i + " of " + rank + " missing)", e);
      }
      if (dims[i] < 0) {
        throw new IOException(file + ": dimension " + i + " is negative (" + dims[i] + ")");
      }
      total *= dims[i];
      if (total > MAX_ELEMENTS) {
        throw new IOException(file + ": the header announces more than " + MAX_ELEMENTS
            + " elements, which is not a plausible IDX file");
      }
    }
    // With no items the total is 0 whatever follows, so the item size (an int, see itemSize) is bounded on its own.
    long item = 1;
    for (int i = 1; i < rank; i++) {
      item *= dims[i];
      if (item > MAX_ELEMENTS) {
        throw new IOException(file + ": the header announces " + dims[0] + " items of " + item + " bytes ("
            + java.util.Arrays.toString(dims) + "), more than the " + MAX_ELEMENTS + " an item may hold");
      }
    }
    // A raw file's size tells up front whether the data is all there; a compressed one's only once it is read
    long header = 4 + 4L * rank;
    if (fileSize >= 0 && fileSize - header < total) {
      throw truncated(file, dims, total, fileSize - header);
    }
    // Data that cannot fit is refused before it is read; of a compressed file, what its header claims
    Heap.require(String.format(java.util.Locale.ROOT, "%s: the %,d data bytes the header announces (%s)", file, total,
        java.util.Arrays.toString(dims)), total);
    boolean hold = total <= holdUpTo;
    byte[] data = hold ? new byte[(int) total] : null;
    long held = hold ? in.readNBytes(data, 0, data.length) : count(in, total);
    if (held < total) {
      throw truncated(file, dims, total, held);
    }
    if (in.read() != -1) {
      throw new IOException(file + ": more data than the header announces (" + java.util.Arrays.toString(dims)
          + "); the file is corrupt or not what its name says");
    }
    return new IdxArray(dims, data);
  }

  private static IOException truncated(Path file, int[] dims, long total, long held) {
    return new IOException(file + ": truncated: the header announces " + total + " data bytes ("
        + java.util.Arrays.toString(dims) + ") but the file holds " + held + "; fetch the file again");
  }
}
