package org.delta4j.io;

import static org.delta4j.io.ModelFormatException.quoted;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.delta4j.spec.Excerpt;
import org.delta4j.tensor.DataType;

/**
 * Files in the safetensors layout: an 8-byte little-endian header length N; N bytes of JSON mapping each tensor name to
 * {"dtype": "F32" | "F64", "shape": [...], "data_offsets": [begin, end]} (offsets relative to the end of the header),
 * plus an optional "__metadata__" map of strings; then the tensors' raw little-endian data, packed in order without
 * gaps. Writing is atomic (a temporary file in the same directory, forced to disk, then moved into place) and records
 * a checksum of the contents in the metadata ({@link #CHECKSUM}); reading validates every length and offset against
 * the file before allocating or trusting anything, and the contents against the checksum.
 */
public final class SafeTensors {
  /**
   * The largest header accepted or written. A model's is some kilobytes (its description, history and run options);
   * a corrupt length must not cause a huge allocation, nor a forged header of many entries fill the heap as a tree.
   */
  static final long MAX_HEADER = 16L << 20;
  /** About the bytes of heap that reading a header takes per byte of it: its text, then its tree of JSON nodes. */
  private static final long HEADER_HEAP_FACTOR = 24;
  /** The largest tensor accepted: one Java array of doubles holds at most this many bytes' worth of F64 values. */
  static final long MAX_TENSOR_BYTES = (Integer.MAX_VALUE - 8L) / 8 * 8;
  private static final String METADATA = "__metadata__";
  /**
   * The metadata key of the file's checksum: CRC-32C, as 8 hex digits, of the other metadata (each key and value
   * followed by a zero byte, in file order) and of the tensors' data. A file is whole, or refused: a flipped bit
   * in a weight would otherwise load as a slightly different, silently wrong model. Files without one are read
   * unchecked.
   */
  public static final String CHECKSUM = "crc32c";
  /**
   * The metadata key of the layout's checksum: CRC-32C, as 8 hex digits, of each tensor's name, data type, shape and
   * data offsets ({@code name\0F32\02,3\00,24\0}), in the order of the data. {@link #CHECKSUM} covers the metadata
   * and the data but not where the header places each tensor: two tensors of one size whose offsets were exchanged
   * would read as each other, a different model that passes it. This key is itself metadata, so {@link #CHECKSUM}
   * covers it. Files without one are read without this check.
   */
  public static final String LAYOUT_CHECKSUM = "crc32c_layout";
  /**
   * Strict where JSON readers differ, as the format's reference reader is: a second value after the header's object, or
   * a key given twice (of which a lenient reader keeps one silently), makes the header invalid. A key (a tensor's
   * name, a layer's path in it) as long as the header allows, where Jackson's default of 50,000 characters refused to
   * load a model of a long layer name that had saved: the header's own limit bounds what a key may take.
   */
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNameLength((int) MAX_HEADER).build()).build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private SafeTensors() {}

  /** One tensor: its type, its shape and its values as doubles (F32 values are exactly representable). */
  public record Entry(DataType dataType, int[] shape, double[] values) {
    public Entry {
      Objects.requireNonNull(dataType, "a tensor entry's data type is null");
      Objects.requireNonNull(shape, "a tensor entry's shape is null");
      Objects.requireNonNull(values, "a tensor entry's values are null");
      long n = 1;
      for (int d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
        try {
          n = Math.multiplyExact(n, d); // wrapped round, 65536⁴ read as 0 values and wrote a file no reader takes
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds more values than a long "
              + "counts", e);
        }
      }
      if (n != values.length) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, got "
            + values.length);
      }
      if (dataType == DataType.FLOAT32) {
        for (int i = 0; i < values.length; i++) {
          if (Double.isFinite(values[i]) && Math.abs(values[i]) > Float.MAX_VALUE) {
            throw new IllegalArgumentException("value " + i + " of an F32 tensor, " + values[i] + ", is beyond "
                + "FLOAT32's range (it would be written as infinite)");
          }
        }
      }
    }
  }

  /** The contents of a file: its tensors in file order, and its metadata. */
  public record Contents(Map<String, Entry> tensors, Map<String, String> metadata) {}

  /**
   * Writes the tensors (in the map's order) and the metadata to {@code file}, atomically.
   *
   * @throws IllegalArgumentException naming the file and the tensor, before anything is written, when a tensor holds
   *     more bytes than one may here (some 2 GiB, as a reader takes) or the header would pass its limit
   */
  public static void write(Path file, Map<String, Entry> tensors, Map<String, String> metadata) throws IOException {
    Objects.requireNonNull(file, "file is null");
    Objects.requireNonNull(tensors, "tensors is null");
    Objects.requireNonNull(metadata, "metadata is null");
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject(METADATA);
    CRC32C layout = new CRC32C();
    long offset = 0;
    metadata.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new IllegalArgumentException(file + ": metadata entry " + k + " = " + v + " has a null key or value");
      }
    });
    for (Map.Entry<String, Entry> e : tensors.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException(file + ": tensor " + e.getKey() + " = " + e.getValue() + " has a null "
            + "name or entry");
      }
      if (e.getKey().equals(METADATA)) {
        throw new IllegalArgumentException("a tensor cannot be named " + METADATA);
      }
      Entry t = e.getValue();
      ObjectNode node = header.putObject(e.getKey());
      node.put("dtype", dtype(t.dataType()));
      ArrayNode shape = node.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      long bytes = (long) t.values().length * t.dataType().bytes();
      if (bytes > MAX_TENSOR_BYTES) { // a file no reader would take, whose bytes no buffer holds: refused up front
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: tensor '%s' of shape %s and type %s holds "
            + "%,d bytes, more than the %,d one tensor may hold in a safetensors file here", file, e.getKey(),
            Arrays.toString(t.shape()), dtype(t.dataType()), bytes, MAX_TENSOR_BYTES));
      }
      long end = offset + bytes;
      node.putArray("data_offsets").add(offset).add(end);
      update(layout, e.getKey(), t.dataType(), t.shape(), offset, end);
      offset = end;
    }
    Map<String, String> checked = new LinkedHashMap<>(metadata);
    checked.remove(CHECKSUM); // a file's own, read back with it, are recomputed for these contents
    checked.remove(LAYOUT_CHECKSUM);
    checked.put(LAYOUT_CHECKSUM, hex(layout.getValue()));
    CRC32C crc = new CRC32C();
    update(crc, checked);
    for (Entry t : tensors.values()) {
      crc.update(bytes(t));
    }
    checked.put(CHECKSUM, hex(crc.getValue()));
    checked.forEach(meta::put);
    byte[] json = JSON.writeValueAsBytes(header);
    if (json.length > MAX_HEADER - 8) { // a file no reader would take: refused before anything is written
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: a header of %,d bytes (tensor names, shapes "
          + "and metadata) is more than the %,d a safetensors file may have here", file, json.length, MAX_HEADER));
    }
    int padded = (json.length + 7) / 8 * 8; // the format pads the header with spaces to a multiple of 8
    byte[] headerBytes = Arrays.copyOf(json, padded);
    Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

    long dataBytes = offset;
    AtomicFiles.write(file, tmp -> {
      try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(headerBytes);
        for (Entry t : tensors.values()) {
          out.write(bytes(t));
        }
      }
      if (Files.size(tmp) != 8 + padded + dataBytes) {
        throw new IOException(tmp + ": wrote " + Files.size(tmp) + " bytes, expected " + (8 + padded + dataBytes));
      }
    });
  }

  /** A tensor's values as the file holds them. */
  private static byte[] bytes(Entry t) {
    ByteBuffer b = ByteBuffer.allocate(t.values().length * t.dataType().bytes()).order(ByteOrder.LITTLE_ENDIAN);
    if (t.dataType() == DataType.FLOAT32) {
      for (double v : t.values()) {
        b.putFloat((float) v);
      }
    } else {
      for (double v : t.values()) {
        b.putDouble(v);
      }
    }
    return b.array();
  }

  private static void update(CRC32C crc, Map<String, String> metadata) {
    for (Map.Entry<String, String> m : metadata.entrySet()) {
      crc.update(m.getKey().getBytes(StandardCharsets.UTF_8));
      crc.update(0);
      crc.update(m.getValue().getBytes(StandardCharsets.UTF_8));
      crc.update(0);
    }
  }

  /** One tensor's part of the {@link #LAYOUT_CHECKSUM}. */
  private static void update(CRC32C crc, String name, DataType type, int[] shape, long begin, long end) {
    StringBuilder b = new StringBuilder(name).append('\0').append(dtype(type)).append('\0');
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ",").append(shape[i]);
    }
    b.append('\0').append(begin).append(',').append(end).append('\0');
    crc.update(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String dtype(DataType type) {
    return type == DataType.FLOAT32 ? "F32" : "F64";
  }

  private static String hex(long crc) {
    return String.format("%08x", crc);
  }

  /**
   * Reads and validates a file. Every defect is a {@link ModelFormatException} naming the file and the defect. The
   * metadata returned leaves out the {@link #CHECKSUM} and {@link #LAYOUT_CHECKSUM}, which are checked here.
   */
  public static Contents read(Path file) throws IOException {
    return read(file, true);
  }

  /**
   * Reads only the metadata of a file, after validating its header as {@link #read(Path)} does, without holding the
   * tensors' data: the data is streamed through the {@link #CHECKSUM} when the file records one, so that metadata a
   * flipped bit changed (a run's recorded options, say) is refused rather than used.
   */
  public static Map<String, String> readMetadata(Path file) throws IOException {
    return read(file, false).metadata();
  }

  private static Contents read(Path file, boolean withData) throws IOException {
    Objects.requireNonNull(file, "file is null");
    String other = AtomicFiles.otherThanAFile(file); // before the open, which a pipe would block
    if (other != null) {
      throw new ModelFormatException(file, other + ", not a safetensors file");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new ModelFormatException(file, "truncated: " + size + " bytes, fewer than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLength = lenBuf.getLong(0);
      if (headerLength < 2 || headerLength > size - 8) {
        throw new ModelFormatException(file, "header length " + headerLength + " does not fit a file of " + size
            + " bytes (truncated or not a safetensors file)");
      }
      if (headerLength > MAX_HEADER) {
        throw new ModelFormatException(file, "header length " + headerLength + " exceeds the " + MAX_HEADER
            + "-byte limit");
      }
      Heap.require(String.format(Locale.ROOT, "%s: its header of %,d bytes, read as a tree of JSON,", file,
          headerLength), headerLength * HEADER_HEAP_FACTOR);
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLength);
      readFully(ch, headerBuf, 8);
      headerBuf.flip();
      String text;
      try { // strictly: a lenient decoding would read a damaged byte as U+FFFD, another name or value
        text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBuf).toString();
      } catch (CharacterCodingException e) {
        throw new ModelFormatException(file, String.format(Locale.ROOT, "the header is not valid UTF-8: byte 0x%02x "
            + "at offset %d of the file", headerBuf.get(headerBuf.position()), 8 + headerBuf.position()), e);
      }
      JsonNode header;
      try {
        header = JSON.readTree(text.trim());
      } catch (IOException e) {
        throw new ModelFormatException(file, "the header is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
      }
      if (header == null || !header.isObject()) {
        throw new ModelFormatException(file, "the header is not a JSON object");
      }
      long dataStart = 8 + headerLength;
      long dataSize = size - dataStart;
      Map<String, String> metadata = new LinkedHashMap<>();
      List<String> names = new ArrayList<>();
      List<long[]> spans = new ArrayList<>();
      List<DataType> types = new ArrayList<>();
      List<int[]> shapes = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals(METADATA)) {
          if (!e.getValue().isObject()) {
            throw new ModelFormatException(file, METADATA + " must be an object of strings");
          }
          for (Iterator<Map.Entry<String, JsonNode>> m = e.getValue().fields(); m.hasNext(); ) {
            Map.Entry<String, JsonNode> kv = m.next();
            if (!kv.getValue().isTextual()) {
              throw new ModelFormatException(file, METADATA + " value " + quoted(kv.getKey()) + " is "
                  + Excerpt.of(kv.getValue().toString()) + ", not a string");
            }
            metadata.put(kv.getKey(), kv.getValue().asText());
          }
          continue;
        }
        String name = e.getKey();
        JsonNode t = e.getValue();
        String dtype = t.path("dtype").asText("");
        DataType type = switch (dtype) {
          case "F32" -> DataType.FLOAT32;
          case "F64" -> DataType.FLOAT64;
          default -> throw new ModelFormatException(file, "tensor " + quoted(name) + " has data type "
              + quoted(dtype) + "; Delta4j reads F32 and F64");
        };
        JsonNode shapeNode = t.path("shape");
        JsonNode offsets = t.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
          throw new ModelFormatException(file, "tensor " + quoted(name) + " needs a shape array and two data_offsets");
        }
        int[] shape = new int[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
          long d = shapeNode.get(i).asLong(-1);
          if (!shapeNode.get(i).isIntegralNumber() || !shapeNode.get(i).canConvertToLong() || d < 0
              || d > Integer.MAX_VALUE) {
            throw new ModelFormatException(file, "tensor " + quoted(name) + " has an invalid dimension "
                + Excerpt.of(shapeNode.get(i).toString()));
          }
          shape[i] = (int) d;
          count = count < 0 || d > 0 && count > Long.MAX_VALUE / d ? -1 : count * d; // -1: past a long, for good
        }
        long bytes = count < 0 || count > Long.MAX_VALUE / type.bytes() ? -1 : count * type.bytes();
        if (bytes < 0) { // 2^61 doubles wrapped round to 0 bytes, which an empty span would have matched
          throw new ModelFormatException(file, "tensor " + quoted(name) + " of shape "
              + Excerpt.of(Arrays.toString(shape))
              + " and type " + dtype + " holds more bytes than a long counts");
        }
        if (!offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
            || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
          throw new ModelFormatException(file, "tensor " + quoted(name) + " has data_offsets "
              + Excerpt.of(offsets.toString()) + ", which are not whole numbers of bytes a file can hold");
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
          throw new ModelFormatException(file, "tensor " + quoted(name) + " has data_offsets [" + begin + ", " + end
              + "] outside the " + dataSize + " bytes of data (truncated?)");
        }
        if (end - begin != bytes) {
          throw new ModelFormatException(file, "tensor " + quoted(name) + " of shape "
              + Excerpt.of(Arrays.toString(shape))
              + " and type " + dtype + " needs " + bytes + " bytes but its offsets span " + (end - begin));
        }
        if (bytes > MAX_TENSOR_BYTES) {
          throw new ModelFormatException(file, "tensor " + quoted(name) + " of shape "
              + Excerpt.of(Arrays.toString(shape))
              + " holds " + bytes + " bytes, more than the " + MAX_TENSOR_BYTES + " one tensor may hold");
        }
        names.add(name);
        spans.add(new long[] {begin, end});
        types.add(type);
        shapes.add(shape);
      }
      Integer[] dataOrder = checkPacked(file, names, spans, dataSize);
      String recorded = metadata.remove(CHECKSUM);
      if (recorded != null && !recorded.matches("[0-9a-f]{8}")) {
        throw new ModelFormatException(file, "its checksum " + quoted(recorded) + " is not 8 hex digits");
      }
      // The two are written together: a layout's checksum without the other is a file whose checksum key was damaged,
      // which would otherwise be read unchecked, damaged data and all
      if (recorded == null && metadata.containsKey(LAYOUT_CHECKSUM)) {
        throw new ModelFormatException(file, "it has the layout's checksum ('" + LAYOUT_CHECKSUM + "') but not the "
            + "checksum of its contents ('" + CHECKSUM + "'), which is written with it: the metadata is damaged");
      }
      CRC32C crc = new CRC32C();
      update(crc, metadata);
      checkLayout(file, metadata.remove(LAYOUT_CHECKSUM), dataOrder, names, types, shapes, spans);
      if (withData) { // the values as doubles, and the bytes of the largest tensor as it is read
        long values = 0;
        long largest = 0;
        for (int i = 0; i < names.size(); i++) {
          long bytes = spans.get(i)[1] - spans.get(i)[0];
          values += bytes / types.get(i).bytes();
          largest = Math.max(largest, bytes);
        }
        Heap.require(String.format(Locale.ROOT, "%s: its %,d tensors of %,d values, read as doubles,", file,
            names.size(), values), values * Double.BYTES + largest);
      }
      Entry[] entries = new Entry[names.size()];
      for (int i : withData ? dataOrder : new Integer[0]) { // in the order of the data, as the checksum takes it
        long[] span = spans.get(i);
        ByteBuffer data = ByteBuffer.allocate((int) (span[1] - span[0])).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, data, dataStart + span[0]);
        data.flip();
        crc.update(data.duplicate());
        double[] values = new double[data.remaining() / types.get(i).bytes()];
        for (int k = 0; k < values.length; k++) {
          values[k] = types.get(i) == DataType.FLOAT32 ? data.getFloat() : data.getDouble();
        }
        entries[i] = new Entry(types.get(i), shapes.get(i), values);
      }
      if (!withData && recorded != null) { // the spans tile the data in order, so its bytes as they lie, in chunks
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(dataSize, 1 << 16));
        for (long at = 0; at < dataSize; at += chunk.limit()) {
          chunk.clear().limit((int) Math.min(chunk.capacity(), dataSize - at));
          readFully(ch, chunk, dataStart + at);
          crc.update(chunk.flip());
        }
      }
      if (recorded != null && !recorded.equals(hex(crc.getValue()))) {
        throw new ModelFormatException(file, "the contents do not match the file's checksum (CRC-32C " + recorded
            + " recorded, " + hex(crc.getValue()) + " computed): the file is damaged, or was changed by a program "
            + "that kept its metadata (drop the '" + CHECKSUM + "' key to read such a file unchecked)");
      }
      Map<String, Entry> tensors = new LinkedHashMap<>();
      for (int i = 0; withData && i < names.size(); i++) {
        tensors.put(names.get(i), entries[i]);
      }
      return new Contents(tensors, metadata);
    }
  }

  /** Refuses a layout other than the one its checksum (when recorded) was taken of. */
  private static void checkLayout(Path file, String recorded, Integer[] dataOrder, List<String> names,
      List<DataType> types, List<int[]> shapes, List<long[]> spans) throws ModelFormatException {
    if (recorded == null) {
      return;
    }
    CRC32C layout = new CRC32C();
    for (int i : dataOrder) {
      update(layout, names.get(i), types.get(i), shapes.get(i), spans.get(i)[0], spans.get(i)[1]);
    }
    if (!recorded.equals(hex(layout.getValue()))) {
      throw new ModelFormatException(file, "the tensors' names, types, shapes and offsets do not match the layout's "
          + "checksum (CRC-32C " + recorded + " recorded, " + hex(layout.getValue()) + " computed): the header is "
          + "damaged, or was changed by a program that kept its metadata");
    }
  }

  /**
   * The spans must tile [0, dataSize) exactly: no overlap, no gap, nothing left over. Returns the tensors' indices in
   * the order of their data.
   */
  private static Integer[] checkPacked(Path file, List<String> names, List<long[]> spans, long dataSize)
      throws ModelFormatException {
    Integer[] order = new Integer[spans.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(spans.get(a)[0], spans.get(b)[0]));
    long expected = 0;
    for (int i : order) {
      long[] s = spans.get(i);
      if (s[0] < expected) {
        throw new ModelFormatException(file, "tensor " + quoted(names.get(i)) + " overlaps the tensor before it "
            + "(starts at " + s[0] + ", before byte " + expected + ")");
      }
      if (s[0] > expected) {
        throw new ModelFormatException(file, "a gap of " + (s[0] - expected) + " bytes before tensor "
            + quoted(names.get(i)));
      }
      expected = s[1];
    }
    if (expected != dataSize) {
      throw new ModelFormatException(file, (dataSize - expected) + " bytes after the last tensor belong to none");
    }
    return order;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += n;
    }
  }
}
