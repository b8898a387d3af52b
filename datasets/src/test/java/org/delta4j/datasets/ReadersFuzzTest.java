package org.delta4j.datasets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the readers with real files mutated byte by byte (overwritten, inserted, deleted, cut short): every outcome
 * is either data or an {@link IOException} naming the file — never another exception, and never an allocation that
 * the file's real size does not justify. The number of tries is {@code jqwik.tries.default} (a few seconds' worth in
 * {@code mvn verify}; more on demand with {@code -Djqwik.tries.default=200000}).
 */
class ReadersFuzzTest {
  /** One temporary file per suffix, rewritten by every try and deleted when the JVM exits. */
  private static final java.util.Map<String, Path> FILES = new java.util.concurrent.ConcurrentHashMap<>();

  /** One change to a file: overwrite, insert or delete the byte at a position (taken modulo the length), or cut. */
  record Edit(int kind, int position, byte value) {
    byte[] apply(byte[] in) {
      if (in.length == 0) {
        return kind == 1 ? new byte[] {value} : in;
      }
      int p = Math.floorMod(position, in.length);
      switch (kind) {
        case 0 -> {
          byte[] out = in.clone();
          out[p] = value;
          return out;
        }
        case 1 -> {
          byte[] out = new byte[in.length + 1];
          System.arraycopy(in, 0, out, 0, p);
          out[p] = value;
          System.arraycopy(in, p, out, p + 1, in.length - p);
          return out;
        }
        case 2 -> {
          byte[] out = new byte[in.length - 1];
          System.arraycopy(in, 0, out, 0, p);
          System.arraycopy(in, p + 1, out, p, in.length - p - 1);
          return out;
        }
        default -> {
          return Arrays.copyOf(in, p);
        }
      }
    }
  }

  /** Edits biased to the start of the file, where the headers are, with bytes that matter to the formats. */
  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Integer> kind = Arbitraries.integers().between(0, 3).edgeCases(c -> c.includeOnly(0));
    Arbitrary<Integer> position = Arbitraries.oneOf(Arbitraries.integers().between(0, 24),
        Arbitraries.integers().between(0, Integer.MAX_VALUE));
    Arbitrary<Byte> value = Arbitraries.oneOf(Arbitraries.bytes(),
        Arbitraries.of((byte) 0, (byte) 0x7f, (byte) 0x80, (byte) 0xff, (byte) 8, (byte) 3, (byte) 1, (byte) ',',
            (byte) '\n', (byte) '\r', (byte) '-', (byte) '.', (byte) 'e', (byte) '9', (byte) 0xc3, (byte) 0xe9));
    return Combinators.combine(kind, position, value).as(Edit::new).list().ofMinSize(1).ofMaxSize(6);
  }

  private static byte[] mutate(byte[] original, List<Edit> edits) {
    byte[] b = original;
    for (Edit e : edits) {
      b = e.apply(b);
    }
    return b;
  }

  private static final byte[] IDX = IdxReaderTest.idx(8, new int[] {3, 4, 5}, new byte[60]);
  private static final byte[] CSV = "a,b,c,label\n1,2.5,-3e2,cat\n0,255,7,dog\n\n4,5,6,cat\r\n".getBytes();

  private static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  private static final byte[] IDX_GZ = gzip(IDX);

  private static Path file(String suffix, byte[] contents) throws IOException {
    Path f = FILES.computeIfAbsent(suffix, s -> {
      try {
        Path p = Files.createTempFile("delta4j-fuzz", s);
        p.toFile().deleteOnExit();
        return p;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    return Files.write(f, contents);
  }

  private static void onlyIoExceptionsNamingTheFile(Path f, ThrowingRead read) {
    long before = IdxReaderTest.allocated();
    try {
      read.run();
    } catch (IOException e) {
      assertTrue(e.getMessage() != null && e.getMessage().contains(f.toString()), e.toString());
    }
    long used = IdxReaderTest.allocated() - before;
    assertTrue(used < 16L << 20, "reading a file of a few bytes allocated " + used + " bytes");
  }

  @FunctionalInterface
  interface ThrowingRead {
    void run() throws IOException;
  }

  @Property
  void idxFiles(@ForAll("edits") List<Edit> edits) throws IOException {
    Path f = file(".idx", mutate(IDX, edits));
    onlyIoExceptionsNamingTheFile(f, () -> IdxReader.read(f));
  }

  @Property
  void gzipIdxFiles(@ForAll("edits") List<Edit> edits) throws IOException {
    Path f = file(".idx.gz", mutate(IDX_GZ, edits));
    onlyIoExceptionsNamingTheFile(f, () -> IdxReader.read(f));
  }

  @Property
  void csvFiles(@ForAll("edits") List<Edit> edits) throws IOException {
    Path f = file(".csv", mutate(CSV, edits));
    onlyIoExceptionsNamingTheFile(f, () -> CsvReader.classification(f, -1, true));
    onlyIoExceptionsNamingTheFile(f, () -> CsvReader.regression(f, new int[] {0}, false));
  }
}
