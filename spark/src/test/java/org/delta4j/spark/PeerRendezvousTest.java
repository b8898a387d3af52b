package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The driver's rendezvous gives every task of a stage attempt all its peers' addresses, and lets go stale attempts. */
class PeerRendezvousTest {
  @Test
  void everyWorkerOfAGroupLearnsEveryAddressByWorker() throws Exception {
    ExecutorService tasks = Executors.newFixedThreadPool(3);
    try (PeerRendezvous r = PeerRendezvous.open("127.0.0.1", "127.0.0.1")) {
      Future<String[]> w2 = tasks.submit(() -> PeerRendezvous.meet(r.address(), "epoch 1", 2, 3, "c:3", () -> false));
      Future<String[]> w0 = tasks.submit(() -> PeerRendezvous.meet(r.address(), "epoch 1", 0, 3, "a:1", () -> false));
      Future<String[]> w1 = tasks.submit(() -> PeerRendezvous.meet(r.address(), "epoch 1", 1, 3, "b:2", () -> false));
      String[] all = {"a:1", "b:2", "c:3"};
      assertArrayEquals(all, w0.get());
      assertArrayEquals(all, w1.get());
      assertArrayEquals(all, w2.get());
    } finally {
      tasks.shutdownNow();
    }
  }

  @Test
  void aNewerAttemptLetsTheTasksOfAnEarlierOneGo() throws Exception {
    ExecutorService tasks = Executors.newFixedThreadPool(3);
    try (PeerRendezvous r = PeerRendezvous.open("127.0.0.1", "127.0.0.1")) {
      Future<String[]> stale = tasks.submit(() -> PeerRendezvous.meet(r.address(), "attempt 0", 0, 2, "a:1",
          () -> false));
      Thread.sleep(300); // the stale task registers first
      Future<String[]> w0 = tasks.submit(() -> PeerRendezvous.meet(r.address(), "attempt 1", 0, 2, "a:4",
          () -> false));
      Future<String[]> w1 = tasks.submit(() -> PeerRendezvous.meet(r.address(), "attempt 1", 1, 2, "b:5",
          () -> false));
      assertArrayEquals(new String[] {"a:4", "b:5"}, w0.get());
      assertArrayEquals(new String[] {"a:4", "b:5"}, w1.get());
      Exception e = assertThrows(Exception.class, stale::get);
      assertTrue(e.getCause() instanceof IOException, e.toString());
    } finally {
      tasks.shutdownNow();
    }
  }

  @Test
  void aKilledTaskStopsWaiting() {
    AtomicBoolean killed = new AtomicBoolean(true);
    try (PeerRendezvous r = PeerRendezvous.open("127.0.0.1", "127.0.0.1")) {
      IOException e = assertThrows(IOException.class,
          () -> PeerRendezvous.meet(r.address(), "epoch 1", 0, 2, "a:1", killed::get));
      assertTrue(e.getMessage().contains("worker 0 stopped waiting for its 1 peers in epoch 1"), e.getMessage());
    }
  }
}
