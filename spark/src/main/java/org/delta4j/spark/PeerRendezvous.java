package org.delta4j.spark;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Where the tasks of a barrier stage learn each other's addresses: a small TCP service on the driver, open for one
 * {@code fit}. Each task sends its group (the epoch and the stage attempt), its worker index, the group's size and its
 * own address, and gets every worker's address back as soon as the last one has registered. It replaces {@code
 * BarrierTaskContext.allGather}, which in Spark 3.5 returns only on a whole second ({@code runBarrier} sleeps 1 s
 * between its checks): a second lost every epoch. Only one barrier stage runs at a time in a fit, so a group other than
 * the newest is an attempt that failed: its waiting tasks are let go (their connection closes) when a newer one starts.
 * Thread-safe.
 */
final class PeerRendezvous implements Closeable {
  /** How long a task waits for its peers before its stage fails (and Spark retries it). */
  private static final int TIMEOUT_MILLIS = 10 * 60 * 1000;
  /** How often a waiting task looks whether Spark has killed it. */
  private static final int POLL_MILLIS = 200;

  private final ServerSocket server;
  private final String address;
  private final Map<String, Group> groups = new HashMap<>();
  private final Thread acceptor;

  private PeerRendezvous(String bind, String host) throws IOException {
    this.server = new ServerSocket(0, 64, InetAddress.getByName(bind));
    this.address = host + ":" + server.getLocalPort();
    this.acceptor = new Thread(this::accept, "delta4j-peer-rendezvous");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Opens the service on the driver, listening on {@code bind} and reached by the executors at {@code host} (Spark's
   * {@code spark.driver.bindAddress} and {@code spark.driver.host}).
   */
  static PeerRendezvous open(String bind, String host) {
    try {
      return new PeerRendezvous(bind, host);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the workers' rendezvous on " + bind + ": " + e.getMessage(), e);
    }
  }

  /** host:port, for the tasks. */
  String address() {
    return address;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        try {
          s.setSoTimeout(TIMEOUT_MILLIS);
          DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
          register(in.readUTF(), in.readInt(), in.readInt(), in.readUTF(), s);
        } catch (IOException | RuntimeException e) {
          s.close(); // a task that could not say who it is: it fails, and its stage with it
        }
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private synchronized void register(String group, int worker, int workers, String peer, Socket s)
      throws IOException {
    for (var it = groups.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Group> g = it.next();
      if (!g.getKey().equals(group)) {
        g.getValue().close(); // an earlier, failed attempt
        it.remove();
      }
    }
    Group g = groups.computeIfAbsent(group, k -> new Group(workers));
    if (workers != g.addresses.length || worker < 0 || worker >= workers || g.sockets[worker] != null) {
      throw new IllegalStateException("worker " + worker + " of " + workers + " registered twice or out of range in "
          + group);
    }
    g.addresses[worker] = peer;
    g.sockets[worker] = s;
    if (++g.count == workers) {
      groups.remove(group);
      for (Socket t : g.sockets) {
        DataOutputStream out = new DataOutputStream(t.getOutputStream());
        out.writeByte(1); // ready
        for (String a : g.addresses) {
          out.writeUTF(a);
        }
        out.flush();
      }
      g.close();
    }
  }

  /**
   * Registers with the rendezvous at {@code rendezvous} and returns every worker's address, by worker; fails when
   * {@code killed} turns true (Spark killed the task) or after 10 minutes.
   */
  static String[] meet(String rendezvous, String group, int worker, int workers, String own, BooleanSupplier killed)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(rendezvous.substring(0, rendezvous.lastIndexOf(':')),
          Integer.parseInt(rendezvous.substring(rendezvous.lastIndexOf(':') + 1))), TIMEOUT_MILLIS);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeUTF(group);
      out.writeInt(worker);
      out.writeInt(workers);
      out.writeUTF(own);
      out.flush();
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
      s.setSoTimeout(POLL_MILLIS);
      long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
      while (true) {
        try {
          if (in.read() != 1) {
            throw new IOException("the rendezvous let " + group + " go: a newer attempt started, or the fit ended");
          }
          break;
        } catch (SocketTimeoutException e) {
          if (killed.getAsBoolean() || System.nanoTime() > deadline) {
            throw new IOException("worker " + worker + " stopped waiting for its " + (workers - 1) + " peers in "
                + group, e);
          }
        }
      }
      s.setSoTimeout(TIMEOUT_MILLIS);
      String[] addresses = new String[workers];
      for (int j = 0; j < workers; j++) {
        addresses[j] = in.readUTF();
      }
      return addresses;
    }
  }

  @Override
  public synchronized void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    groups.values().forEach(Group::close);
    groups.clear();
  }

  /** The tasks of one stage attempt that have registered so far. */
  private static final class Group {
    final String[] addresses;
    final Socket[] sockets;
    int count;

    Group(int workers) {
      addresses = new String[workers];
      sockets = new Socket[workers];
    }

    void close() {
      List<Socket> open = new ArrayList<>();
      for (Socket s : sockets) {
        if (s != null) {
          open.add(s);
        }
      }
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException ignored) {
          // letting the task go: it fails on its closed connection
        }
      }
    }
  }
}
