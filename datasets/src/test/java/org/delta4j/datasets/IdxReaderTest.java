package org.delta4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files, raw or gzip, read back exactly; every corruption named with its file. */
class IdxReaderTest {
  @TempDir
  Path dir;

  static byte[] idx(int type, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  private Path write(String name, byte[] bytes, boolean gzip) throws IOException {
    Path f = dir.resolve(name);
    if (gzip) {
      try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
        out.write(bytes);
      }
    } else {
      Files.write(f, bytes);
    }
    return f;
  }

  @Test
  void readsRawAndGzip() throws IOException {
    byte[] data = {1, 2, 3, 4, 5, 6, (byte) 200, 8, 9, 10, 11, 12};
    for (boolean gzip : new boolean[] {false, true}) {
      IdxReader.IdxArray a = IdxReader.read(write("a" + gzip, idx(8, new int[] {2, 3, 2}, data), gzip));
      assertArrayEquals(new int[] {2, 3, 2}, a.dims());
      assertArrayEquals(data, a.data());
      assertTrue(a.count() == 2 && a.itemSize() == 6);
    }
  }

  private void refused(Path f, String reason) {
    IOException e = assertThrows(IOException.class, () -> IdxReader.read(f));
    assertTrue(e.getMessage().contains(f.toString()) || e instanceof NoSuchFileException, e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void corruptFilesAreNamedWithWhatIsWrong() throws IOException {
    byte[] good = idx(8, new int[] {2, 2}, new byte[] {1, 2, 3, 4});
    refused(dir.resolve("missing.idx"), "file not found");
    refused(write("truncated", Arrays.copyOf(good, good.length - 1), false), "truncated: the header announces 4");
    refused(write("truncated.gz", Arrays.copyOf(good, good.length - 1), true), "truncated");
    refused(write("header", Arrays.copyOf(good, 6), false), "truncated in the header");
    refused(write("short", new byte[] {0, 0}, false), "too short");
    byte[] magic = good.clone();
    magic[0] = 7;
    refused(write("magic", magic, false), "wrong magic number 0x07000802");
    refused(write("float", idx(0x0D, new int[] {1}, new byte[4]), false), "element type 0x0d is not supported");
    refused(write("trailing", Arrays.copyOf(good, good.length + 3), false), "more data than the header announces");
    byte[] gz = Files.readAllBytes(write("good.gz", good, true));
    refused(write("badgzip.gz", Arrays.copyOf(gz, gz.length - 6), false), "gzip");
    gz[gz.length - 6] ^= 0x55; // the CRC-32 in the trailer
    refused(write("flipped.gz", gz, false), "gzip");
  }

  /**
   * A file of another rank than the one asked for is refused from its header, naming both: a labels file given the
   * images' header (3 dimensions) had its data read as dimensions, and was refused as implausibly large.
   */
  @Test
  void aFileOfAnotherRankThanAskedIsRefusedFromItsHeader() throws IOException {
    byte[] labels = new byte[40];
    Arrays.fill(labels, (byte) 0x7f);
    Path f = write("labels", idx(8, new int[] {10, 2, 2}, labels), false);
    IOException e = assertThrows(IOException.class, () -> IdxReader.read(f, 1, "a vector of labels"));
    assertEquals(f + ": expected a vector of labels, of 1 dimension, but the header announces 3 (magic 0x00000803); "
        + "is it another file of the set?", e.getMessage());
    assertArrayEquals(new int[] {10, 2, 2}, IdxReader.read(f, 3, "images").dims());
  }

  /**
   * Bytes after the gzip data are refused as bytes after a raw file's data are, naming the file and how many: they
   * were ignored (GZIPInputStream ends at a member that no other member follows, whatever does follow it). A tail
   * that begins like a member but is none is refused as corrupt gzip data.
   */
  @Test
  void bytesAfterTheGzipDataAreRefusedNamingTheFile() throws IOException {
    byte[] gz = Files.readAllBytes(write("good.gz", idx(8, new int[] {2, 2}, new byte[] {1, 2, 3, 4}), true));
    byte[] long0 = new byte[200_000]; // past any buffer, so the end is found whatever was read ahead
    for (byte[] tail : List.of("garbage!garbage!".getBytes(StandardCharsets.US_ASCII), new byte[1], new byte[] {0x1f},
        long0)) {
      Path f = write("tail" + tail.length + ".gz", concat(gz, tail), false);
      refused(f, tail.length + " bytes after the end of the gzip data (at byte " + gz.length + " of "
          + (gz.length + tail.length) + "); the file is corrupt or not what its name says");
    }
    refused(write("tail.gz", concat(gz, new byte[] {0x1f, (byte) 0x8b, 'x'}), false),
        "the gzip data is corrupt or truncated");
  }

  /**
   * A gzip file of several members (as {@code cat a.gz b.gz} makes one) holds their data one after the other, as gzip
   * reads it; a header's optional fields (extra field, file name, comment, header CRC) are read past.
   */
  @Test
  void gzipMembersFollowingEachOtherAreOneFileAndTheirHeadersFieldsAreReadPast() throws IOException {
    byte[] data = {1, 2, 3, 4, 5, 6};
    byte[] file = idx(8, new int[] {3, 2}, data);
    byte[] first = Files.readAllBytes(write("first.gz", Arrays.copyOf(file, 9), true));
    byte[] second = Files.readAllBytes(write("second.gz", Arrays.copyOfRange(file, 9, file.length), true));
    for (byte[] gz : List.of(concat(first, second), concat(withHeaderFields(first), withHeaderFields(second)))) {
      IdxReader.IdxArray a = IdxReader.read(write("members.gz", gz, false));
      assertArrayEquals(new int[] {3, 2}, a.dims());
      assertArrayEquals(data, a.data());
    }
    byte[] badHeaderCrc = withHeaderFields(first);
    badHeaderCrc[10 + 2 + 3 + 6 + 2] ^= 1; // the header CRC, after the extra field, the name and the comment
    refused(write("headercrc.gz", badHeaderCrc, false), "the gzip data is corrupt or truncated");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /**
   * The gzip member {@code gz} with every optional header field (RFC 1952): an extra field of 3 bytes, the file name
   * "a.idx", the comment "c" and the header's CRC-16.
   */
  private static byte[] withHeaderFields(byte[] gz) {
    java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
    header.write(gz, 0, 10);
    header.writeBytes(new byte[] {3, 0, 'x', 'y', 'z'});
    header.writeBytes("a.idx\0c\0".getBytes(StandardCharsets.US_ASCII));
    byte[] h = header.toByteArray();
    h[3] = 2 | 4 | 8 | 16; // FHCRC, FEXTRA, FNAME, FCOMMENT
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(h);
    byte[] withCrc = concat(h, new byte[] {(byte) crc.getValue(), (byte) (crc.getValue() >> 8)});
    return concat(withCrc, Arrays.copyOfRange(gz, 10, gz.length));
  }

  /** Bytes this thread has allocated so far (HotSpot's count). */
  static long allocated() {
    return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  /**
   * A compressed file's data is made once, in an array of its size, so that a file the heap can hold, by the check
   * made before it is read, is read: its array was grown as the data came, doubling from a megabyte, which made
   * 60 MiB of images take 92 MiB at once (the last two arrays) and 120 MiB in all, and ran out a heap of 96 MiB.
   */
  @Test
  void aCompressedFilesDataIsMadeOnceInAnArrayOfItsSize() throws IOException {
    byte[] images = new byte[80_000 * 784];
    Arrays.fill(images, (byte) 7);
    Path f = write("images.gz", idx(8, new int[] {80_000, 28, 28}, images), true);
    long before = allocated();
    IdxReader.IdxArray read = IdxReader.read(f);
    long used = allocated() - before;
    assertArrayEquals(images, read.data());
    assertTrue(used < images.length + (1L << 20), "allocated " + used + " bytes for " + images.length + " of data");
  }

  @Test
  void aHeaderClaimingFarMoreImagesThanTheFileHoldsIsRefusedWithoutAllocatingTheClaim() throws IOException {
    byte[] images = new byte[3_000 * 784];
    for (boolean gzip : new boolean[] {false, true}) {
      Path f = write("claims" + gzip, idx(8, new int[] {2_000_000, 28, 28}, images), gzip);
      long before = allocated();
      refused(f, "truncated: the header announces 1568000000 data bytes ([2000000, 28, 28]) but the file holds "
          + images.length);
      long used = allocated() - before;
      assertTrue(used < 64L << 20, "allocated " + used + " bytes for a file of " + images.length);
    }
  }

  /**
   * Data that cannot fit in what the heap can still give is refused before any of it is read, naming the size it
   * needs and how to give Java more, where reading it ran out of memory part way: a raw file of 2 GiB (sparse, so
   * that writing it costs nothing), and a compressed file whose size only its header tells.
   */
  @Test
  void dataLargerThanTheHeapCanGiveIsRefusedUpFrontNamingTheSizeItNeeds() throws IOException {
    int items = (Integer.MAX_VALUE - 8) / 784; // about the most a header may announce
    long total = (long) items * 784;
    Runtime rt = Runtime.getRuntime();
    org.junit.jupiter.api.Assumptions.assumeTrue(rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()) < total,
        "a heap of " + (rt.maxMemory() >> 20) + " MiB can give the largest IDX file");
    byte[] header = idx(8, new int[] {items, 28, 28}, new byte[0]);
    Path raw = write("large", header, false);
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(raw.toFile(), "rw")) {
      f.setLength(header.length + total);
    }
    Path gzip = write("large.gz", idx(8, new int[] {items, 28, 28}, new byte[784 * 64]), true);
    for (Path f : List.of(raw, gzip)) {
      long before = allocated();
      refused(f, String.format(java.util.Locale.ROOT, ": the %,d data bytes the header announces ([%d, 28, 28]) "
          + "need about %,d MiB, more than the ", total, items, total >> 20));
      refused(f, "give Java more memory (-Xmx");
      assertTrue(allocated() - before < 16L << 20, "refused before reading " + f);
    }
  }

  @Test
  void noItemsOfAnImpossibleSizeAreRefusedNotReadAsItemsOfAWrappedSize() throws IOException {
    // 0 × 65536 × 65536 is 0 bytes, under every limit, but 65536 × 65536 = 2³² is 0 as an int: the file read as
    // "no items of size 0" (and [0, 65537, 65536] as items of 65536 bytes).
    refused(write("wraps", idx(8, new int[] {0, 65_536, 65_536}, new byte[0]), false),
        "items of 4294967296 bytes ([0, 65536, 65536])");
    IdxReader.IdxArray none = IdxReader.read(write("none", idx(8, new int[] {0, 28, 28}, new byte[0]), false));
    assertTrue(none.count() == 0 && none.itemSize() == 784);
  }

  @Test
  void aDirectoryIsNamedAsOne() {
    refused(dir, "is a directory");
  }

  /**
   * A pipe, device or socket is refused by name before it is opened: the open of a pipe waited for a writer, without
   * end, and a pipe written to was taken for a raw file of 0 bytes ("the file holds -12").
   */
  @Test
  void aPipeOrDeviceIsNamedWithoutWaitingForAWriter() throws Exception {
    Path fifo = dir.resolve("train-labels-idx1-ubyte");
    org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
        "mkfifo is not available here");
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
        () -> refused(fifo, fifo + ": is a device, pipe or socket, not an IDX file"));
    if (Files.exists(Path.of("/dev/zero"))) {
      refused(Path.of("/dev/zero"), "/dev/zero: is a device, pipe or socket, not an IDX file");
    }
  }
}
