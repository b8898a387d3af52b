package org.delta4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors layout, byte for byte, and every way a file can be broken, each refused with its reason. */
class SafeTensorsTest {
  @TempDir
  Path dir;

  private Path sample() throws IOException {
    Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
    t.put("w", new SafeTensors.Entry(DataType.FLOAT32, new int[] {2, 2}, new double[] {1, 2, 3, 4}));
    t.put("b", new SafeTensors.Entry(DataType.FLOAT64, new int[] {2}, new double[] {0.1, -0.2}));
    Path file = dir.resolve("m.safetensors");
    SafeTensors.write(file, t, Map.of("format", "test"));
    return file;
  }

  @Test
  void theLayoutIsLengthThenJsonThenPackedLittleEndianData() throws IOException {
    byte[] bytes = Files.readAllBytes(sample());
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8, "the header is padded to a multiple of 8");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).trim();
    // The layout's checksum: CRC-32C of each tensor's name, type, shape and offsets, each followed by a zero byte.
    java.util.zip.CRC32C layout = new java.util.zip.CRC32C();
    layout.update(String.join("\0", "w", "F32", "2,2", "0,16", "b", "F64", "2", "16,32", "")
        .getBytes(StandardCharsets.UTF_8));
    String layoutHex = String.format("%08x", layout.getValue());
    // The checksum: CRC-32C of the other metadata, each key and value followed by a zero byte, then of the data.
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(("format\0test\0crc32c_layout\0" + layoutHex + "\0").getBytes(StandardCharsets.UTF_8));
    crc.update(bytes, 8 + (int) n, 32);
    assertEquals("{\"__metadata__\":{\"format\":\"test\",\"crc32c_layout\":\"" + layoutHex + "\",\"crc32c\":\""
        + String.format("%08x", crc.getValue()) + "\"},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
        + "\"b\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[16,32]}}", header);
    ByteBuffer data = ByteBuffer.wrap(bytes, 8 + (int) n, 32).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1f, data.getFloat());
    data.position(8 + (int) n + 16);
    assertEquals(0.1, data.getDouble());
    assertEquals(8 + n + 32, bytes.length);
  }

  @Test
  void roundTrips() throws IOException {
    SafeTensors.Contents c = SafeTensors.read(sample());
    assertEquals(List.of("w", "b"), List.copyOf(c.tensors().keySet()));
    assertArrayEquals(new double[] {1, 2, 3, 4}, c.tensors().get("w").values());
    assertArrayEquals(new double[] {0.1, -0.2}, c.tensors().get("b").values());
    assertEquals("test", c.metadata().get("format"));
  }

  private Path withHeader(String json, int dataBytes) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, b.array());
    return f;
  }

  private void refused(Path file, String reason) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensors.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void truncatedFilesAreRefused() throws IOException {
    byte[] good = Files.readAllBytes(sample());
    Path f = dir.resolve("cut.safetensors");
    Files.write(f, java.util.Arrays.copyOf(good, good.length - 4));
    refused(f, "outside the");
    Files.write(f, java.util.Arrays.copyOf(good, 5));
    refused(f, "fewer than the 8-byte header length");
  }

  @Test
  void aHeaderLengthPastTheEndIsRefusedWithoutAllocatingIt() throws IOException {
    Path f = dir.resolve("huge.safetensors");
    Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE / 2).array());
    refused(f, "does not fit a file of 16 bytes");
  }

  /**
   * A header holds at most 16 MiB, a model's some kilobytes: a forged one of 95 MB (1.6 million empty tensors) filled
   * a heap of 1 GiB as a tree before any check. Such a header is refused unread, and none is written.
   */
  @Test
  void aHeaderOfMoreThan16MiBIsNeitherReadNorWritten() throws IOException {
    Path f = dir.resolve("long-header.safetensors");
    long length = SafeTensors.MAX_HEADER + 8;
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array());
      file.setLength(8 + length); // sparse: nothing of it is written
    }
    refused(f, "header length 16777224 exceeds the 16777216-byte limit");
    Path g = dir.resolve("written.safetensors");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(g, Map.of(),
        Map.of("history", "x".repeat((int) SafeTensors.MAX_HEADER))));
    assertTrue(e.getMessage().startsWith(g + ": a header of 16,777,2") && e.getMessage().endsWith(" bytes (tensor "
        + "names, shapes and metadata) is more than the 16,777,216 a safetensors file may have here"), e.getMessage());
    assertFalse(Files.exists(g));
  }

  /**
   * A tensor of more bytes than one may hold in a file (some 2 GiB: 268,435,457 F64 values) is refused before anything
   * is written, naming the file, the tensor, its shape and both sizes, as a reader refuses it: its bytes were counted
   * in an int, which wrapped round, and the write failed with "capacity < 0". Its values alone take 2 GiB, so the
   * write runs in a JVM of its own with 4 GiB, when the machine has them to spare.
   */
  @Test
  void aTensorOfMoreBytesThanAFileTakesIsRefusedBeforeAnythingIsWritten() throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean();
    assumeTrue(os.getFreeMemorySize() > 6L << 30, "the machine has not 6 GiB free for a 4 GiB JVM");
    int count = (int) (SafeTensors.MAX_TENSOR_BYTES / 8 + 3);
    Path f = dir.resolve("large.safetensors");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx4g",
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), LargeTensorWrite.class.getName(),
        String.valueOf(count), f.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "the write did not finish");
    assertEquals("java.lang.IllegalArgumentException: " + f + ": tensor 'w' of shape [268435457] and type F64 holds "
        + "2,147,483,656 bytes, more than the 2,147,483,632 one tensor may hold in a safetensors file here", out);
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "nothing was written");
    }
  }

  /**
   * A file whose tensors, read as doubles, need more than the heap can still give is refused before any is read,
   * naming the size, where reading ran out of memory: 2 GiB of F32 values (a sparse file, so that writing it costs
   * nothing) are 4 GiB of doubles.
   */
  @Test
  void tensorsLargerThanTheHeapCanGiveAreRefusedBeforeTheyAreRead() throws IOException {
    long count = SafeTensors.MAX_TENSOR_BYTES / 4;
    Runtime rt = Runtime.getRuntime();
    org.junit.jupiter.api.Assumptions.assumeTrue(rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())
        < count * 12, "a heap of " + (rt.maxMemory() >> 20) + " MiB can read the file");
    Path f = withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[" + count + "],\"data_offsets\":[0," + count * 4
        + "]}}", 0);
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      file.setLength(file.length() + count * 4);
    }
    IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f)); // not a defect of the file
    assertTrue(e.getMessage().startsWith(f + ": its 1 tensors of " + String.format(java.util.Locale.ROOT, "%,d values, "
        + "read as doubles, need about %,d MiB, more than the ", count, count * 12 >> 20)), e.getMessage());
    assertEquals(Map.of(), SafeTensors.readMetadata(f), "the metadata alone reads");
  }

  /**
   * What a refusal quotes of a forged header (a name, a type, a shape, a value) is cut to a hundred characters, saying
   * how many it has: a shape of millions of dimensions, or a string of megabytes, made a message of megabytes.
   */
  @Test
  void whatARefusalQuotesOfAForgedHeaderIsCutShort() throws IOException {
    String big = "x".repeat(1_000_000);
    String ones = "1,".repeat(2_000_000);
    String name = "n".repeat(40_000);
    for (String header : List.of("{\"t\":{\"dtype\":\"" + big + "\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        "{\"__metadata__\":{\"k\":[\"" + big + "\"]}}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[" + ones + "2],\"data_offsets\":[0,4]}}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[\"" + big + "\"],\"data_offsets\":[0,4]}}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"" + big + "\",4]}}",
        "{\"" + name + "\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}")) {
      Path f = withHeader(header, 4);
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensors.read(f));
      String m = e.getMessage();
      assertTrue(m.length() < 600 && m.contains(" characters)"), () -> m.substring(0, Math.min(m.length(), 300)));
    }
  }

  @Test
  void malformedHeadersAreRefused() throws IOException {
    refused(withHeader("{not json", 0), "not valid JSON");
    refused(withHeader("[1, 2]", 0), "not a JSON object");
    refused(withHeader("{\"x\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "data type 'I8'");
    refused(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes");
    refused(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "invalid dimension");
    refused(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4),
        "invalid dimension 1.5");
    refused(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.0]}}", 4),
        "not whole numbers");
  }

  @Test
  void headersThatALenientJsonReadingWouldMisreadAreRefused() throws IOException {
    // 2^64 + 4 is a whole number, but not one a long holds: read as a long it would wrap to 4.
    refused(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551620]}}", 4),
        "data_offsets [0,18446744073709551620]");
    refused(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} {\"y\": 1}", 4),
        "not valid JSON");
    refused(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "Duplicate field 'x'");
    refused(withHeader("{\"__metadata__\":{\"format\":{\"name\":\"delta4j-model\"}},"
        + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
        "__metadata__ value 'format' is {\"name\":\"delta4j-model\"}, not a string");
  }

  @Test
  void aFlippedBitAnywhereInTheDataOrMetadataIsRefusedByTheChecksum() throws IOException {
    byte[] good = Files.readAllBytes(sample());
    int headerEnd = 8 + (int) ByteBuffer.wrap(good, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Path f = dir.resolve("flipped.safetensors");
    for (int i = headerEnd; i < good.length; i++) { // every bit of the data: some give finite, plausible values
      for (int bit = 0; bit < 8; bit++) {
        byte[] b = good.clone();
        b[i] ^= (byte) (1 << bit);
        Files.write(f, b);
        refused(f, "do not match the file's checksum");
      }
    }
    byte[] b = good.clone();
    int value = new String(good, 0, headerEnd, StandardCharsets.ISO_8859_1).indexOf("\"test\"") + 2;
    b[value] ^= 1; // "test" becomes "tdst": valid JSON, another value
    Files.write(f, b);
    refused(f, "(CRC-32C ");
  }

  /**
   * Two tensors of one size whose offsets are exchanged in the header pass the checksum of the metadata and data,
   * which are unchanged, and would read as each other; the layout's checksum refuses them.
   */
  @Test
  void tensorsWhoseOffsetsWereExchangedAreRefusedByTheLayoutChecksum() throws IOException {
    Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
    t.put("m", new SafeTensors.Entry(DataType.FLOAT32, new int[] {2}, new double[] {1, 2}));
    t.put("v", new SafeTensors.Entry(DataType.FLOAT32, new int[] {2}, new double[] {3, 4}));
    Path file = dir.resolve("moments.safetensors");
    SafeTensors.write(file, t, Map.of());
    byte[] b = Files.readAllBytes(file);
    String latin = new String(b, StandardCharsets.ISO_8859_1);
    int first = latin.indexOf("[0,8]");
    int second = latin.indexOf("[8,16]");
    assertTrue(first > 0 && second > 0, latin);
    byte[] exchanged = (latin.substring(0, first) + "[8,16]" + latin.substring(first + 5, second) + "[0,8]"
        + latin.substring(second + 6)).getBytes(StandardCharsets.ISO_8859_1);
    Files.write(file, exchanged);
    refused(file, "do not match the layout's checksum");
  }

  @Test
  void aHeaderThatIsNotUtf8IsRefusedNamingTheByte() throws IOException {
    byte[] b = Files.readAllBytes(sample());
    int at = new String(b, StandardCharsets.ISO_8859_1).indexOf("\"test\"") + 2;
    b[at] = (byte) 0xff; // read leniently, "test" would become "t\uFFFDst"
    Path f = dir.resolve("latin.safetensors");
    Files.write(f, b);
    refused(f, "the header is not valid UTF-8: byte 0xff at offset " + at + " of the file");
  }

  @Test
  void aFileWithoutAChecksumIsReadUnchecked() throws IOException {
    Path f = withHeader("{\"__metadata__\":{\"format\":\"test\"},\"x\":{\"dtype\":\"F32\",\"shape\":[1],"
        + "\"data_offsets\":[0,4]}}", 4);
    assertEquals(Map.of("format", "test"), SafeTensors.read(f).metadata());
    refused(withHeader("{\"__metadata__\":{\"crc32c\":\"xyz\"},\"x\":{\"dtype\":\"F32\",\"shape\":[1],"
        + "\"data_offsets\":[0,4]}}", 4), "its checksum 'xyz' is not 8 hex digits");
  }

  /**
   * A damaged checksum key ("crc32c" become "crc32d") would make the file one without a checksum, read unchecked with
   * whatever damage its data has too; the layout's checksum, written with it, shows that it had one.
   */
  @Test
  void aFileWhoseChecksumKeyWasDamagedIsNotReadUnchecked() throws IOException {
    byte[] b = Files.readAllBytes(sample());
    String latin = new String(b, StandardCharsets.ISO_8859_1);
    b[latin.indexOf("\"crc32c\"") + 6] = 'd';
    b[b.length - 1] ^= 1; // and a bit of the data
    Path f = dir.resolve("renamed.safetensors");
    Files.write(f, b);
    refused(f, "it has the layout's checksum ('crc32c_layout') but not the checksum of its contents ('crc32c')");
  }

  @Test
  void aShapeWhoseByteCountWrapsIsRefused() throws IOException {
    // 2^61 doubles are 2^64 bytes, which wraps to 0 in a long: the empty span must not pass for them.
    refused(withHeader("{\"x\":{\"dtype\":\"F64\",\"shape\":[1073741824,1073741824,2],\"data_offsets\":[0,0]}}", 0),
        "tensor 'x' of shape [1073741824, 1073741824, 2] and type F64 holds more bytes than a long counts");
    // the values alone past a long: named as the tensor and its shape, where "a tensor shape overflows" named neither
    refused(withHeader("{\"y\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],"
        + "\"data_offsets\":[0,0]}}", 0), "tensor 'y' of shape [2147483647, 2147483647, 2147483647] and type F32 "
        + "holds more bytes than a long counts");
  }

  @Test
  void aDirectoryIsNamedAsOne() throws IOException {
    refused(dir, "is a directory");
  }

  @Test
  void aDeviceOrPipeIsNamedWithoutWaitingForAWriter() throws Exception {
    Path fifo = dir.resolve("model.safetensors");
    assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");
    // Opened, a pipe blocks until something writes to it: the refusal must come before.
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refused(fifo, "is a device, pipe or socket"));
    if (Files.exists(Path.of("/dev/zero"))) {
      refused(Path.of("/dev/zero"), "is a device, pipe or socket");
    }
  }

  @Test
  void theMetadataReadsWithoutTheData() throws IOException {
    assertEquals(Map.of("format", "test"), SafeTensors.readMetadata(sample()));
  }

  /**
   * The metadata alone is checked against the checksum too, the data streamed through it: read unchecked, a flipped
   * bit in a value ("test" become "tdst") was taken as it stood, by a resume that reads a checkpoint's options first.
   */
  @Test
  void theMetadataAloneIsRefusedWhenTheFileFailsItsChecksum() throws IOException {
    byte[] good = Files.readAllBytes(sample());
    int value = new String(good, StandardCharsets.ISO_8859_1).indexOf("\"test\"") + 2;
    Path f = dir.resolve("flipped.safetensors");
    for (int at : new int[] {value, good.length - 1}) { // in the metadata, in the data
      byte[] b = good.clone();
      b[at] ^= 1;
      Files.write(f, b);
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensors.readMetadata(f));
      assertTrue(e.getMessage().startsWith(f + ": the contents do not match the file's checksum"), e.getMessage());
    }
  }

  @Test
  void overlapsGapsAndLeftoversAreRefused() throws IOException {
    refused(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "overlaps");
    refused(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "a gap of 4 bytes");
    refused(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8),
        "4 bytes after the last tensor");
  }

  @Test
  void writingReplacesTheFileAtomicallyAndLeavesNoTemporaryFile() throws IOException {
    Path file = sample();
    Map<String, SafeTensors.Entry> t = Map.of("z", new SafeTensors.Entry(DataType.FLOAT32, new int[] {1},
        new double[] {9}));
    SafeTensors.write(file, t, Map.of());
    assertEquals(List.of("z"), List.copyOf(SafeTensors.read(file).tensors().keySet()));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
    assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("__metadata__",
        new SafeTensors.Entry(DataType.FLOAT32, new int[] {1}, new double[] {1})), Map.of()));
    assertEquals(List.of("z"), List.copyOf(SafeTensors.read(file).tensors().keySet()), "a failed write keeps the old");
  }

  /**
   * An entry is refused where it is made when no file could hold it: a shape whose element count wrapped round to 0
   * (65536⁴) was written into a file no reader takes, an F32 value past FLOAT32's range was written as infinite, and
   * nulls failed deep in write.
   */
  @Test
  void anEntryNoFileCouldHoldIsRefusedWhereItIsMade(@TempDir Path dir) {
    IllegalArgumentException wrapped = assertThrows(IllegalArgumentException.class,
        () -> new SafeTensors.Entry(DataType.FLOAT32, new int[] {65536, 65536, 65536, 65536}, new double[0]));
    assertEquals("shape [65536, 65536, 65536, 65536] holds more values than a long counts", wrapped.getMessage());
    IllegalArgumentException large = assertThrows(IllegalArgumentException.class,
        () -> new SafeTensors.Entry(DataType.FLOAT32, new int[] {2}, new double[] {1, 1e300}));
    assertTrue(large.getMessage().startsWith("value 1 of an F32 tensor, 1.0E300, is beyond FLOAT32's range"),
        large.getMessage());
    assertEquals(1e300, new SafeTensors.Entry(DataType.FLOAT64, new int[] {1}, new double[] {1e300}).values()[0]);
    assertEquals("a tensor entry's data type is null", assertThrows(NullPointerException.class,
        () -> new SafeTensors.Entry(null, new int[] {1}, new double[1])).getMessage());
    Map<String, String> meta = new java.util.HashMap<>();
    meta.put("a", null);
    IllegalArgumentException nullValue = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(
        dir.resolve("m.safetensors"), Map.of(), meta));
    assertTrue(nullValue.getMessage().endsWith("metadata entry a = null has a null key or value"),
        nullValue.getMessage());
  }
}
