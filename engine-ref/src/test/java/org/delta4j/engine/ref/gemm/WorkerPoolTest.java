package org.delta4j.engine.ref.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** How the pool's threads wait: polling between the parts of one caller's jobs, parked when left alone or shared. */
class WorkerPoolTest {
  @Test
  void aPoolLeftAloneParksItsWorkers() throws InterruptedException {
    WorkerPool pool = new WorkerPool(3);
    AtomicIntegerArray counts = new AtomicIntegerArray(3);
    pool.invoke(3, counts::incrementAndGet);
    assertEquals("[1, 1, 1]", counts.toString());
    for (Thread worker : pool.workers()) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (worker.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertEquals(Thread.State.WAITING, worker.getState(), worker.getName() + " still running after its poll");
    }
  }

  @Test
  void oneCallerIsPolledForAndTwoCallersInTurnAreNot() throws Exception {
    WorkerPool pool = new WorkerPool(2);
    pool.invoke(2, part -> { });
    pool.invoke(2, part -> { });
    assertTrue(pool.polling(System.nanoTime()), "one caller: its workers poll between its jobs");
    Thread other = new Thread(() -> pool.invoke(2, part -> { }));
    other.start();
    other.join();
    assertFalse(pool.polling(System.nanoTime()), "a second caller within " + WorkerPool.SHARED_NANOS + " ns");
    assertFalse(pool.poll(System.nanoTime()), "no poll while shared");
    assertTrue(pool.polling(System.nanoTime() + WorkerPool.SHARED_NANOS), "polling again once shared no more");
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
