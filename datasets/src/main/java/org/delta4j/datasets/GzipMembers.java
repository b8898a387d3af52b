package org.delta4j.datasets;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * The data of a gzip file (RFC 1952), its members one after the other as {@link java.util.zip.GZIPInputStream} reads
 * them, that also says where the last member ends ({@link #end()}). GZIPInputStream ends at a member that no other
 * member follows and says nothing of what does follow it, so a file with bytes appended read as the file without them;
 * here the data ends there too, and the reader compares the end with the file's size. A bad header, deflate data or
 * trailer is a {@link ZipException}, data that stops short an {@link EOFException}, in GZIPInputStream's words.
 */
final class GzipMembers extends InputStream {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final String TRUNCATED = "Unexpected end of ZLIB input stream";

  private final InputStream in;
  private final byte[] buf;
  /** The unread input is buf[pos, lim); buf[0] is the file's byte at {@code offset}. */
  private int pos;
  private int lim;
  private long offset;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private final byte[] one = new byte[1];
  private long end = -1;

  /** Reads the first member's header from {@code in}, which is at the start of the file, buffering {@code size}. */
  GzipMembers(InputStream in, int size) throws IOException {
    this.in = Objects.requireNonNull(in, "in is null");
    this.buf = new byte[size];
    try {
      member();
    } catch (IOException e) { // the caller closes the file, but never sees this stream to end its inflater
      inflater.end();
      throw e;
    }
  }

  /** Where the gzip data ends in the file, once the last member has been read to its end; else −1. */
  long end() {
    return end;
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0 && end < 0) {
      int n;
      try {
        n = inflater.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new ZipException(e.getMessage() != null ? e.getMessage() : "Invalid ZLIB data format");
      }
      if (n > 0) {
        crc.update(b, off, n);
        return n;
      }
      if (inflater.finished()) {
        pos = lim - inflater.getRemaining();
        trailer();
        if (startsMember()) {
          member();
        } else {
          end = offset + pos; // what follows, if anything, is no member: left unread
        }
      } else if (inflater.needsInput()) {
        pos = lim;
        if (!fill()) {
          throw new EOFException(TRUNCATED);
        }
        inflater.setInput(buf, pos, lim - pos);
      } else { // a raw deflate stream asks for no dictionary: nothing else stops it short of its end
        throw new ZipException("Invalid ZLIB data format");
      }
    }
    return len == 0 ? 0 : -1;
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }

  /** Reads a member's header and readies the inflater for its data. */
  private void member() throws IOException {
    CRC32 header = new CRC32();
    if ((headerByte(header) | headerByte(header) << 8) != 0x8b1f) {
      throw new ZipException("Not in GZIP format");
    }
    if (headerByte(header) != 8) {
      throw new ZipException("Unsupported compression method");
    }
    int flags = headerByte(header);
    for (int i = 0; i < 6; i++) { // time, extra flags, operating system
      headerByte(header);
    }
    if ((flags & FEXTRA) != 0) {
      for (int n = headerByte(header) | headerByte(header) << 8; n > 0; n--) {
        headerByte(header);
      }
    }
    for (int field : new int[] {FNAME, FCOMMENT}) {
      if ((flags & field) != 0) {
        while (headerByte(header) != 0) { // zero-terminated
        }
      }
    }
    if ((flags & FHCRC) != 0) {
      int expected = (int) header.getValue() & 0xffff;
      if ((next() | next() << 8) != expected) {
        throw new ZipException("Corrupt GZIP header");
      }
    }
    crc.reset();
    inflater.reset();
    inflater.setInput(buf, pos, lim - pos);
  }

  /** Checks a member's trailer: the CRC-32 and the size (modulo 2³²) of its data. */
  private void trailer() throws IOException {
    if (uint() != crc.getValue() || uint() != (inflater.getBytesWritten() & 0xffffffffL)) {
      throw new ZipException("Corrupt GZIP trailer");
    }
  }

  /** Whether the next bytes are a gzip header's magic number; reads none of them. */
  private boolean startsMember() throws IOException {
    if (lim - pos < 2) { // keep what is left, and read behind it
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      offset += pos;
      lim -= pos;
      pos = 0;
      int r = 0;
      while (lim < 2 && r >= 0) {
        r = in.read(buf, lim, buf.length - lim);
        lim += Math.max(r, 0);
      }
    }
    return lim - pos >= 2 && (buf[pos] & 0xff) == 0x1f && (buf[pos + 1] & 0xff) == 0x8b;
  }

  private long uint() throws IOException {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v |= (long) next() << (8 * i);
    }
    return v;
  }

  private int headerByte(CRC32 header) throws IOException {
    int b = next();
    header.update(b);
    return b;
  }

  /** The next byte of the file, outside the deflate data. */
  private int next() throws IOException {
    if (pos == lim && !fill()) {
      throw new EOFException(TRUNCATED);
    }
    return buf[pos++] & 0xff;
  }

  /** Replaces the consumed buffer with the file's next bytes; false at the end of the file. */
  private boolean fill() throws IOException {
    offset += lim;
    pos = 0;
    lim = 0;
    int r;
    do {
      r = in.read(buf, 0, buf.length);
    } while (r == 0);
    lim = Math.max(r, 0);
    return r > 0;
  }
}
