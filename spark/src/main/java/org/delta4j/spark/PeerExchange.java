package org.delta4j.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;

/**
 * A partitioned all-reduce between the tasks of one barrier stage, over TCP connections of their own (Spark's barrier
 * mode schedules them together; the driver's {@link PeerRendezvous} only tells each the others' addresses, once). The vector is cut
 * into one slice per worker: each worker receives every worker's nodes of its slice and completes the {@link
 * GradientTree} on it (reduce-scatter), then sends its summed slice to every other (all-gather). Two workers swap
 * their nodes whole instead and each completes the whole tree: the same bytes, in one round instead of two. A lone
 * worker sends nothing. Addition is element by element, so each slice's tree gives the bits the whole vector's tree
 * gives. Each worker sends and receives about twice the vector per step, whatever the number of workers, and nothing
 * passes through the driver; in {@link GradientTree.Precision#FLOAT} (a FLOAT32 network) as 4-byte floats, which its
 * values are, else as doubles. Its buffers are made by the first step and reused, so a step allocates no array of the
 * vector's size; its byte buffers hold one {@link #CHUNK} of values, not a vector. Not thread-safe.
 */
final class PeerExchange implements Closeable {
  /** How long a worker waits for a peer's bytes before the stage fails (and Spark retries it). */
  private static final int TIMEOUT_MILLIS = 10 * 60 * 1000;
  /** Values converted and sent, or received and converted, at a time: 128 KiB as doubles, 64 KiB as floats. */
  static final int CHUNK = 16 * 1024;

  private final int worker;
  private final int workers;
  private final ServerSocket server;
  private final DataOutputStream[] out;
  private final DataInputStream[] in;
  private final List<Socket> sockets = new ArrayList<>();
  private final ExecutorService senders;
  /** The step's buffers, made by the first step and kept (see {@link #ensureBuffers}). */
  private double[] total;
  private Chunk readChunk;
  private int largestSlice;
  private Chunk[] sendChunks;
  private List<List<double[]>> received;
  /** The precision of the current step's vectors: how their values are written and read. */
  private GradientTree.Precision precision = GradientTree.Precision.DOUBLE;

  private PeerExchange(BarrierTaskContext context, String rendezvous, String group) throws IOException {
    this.worker = context.partitionId();
    this.workers = context.getTaskInfos().length;
    this.out = new DataOutputStream[workers];
    this.in = new DataInputStream[workers];
    if (workers == 1) {
      this.server = null;
      this.senders = null;
      return;
    }
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    this.server = new ServerSocket(0, workers, InetAddress.getByName(host));
    this.senders = Executors.newFixedThreadPool(Math.max(1, workers - 1), r -> {
      Thread t = new Thread(r, "delta4j-peer-send-" + worker);
      t.setDaemon(true);
      return t;
    });
    String[] addresses = PeerRendezvous.meet(rendezvous, group + "/attempt " + context.stageAttemptNumber(), worker,
        workers, host + ":" + server.getLocalPort(), context::isInterrupted);
    for (int j = 0; j < workers; j++) {
      if (j == worker) {
        continue;
      }
      String a = addresses[j];
      Socket s = new Socket();
      s.connect(new InetSocketAddress(a.substring(0, a.lastIndexOf(':')),
          Integer.parseInt(a.substring(a.lastIndexOf(':') + 1))), TIMEOUT_MILLIS);
      s.setTcpNoDelay(true);
      sockets.add(s);
      out[j] = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
      out[j].writeInt(worker);
      out[j].flush();
    }
    server.setSoTimeout(TIMEOUT_MILLIS);
    for (int k = 0; k < workers - 1; k++) {
      Socket s = server.accept();
      s.setSoTimeout(TIMEOUT_MILLIS);
      sockets.add(s);
      DataInputStream d = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
      in[d.readInt()] = d;
    }
  }

  /**
   * Connects the stage's tasks to each other, after learning their addresses from the driver's {@link
   * PeerRendezvous} at {@code rendezvous} in {@code group} (one per stage; the attempt is added here).
   */
  static PeerExchange open(BarrierTaskContext context, String rendezvous, String group) {
    try {
      return new PeerExchange(context, rendezvous, group);
    } catch (IOException e) {
      throw new UncheckedIOException("worker " + context.partitionId() + " cannot connect to its peers: "
          + e.getMessage(), e);
    }
  }

  /**
   * The sum of all workers' nodes over a tree of {@code blocks} blocks, vectors of {@code length} values, formed in
   * {@code precision} (in FLOAT the nodes' values must be floats, and travel as such), in an array that the next call
   * overwrites. {@code mine}'s arrays may be consumed.
   */
  double[] allReduce(List<GradientTree.Node> mine, int blocks, int length, GradientTree.Precision precision) {
    if (workers == 1) {
      return GradientTree.sum(blocks, mine, precision); // nothing to send: the tree is this worker's
    }
    this.precision = precision;
    try {
      if (workers == 2) {
        return swapWhole(mine, blocks, length);
      }
      int[] cut = new int[workers + 1];
      for (int j = 0; j <= workers; j++) {
        cut[j] = (int) ((long) length * j / workers);
      }
      ensureBuffers(length, cut);
      List<Future<?>> sent = new ArrayList<>();
      for (int j = 0; j < workers; j++) {
        if (j != worker) {
          int peer = j;
          sent.add(senders.submit(() -> writeNodes(out[peer], sendChunks[peer], mine, cut[peer], cut[peer + 1],
              precision)));
        }
      }
      List<GradientTree.Node> slices = new ArrayList<>();
      for (int n = 0; n < mine.size(); n++) {
        GradientTree.Node node = mine.get(n);
        double[] slice = buffer(received.get(worker), n, cut[worker + 1] - cut[worker]);
        System.arraycopy(node.values(), cut[worker], slice, 0, slice.length);
        slices.add(new GradientTree.Node(node.lo(), node.hi(), slice));
      }
      for (int j = 0; j < workers; j++) {
        if (j != worker) {
          readNodes(in[j], received.get(j), slices);
        }
      }
      await(sent); // the send buffers are free for the summed slice
      double[] own = GradientTree.sum(blocks, slices, precision);
      List<GradientTree.Node> ownNode = List.of(new GradientTree.Node(0, blocks, own));
      for (int j = 0; j < workers; j++) {
        if (j != worker) {
          int peer = j;
          sent.add(senders.submit(() -> writeNodes(out[peer], sendChunks[peer], ownNode, 0, own.length,
              precision)));
        }
      }
      System.arraycopy(own, 0, total, cut[worker], own.length);
      for (int j = 0; j < workers; j++) {
        if (j != worker) {
          readSlice(in[j], total, cut[j], cut[j + 1] - cut[j]); // straight into total: own may still be sending
        }
      }
      await(sent);
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException("worker " + worker + " lost a peer: " + e.getMessage(), e);
    }
  }

  /**
   * Two workers: each sends its nodes whole and completes the whole tree. Each sends and receives the vector once, as
   * the partitioned all-reduce would in its two rounds, but the workers wait for each other once a step, not twice.
   */
  private double[] swapWhole(List<GradientTree.Node> mine, int blocks, int length) throws IOException {
    ensureBuffers(length, new int[] {0, length, length});
    int peer = 1 - worker;
    List<Future<?>> sent = new ArrayList<>();
    sent.add(senders.submit(() -> writeNodes(out[peer], sendChunks[peer], mine, 0, length, precision)));
    List<GradientTree.Node> nodes = new ArrayList<>(mine);
    readNodes(in[peer], received.get(peer), nodes);
    await(sent); // the tree sums in place, in mine's arrays too: only once they are sent
    return GradientTree.sum(blocks, nodes, precision);
  }

  /**
   * Makes the step's buffers once for vectors of {@code length}: the summed vector, a byte buffer per peer to send
   * from and one to read into, sized for the largest slice (the arrays of the received nodes are made as they first
   * arrive, one per worker and node, and kept).
   */
  private void ensureBuffers(int length, int[] cut) {
    if (total != null && total.length == length) {
      return;
    }
    int largest = 0;
    for (int j = 0; j < workers; j++) {
      largest = Math.max(largest, cut[j + 1] - cut[j]);
    }
    total = new double[length];
    largestSlice = largest;
    readChunk = new Chunk();
    sendChunks = new Chunk[workers];
    received = new ArrayList<>();
    for (int j = 0; j < workers; j++) {
      sendChunks[j] = new Chunk();
      received.add(new ArrayList<>());
    }
  }

  /** The {@code n}th kept array of {@code arrays}, of {@code size} values (made or remade when it is not). */
  private static double[] buffer(List<double[]> arrays, int n, int size) {
    while (arrays.size() <= n) {
      arrays.add(null);
    }
    double[] a = arrays.get(n);
    if (a == null || a.length != size) {
      a = new double[size];
      arrays.set(n, a);
    }
    return a;
  }

  /**
   * Writes values [from, to) of each node, a {@link Chunk} at a time: the byte buffers hold one chunk whatever the
   * network's size, and the first bytes leave while the rest are converted.
   */
  private static Void writeNodes(DataOutputStream d, Chunk chunk, List<GradientTree.Node> nodes, int from, int to,
      GradientTree.Precision precision) throws IOException {
    d.writeInt(nodes.size());
    for (GradientTree.Node n : nodes) {
      d.writeInt(n.lo());
      d.writeInt(n.hi());
      d.writeInt(to - from);
      for (int at = from; at < to; at += CHUNK) {
        int count = Math.min(CHUNK, to - at);
        d.write(chunk.bytes, 0, chunk.encode(n.values(), at, count, precision));
      }
    }
    d.flush();
    return null;
  }

  /** Reads a peer's nodes into the arrays kept for it ({@code arrays}) and adds them to {@code nodes}. */
  private void readNodes(DataInputStream d, List<double[]> arrays, List<GradientTree.Node> nodes) throws IOException {
    int count = d.readInt();
    for (int i = 0; i < count; i++) {
      int lo = d.readInt();
      int hi = d.readInt();
      double[] values = buffer(arrays, i, d.readInt());
      readValues(d, values, 0, values.length);
      nodes.add(new GradientTree.Node(lo, hi, values));
    }
  }

  /** Reads a peer's summed slice, one node of {@code size} values, into {@code into} from {@code at}. */
  private void readSlice(DataInputStream d, double[] into, int at, int size) throws IOException {
    int count = d.readInt();
    d.readInt();
    d.readInt();
    int n = d.readInt();
    if (count != 1 || n != size) {
      throw new IOException("a peer sent " + count + " summed slices of " + n + " values, expected 1 of " + size);
    }
    readValues(d, into, at, size);
  }

  /** Reads {@code size} values into {@code into} from {@code at}, {@link #CHUNK} at a time (see {@link #writeNodes}). */
  private void readValues(DataInputStream d, double[] into, int at, int size) throws IOException {
    if (size > largestSlice) {
      throw new IOException("a peer sent a slice of " + size + " values, more than the largest, " + largestSlice);
    }
    for (int done = 0; done < size; done += CHUNK) {
      int count = Math.min(CHUNK, size - done);
      d.readFully(readChunk.bytes, 0, bytesPerValue(precision) * count);
      readChunk.decode(into, at + done, count, precision);
    }
  }

  /**
   * One chunk of values as they travel: {@link #CHUNK} values, little-endian (the order of the machines that run this,
   * so neither end swaps bytes), as floats in FLOAT precision (exact: the values are floats), else as doubles; its
   * views of the bytes are made once. Floats pass through an array of their own, narrowed or widened there in a plain
   * loop the JIT vectorizes and moved to or from the bytes in bulk: reading the buffer's floats one at a time took
   * about 1 ms for a vector of 235,146, ahead of the sum on every step.
   */
  private static final class Chunk {
    final byte[] bytes = new byte[Double.BYTES * CHUNK];
    private final float[] staged = new float[CHUNK];
    private final FloatBuffer floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    private final DoubleBuffer doubles = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();

    /** Writes values [from, from + count) of {@code values} into the bytes; returns how many bytes they took. */
    int encode(double[] values, int from, int count, GradientTree.Precision precision) {
      if (precision == GradientTree.Precision.FLOAT) {
        for (int i = 0; i < count; i++) {
          staged[i] = (float) values[from + i];
        }
        floats.put(0, staged, 0, count);
      } else {
        doubles.put(0, values, from, count);
      }
      return bytesPerValue(precision) * count;
    }

    /** Reads {@code count} values from the bytes into {@code into} from {@code at}. */
    void decode(double[] into, int at, int count, GradientTree.Precision precision) {
      if (precision == GradientTree.Precision.FLOAT) {
        floats.get(0, staged, 0, count);
        for (int i = 0; i < count; i++) {
          into[at + i] = staged[i];
        }
      } else {
        doubles.get(0, into, at, count);
      }
    }
  }

  private static int bytesPerValue(GradientTree.Precision precision) {
    return precision == GradientTree.Precision.FLOAT ? Float.BYTES : Double.BYTES;
  }

  private static void await(List<Future<?>> sent) throws IOException {
    try {
      for (Future<?> f : sent) {
        f.get();
      }
      sent.clear();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending", e);
    }
  }

  @Override
  public void close() {
    if (server == null) {
      return;
    }
    senders.shutdownNow();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing: nothing more to do with the socket
      }
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
