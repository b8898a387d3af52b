package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * How the pool's threads wait: polling between the parts of one caller's jobs, parked when left alone or shared, and
 * polling again when roused; and how a loop is split between them.
 */
class WorkerPoolTest {
  @Test
  void aPoolOfMoreThreadsThanAnyMachineUsesIsRefusedBeforeAnyStarts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new WorkerPool(Integer.MAX_VALUE));
    assertEquals("a worker pool of " + Integer.MAX_VALUE + " threads: at most " + WorkerPool.MAX_THREADS,
        e.getMessage());
    assertEquals(1, new WorkerPool(0).parallelism());
  }

  @Test
  void aSplitLoopCoversEveryItemOnceInConsecutiveParts() {
    WorkerPool pool = new WorkerPool(3);
    for (int count : new int[] {0, 1, 2, 7, 1000}) {
      AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, count));
      AtomicIntegerArray partStarts = new AtomicIntegerArray(3);
      pool.split(count, WorkerPool.PARALLEL_ELEMENTS, (part, from, to) -> {
        partStarts.set(part, from);
        for (int i = from; i < to; i++) {
          seen.incrementAndGet(i);
        }
      });
      for (int i = 0; i < count; i++) {
        assertEquals(1, seen.get(i), "item " + i + " of " + count);
      }
      int parts = pool.parts(count, WorkerPool.PARALLEL_ELEMENTS);
      assertEquals(Math.max(1, Math.min(count, 3)), parts, count + " items");
      for (int p = 0; p < parts; p++) {
        assertEquals(WorkerPool.start(count, p, parts), partStarts.get(p), "part " + p + " of " + count);
      }
    }
    assertEquals(1, pool.parts(1000, WorkerPool.PARALLEL_ELEMENTS - 1), "a small loop stays on the caller");
  }

  @Test
  void aPoolLeftAloneParksItsWorkers() throws InterruptedException {
    WorkerPool pool = new WorkerPool(3);
    AtomicIntegerArray counts = new AtomicIntegerArray(3);
    pool.invoke(3, counts::incrementAndGet);
    assertEquals("[1, 1, 1]", counts.toString());
    for (Thread worker : pool.workers()) {
      awaitParked(pool, worker);
    }
  }

  /**
   * A caller may count on a quick start ({@link WorkerPool#pollingWorkers}, which lets smaller products split) only
   * while a worker is idle and polling: after a job, not once the worker has parked, nor while it runs a part. (A poll
   * also ends when a yield ran another thread, as the compiler's threads may early in a JVM: a job is repeated until
   * its worker is seen polling.)
   */
  @Test
  void workersAreCountedAsPollingOnlyUntilTheyPark() throws InterruptedException {
    WorkerPool pool = new WorkerPool(2);
    assertTrue(pollingAfterAJob(pool), "after a job");
    Thread worker = pool.workers()[0];
    awaitParked(pool, worker);
    assertFalse(pool.pollingWorkers() > 0, "parked");
    assertTrue(pollingAfterAJob(pool), "after a job that woke it");
    // A worker that goes from polling straight to a part still has its flag set: only its owner tells it is busy. So
    // parts are handed to a worker seen polling just before, and counted from that worker's own thread, 50 times.
    int[] seen = new int[2]; // the times counted, and the most polling workers counted
    for (int i = 0; i < 10_000 && seen[0] < 50; i++) {
      boolean hot = pool.pollingWorkers() == 1;
      pool.invoke(2, part -> {
        if (hot && part == 1 && Thread.currentThread() == worker) {
          seen[0]++;
          seen[1] = Math.max(seen[1], pool.pollingWorkers());
        }
      });
    }
    assertEquals(50, seen[0], "parts run by the worker just after it was seen polling");
    assertEquals(0, seen[1], "polling workers counted while the only worker runs a part");
  }

  /**
   * A parked worker that is roused polls again without a part to run, and parks again once its poll is over; a shared
   * pool rouses none.
   */
  @Test
  void aRousedWorkerPollsUntilItParksAgainAndASharedPoolRousesNone() throws InterruptedException {
    WorkerPool pool = new WorkerPool(2);
    Thread worker = pool.workers()[0];
    boolean polled = false;
    for (int attempt = 0; attempt < 20 && !polled; attempt++) { // a poll ends early when a yield ran another thread
      awaitParked(pool, worker);
      pool.rouse();
      long until = System.nanoTime() + 100_000_000L;
      while (!polled && System.nanoTime() < until) {
        polled = pool.pollingWorkers() == 1;
      }
    }
    assertTrue(polled, "roused, the parked worker polls");
    boolean checked = false;
    for (int attempt = 0; attempt < 5 && !checked; attempt++) {
      callFromTwoThreads(pool);
      awaitParked(pool, worker);
      pool.rouse();
      Thread.sleep(5);
      int polling = pool.pollingWorkers();
      if (!pool.polling(System.nanoTime())) { // shared from before the second caller until now (a slow machine: again)
        assertEquals(0, polling, "no worker roused while the pool is shared");
        checked = true;
      }
    }
    assertTrue(checked, "a second caller within " + WorkerPool.SHARED_NANOS + " ns makes the pool shared");
  }

  /** Waits up to 5 s for {@code worker} to park (its poll over), and fails if it has not. */
  private static void awaitParked(WorkerPool pool, Thread worker) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while ((worker.getState() != Thread.State.WAITING || pool.pollingWorkers() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertEquals(Thread.State.WAITING, worker.getState(), worker.getName() + " still running after its poll");
  }

  /** A job from this thread, then one from another started right after: two callers, shared if close enough. */
  private static void callFromTwoThreads(WorkerPool pool) throws InterruptedException {
    pool.invoke(2, part -> { });
    Thread other = new Thread(() -> pool.invoke(2, part -> { }));
    other.start();
    other.join();
  }

  /** Each idle polling worker counts once: after a job of three parts on two workers, both. */
  @Test
  void everyPollingWorkerCounts() {
    WorkerPool pool = new WorkerPool(3);
    boolean both = false;
    for (int i = 0; i < 1000 && !both; i++) {
      pool.invoke(3, part -> { });
      both = pool.pollingWorkers() == 2;
    }
    assertTrue(both, "two workers polling after a job of three parts");
  }

  private static boolean pollingAfterAJob(WorkerPool pool) {
    for (int i = 0; i < 1000; i++) {
      pool.invoke(2, part -> { });
      if (pool.pollingWorkers() > 0) {
        return true;
      }
    }
    return false;
  }

  @Test
  void oneCallerIsPolledForAndTwoCallersInTurnAreNot() throws Exception {
    WorkerPool pool = new WorkerPool(2);
    pool.invoke(2, part -> { });
    pool.invoke(2, part -> { });
    assertTrue(pool.polling(System.nanoTime()), "one caller: its workers poll between its jobs");
    // The second caller must come within SHARED_NANOS of the first; a thread start delayed that long by a loaded
    // machine is another attempt, not a failure.
    boolean shared = false;
    for (int attempt = 0; attempt < 5 && !shared; attempt++) {
      callFromTwoThreads(pool);
      shared = !pool.polling(System.nanoTime());
    }
    assertTrue(shared, "a second caller within " + WorkerPool.SHARED_NANOS + " ns makes the pool shared");
    assertFalse(pool.poll(System.nanoTime()), "no poll while shared");
    assertTrue(pool.polling(System.nanoTime() + WorkerPool.SHARED_NANOS), "polling again once shared no more");
  }

  /** A job inside a part of another (a convolution's product per block of samples) is the same caller's work. */
  @Test
  void aJobInvokedFromInsideAPartDoesNotMakeThePoolShared() {
    WorkerPool pool = new WorkerPool(2);
    pool.invoke(2, outer -> pool.invoke(2, inner -> { }));
    assertTrue(pool.polling(System.nanoTime()), "a job invoked from the worker's part as well as the caller's");
  }

  @Test
  void aPollEndsAfterItsWindow() {
    WorkerPool pool = new WorkerPool(2);
    assertFalse(pool.poll(System.nanoTime() - WorkerPool.POLL_NANOS), "a wait as long as the window parks");
    boolean polled = false;
    for (int i = 0; i < 100 && !polled; i++) { // a yield that ran another thread ends a poll: some may
      polled = pool.poll(System.nanoTime());
    }
    assertTrue(polled, "a fresh wait polls");
  }
}
