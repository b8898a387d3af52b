package org.delta4j.engine.ref.gemm;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of daemon threads that run the parts of a job beside the calling thread and return when all parts are
 * done. Made once per process, so a matrix product hands work over without creating threads or tasks. Thread-safe and
 * never serialising: several callers may {@link #invoke} at once; each claims the workers that are idle at that moment
 * and runs every part no worker took on its own thread. One caller alone gets every worker, as before; two callers on
 * two cores each end up with about one core, instead of one waiting for the other's whole job.
 * {@link #shared()} is the process's one pool, used by the matrix products and by any other kernel of the reference
 * engine that splits its work over the cores.
 */
public final class WorkerPool {
  private static final WorkerPool SHARED = new WorkerPool(Runtime.getRuntime().availableProcessors());
  private final Worker[] workers;

  /** The process's pool: one thread per available core beside the caller. */
  public static WorkerPool shared() {
    return SHARED;
  }

  WorkerPool(int threads) {
    workers = new Worker[Math.max(0, threads - 1)];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i + 1);
      workers[i].start();
    }
  }

  /** The most parts a job can run at once: the workers and the caller. */
  public int parallelism() {
    return workers.length + 1;
  }

  /**
   * Runs {@code task.accept(part)} for part = 0 .. parts − 1 and returns when all are done; rethrows the first failure.
   * Part 0 and every part no idle worker could take run on the calling thread, so parts must not depend on which
   * thread runs them or in what order (the matrix products' parts write disjoint rows of C).
   */
  public void invoke(int parts, IntConsumer task) {
    Thread caller = Thread.currentThread();
    int next = 1;
    for (int i = 0; i < workers.length && next < parts; i++) {
      if (workers[i].claim(caller)) {
        workers[i].submit(task, next++);
      }
    }
    Throwable failure = null;
    for (int p = 0; p < parts; p = p == 0 ? next : p + 1) { // part 0, then those no worker took
      try {
        task.accept(p);
      } catch (Throwable t) {
        if (failure == null) {
          failure = t;
        }
      }
    }
    for (int i = 0; i < workers.length; i++) {
      if (workers[i].owner.get() == caller) {
        Throwable t = workers[i].await();
        workers[i].owner.set(null);
        if (failure == null) {
          failure = t;
        }
      }
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    } else if (failure instanceof Error e) {
      throw e;
    }
  }

  private static final class Worker extends Thread {
    /** The caller this worker is running a part for, null while idle; only that caller sets it back to null. */
    final AtomicReference<Thread> owner = new AtomicReference<>();
    private volatile IntConsumer task;
    private volatile int part;
    private volatile boolean done;
    private volatile Throwable failure;

    Worker(int index) {
      super("delta4j-gemm-" + index);
      setDaemon(true);
    }

    boolean claim(Thread caller) {
      return owner.get() == null && owner.compareAndSet(null, caller);
    }

    void submit(IntConsumer job, int index) {
      done = false;
      failure = null;
      part = index;
      task = job;
      LockSupport.unpark(this);
    }

    Throwable await() {
      while (!done) {
        LockSupport.park(this);
      }
      return failure;
    }

    @Override
    public void run() {
      while (true) {
        IntConsumer job = task;
        if (job == null) {
          LockSupport.park(this);
          continue;
        }
        task = null;
        Thread caller = owner.get(); // read before done: once done, the caller may release this worker
        try {
          job.accept(part);
        } catch (Throwable t) {
          failure = t;
        }
        done = true;
        LockSupport.unpark(caller);
      }
    }
  }
}
