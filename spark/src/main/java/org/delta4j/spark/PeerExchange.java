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
import java.util.ArrayList;
import java.util.Arrays;
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
 * GradientTree} on it (reduce-scatter), then sends its summed slice to every other (all-gather). A lone worker
 * sends nothing. Addition is element by
 * element, so each slice's tree gives the bits the whole vector's tree gives. Each worker sends and receives about
 * twice the vector per step, whatever the number of workers, and nothing passes through the driver. Not thread-safe.
 */
final class PeerExchange implements Closeable {
  /** How long a worker waits for a peer's bytes before the stage fails (and Spark retries it). */
  private static final int TIMEOUT_MILLIS = 10 * 60 * 1000;

  private final int worker;
  private final int workers;
  private final ServerSocket server;
  private final DataOutputStream[] out;
  private final DataInputStream[] in;
  private final List<Socket> sockets = new ArrayList<>();
  private final ExecutorService senders;

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

  /** The sum of all workers' nodes over a tree of {@code blocks} blocks, vectors of {@code length} values. */
  double[] allReduce(List<GradientTree.Node> mine, int blocks, int length) {
    if (workers == 1) {
      return GradientTree.sum(blocks, mine); // nothing to send: the tree is this worker's
    }
    try {
      int[] cut = new int[workers + 1];
      for (int j = 0; j <= workers; j++) {
        cut[j] = (int) ((long) length * j / workers);
      }
      List<Future<?>> sent = new ArrayList<>();
      for (int j = 0; j < workers; j++) {
        if (j != worker) {
          int peer = j;
          sent.add(senders.submit(() -> writeNodes(out[peer], mine, cut[peer], cut[peer + 1])));
        }
      }
      List<GradientTree.Node> slices = new ArrayList<>(slice(mine, cut[worker], cut[worker + 1]));
      for (int j = 0; j < workers; j++) {
        if (j != worker) {
          slices.addAll(readNodes(in[j]));
        }
      }
      await(sent);
      double[] own = GradientTree.sum(blocks, slices);
      List<GradientTree.Node> ownNode = List.of(new GradientTree.Node(0, blocks, own));
      for (int j = 0; j < workers; j++) {
        if (j != worker) {
          int peer = j;
          sent.add(senders.submit(() -> writeNodes(out[peer], ownNode, 0, own.length)));
        }
      }
      double[] total = new double[length];
      System.arraycopy(own, 0, total, cut[worker], own.length);
      for (int j = 0; j < workers; j++) {
        if (j != worker) {
          double[] v = readNodes(in[j]).get(0).values();
          System.arraycopy(v, 0, total, cut[j], v.length);
        }
      }
      await(sent);
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException("worker " + worker + " lost a peer: " + e.getMessage(), e);
    }
  }

  private static List<GradientTree.Node> slice(List<GradientTree.Node> nodes, int from, int to) {
    List<GradientTree.Node> out = new ArrayList<>(nodes.size());
    for (GradientTree.Node n : nodes) {
      out.add(new GradientTree.Node(n.lo(), n.hi(), Arrays.copyOfRange(n.values(), from, to)));
    }
    return out;
  }

  private static Void writeNodes(DataOutputStream d, List<GradientTree.Node> nodes, int from, int to)
      throws IOException {
    d.writeInt(nodes.size());
    ByteBuffer b = ByteBuffer.allocate(8 * (to - from));
    for (GradientTree.Node n : nodes) {
      d.writeInt(n.lo());
      d.writeInt(n.hi());
      d.writeInt(to - from);
      b.clear();
      b.asDoubleBuffer().put(n.values(), from, to - from);
      d.write(b.array(), 0, 8 * (to - from));
    }
    d.flush();
    return null;
  }

  private static List<GradientTree.Node> readNodes(DataInputStream d) throws IOException {
    int count = d.readInt();
    List<GradientTree.Node> nodes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int lo = d.readInt();
      int hi = d.readInt();
      byte[] bytes = new byte[8 * d.readInt()];
      d.readFully(bytes);
      double[] values = new double[bytes.length / 8];
      ByteBuffer.wrap(bytes).asDoubleBuffer().get(values);
      nodes.add(new GradientTree.Node(lo, hi, values));
    }
    return nodes;
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
