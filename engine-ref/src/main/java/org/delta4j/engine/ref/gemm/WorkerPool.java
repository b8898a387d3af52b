package org.delta4j.engine.ref.gemm;

import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of daemon threads that run the parts of one job beside the calling thread and return when all parts
 * are done. Made once per process, so a matrix product hands work over without creating threads or tasks. One job at
 * a time: {@link #invoke} is synchronized.
 */
final class WorkerPool {
  private final Worker[] workers;

  WorkerPool(int threads) {
    workers = new Worker[Math.max(0, threads - 1)];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i + 1);
      workers[i].start();
    }
  }

  /** The number of parts a job can be split into: the workers and the caller. */
  int parallelism() {
    return workers.length + 1;
  }

  /** Runs {@code task.accept(part)} for part = 0 .. parts − 1, part 0 on the calling thread; rethrows any failure. */
  synchronized void invoke(int parts, IntConsumer task) {
    int helpers = Math.min(parts - 1, workers.length);
    Thread caller = Thread.currentThread();
    for (int i = 0; i < helpers; i++) {
      workers[i].submit(task, caller);
    }
    Throwable failure = null;
    try {
      task.accept(0);
    } catch (Throwable t) {
      failure = t;
    }
    for (int i = 0; i < helpers; i++) {
      Throwable t = workers[i].await();
      if (failure == null) {
        failure = t;
      }
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    } else if (failure instanceof Error e) {
      throw e;
    }
  }

  private static final class Worker extends Thread {
    private final int part;
    private volatile IntConsumer task;
    private volatile Thread caller;
    private volatile boolean done;
    private volatile Throwable failure;

    Worker(int part) {
      super("delta4j-gemm-" + part);
      this.part = part;
      setDaemon(true);
    }

    void submit(IntConsumer job, Thread from) {
      done = false;
      failure = null;
      caller = from;
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
