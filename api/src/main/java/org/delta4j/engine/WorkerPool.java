package org.delta4j.engine;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of daemon threads that run the parts of a job beside the calling thread and return when all parts are
 * done. Made once per process, so a matrix product hands work over without creating threads or tasks. Thread-safe and
 * never serialising: several callers may {@link #invoke} at once; each claims the workers that are idle at that moment
 * and runs every part no worker took on its own thread. One caller alone gets every worker, as before; two callers on
 * two cores each end up with about one core, instead of one waiting for the other's whole job.
 * {@link #shared()} is the process's one pool, used by every engine's kernels that split their work over the cores (the
 * reference engine's matrix products and loops, the nd4j engine's loops on native memory), so that two engines in one
 * process share the cores instead of each starting threads for all of them.
 *
 * <p>A worker that has finished a part polls for the next one for {@link #POLL_NANOS} before it parks, and a caller
 * waiting for its workers polls as long, yielding the core at each poll. A training step hands work over a few times a
 * millisecond, and waking a parked thread costs more than its latency: on a virtual machine whose idle cores halt, the
 * guest's scheduler counts a halted core as taken by the host and runs the woken worker on the caller's own core,
 * preempting the caller until the worker's part is done. On a 2-core KVM guest at 128 × 784 × 256, handing a part to a
 * parked worker, the worker's part started 6–10 µs later and the caller's own 260–290 µs later; with the worker polling
 * both started within 2–7 µs. In alternating JMH runs the product went from 1,541–1,697 to 2,024–2,422 a second
 * and the MLP's training step from 371–455 to 446–508 steps a second. Polling pays only on a core nothing else wants (a
 * polling core looks busy to the scheduler): two networks training at once on two cores lost a third of their steps to
 * it. So nothing polls while two threads call the pool in turn, and a poll stops once a yield has run another thread.
 * While workers poll, {@link #pollingWorkers} tells a caller how many would start a part at once, and the matrix
 * products split among them from a smaller size.
 */
public final class WorkerPool {
  /**
   * How long a worker polls for its next part, and a caller for its parts to be done, before parking: longer than the
   * gaps between the products of a training step, so that a step wakes no thread, and short enough that a pool left
   * alone is parked within milliseconds.
   */
  static final long POLL_NANOS = 2_000_000;
  /** Calls from two threads this close together make the pool shared, and nothing polls for as long after. */
  static final long SHARED_NANOS = 100_000_000;
  /** A yield that took longer than this ran another thread: the core is wanted, and the poll stops. */
  static final long TAKEN_NANOS = 50_000;
  private static final WorkerPool SHARED = new WorkerPool(Runtime.getRuntime().availableProcessors());
  private final Worker[] workers;
  /** The thread of the last {@link #invoke}, and when it called. */
  private volatile Thread lastCaller;
  private volatile long lastCall;
  /** Nothing polls before this time ({@link System#nanoTime}): the pool was shared by two callers recently. */
  private volatile long sharedUntil = System.nanoTime();

  /** The process's pool: one thread per available core beside the caller. */
  public static WorkerPool shared() {
    return SHARED;
  }

  /**
   * A pool of {@code threads} threads in all: the caller and {@code threads − 1} workers (none for 1 or less); more
   * than {@value #MAX_THREADS} is refused, as no machine has the cores to use them.
   */
  public WorkerPool(int threads) {
    if (threads > MAX_THREADS) {
      throw new IllegalArgumentException("a worker pool of " + threads + " threads: at most " + MAX_THREADS);
    }
    workers = new Worker[Math.max(0, threads - 1)];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(this, i + 1);
      workers[i].start();
    }
  }

  /** The most parts a job can run at once: the workers and the caller. */
  public int parallelism() {
    return workers.length + 1;
  }

  /** Below this many elements touched, handing part of a loop to another core costs more than it saves. */
  public static final long PARALLEL_ELEMENTS = 1 << 15;
  /** The most threads a pool takes. */
  public static final int MAX_THREADS = 1 << 16;

  /** A loop over the items [from, to) of a job, run as part {@code part} of a split. */
  @FunctionalInterface
  public interface Range {
    void run(int part, int from, int to);
  }

  /**
   * How many parts a loop over {@code count} items touching {@code elements} elements is split into: one per thread
   * of this pool, at most one per item, and one alone below {@link #PARALLEL_ELEMENTS}.
   */
  public int parts(int count, long elements) {
    return elements < PARALLEL_ELEMENTS ? 1 : Math.max(1, Math.min(count, parallelism()));
  }

  /**
   * The first item of part {@code part} of {@code parts} over {@code count} items (part = parts: one past the last).
   */
  public static int start(int count, int part, int parts) {
    return (int) ((long) count * part / parts);
  }

  /**
   * Runs {@code range} over the items [0, count) in {@link #parts} consecutive parts, beside each other on this pool's
   * threads ({@link #invoke}); one part runs on the caller alone.
   */
  public void split(int count, long elements, Range range) {
    int parts = parts(count, elements);
    if (parts == 1) {
      range.run(0, 0, count);
      return;
    }
    invoke(parts, part -> range.run(part, start(count, part, parts), start(count, part + 1, parts)));
  }

  /**
   * Runs {@code task.accept(part)} for part = 0 .. parts − 1 and returns when all are done; rethrows the first failure.
   * Part 0 and every part no idle worker could take run on the calling thread, so parts must not depend on which
   * thread runs them or in what order (the matrix products' parts write disjoint rows of C).
   */
  public void invoke(int parts, IntConsumer task) {
    Thread caller = Thread.currentThread();
    long now = System.nanoTime();
    // A call from one of this pool's workers is a job inside another's part (a convolution's products, per block of
    // samples), not a second caller: counted as one, it would make the pool shared and stop its workers polling.
    boolean inner = caller instanceof Worker w && w.pool == this;
    if (!inner && lastCaller != caller) {
      if (lastCaller != null && now - lastCall < SHARED_NANOS) {
        sharedUntil = now + SHARED_NANOS;
      }
      lastCaller = caller;
    }
    lastCall = now;
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

  /**
   * One poll of a thread waiting since {@code since} for another thread's flag: a yield of the core, and whether to go
   * on polling. False once {@link #POLL_NANOS} have passed, while the pool is shared, or when the yield ran another
   * thread; the waiter then parks, and the thread that sets its flag unparks it.
   */
  boolean poll(long since) {
    long now = System.nanoTime();
    if (now - since >= POLL_NANOS || !polling(now)) {
      return false;
    }
    Thread.yield();
    return System.nanoTime() - now < TAKEN_NANOS;
  }

  /**
   * How many idle workers are polling for their next part at this moment: a part handed over to one now starts within
   * microseconds, where waking a parked worker costs some hundred (see the class comment), so smaller jobs pay for
   * being split among that many workers and the caller. {@link #invoke} claims idle workers in a fixed order, so the
   * ones a caller used last, polling since, are the ones it claims again.
   */
  public int pollingWorkers() {
    int polling = 0;
    for (Worker w : workers) {
      if (w.polls && w.owner.get() == null) {
        polling++;
      }
    }
    return polling;
  }

  /**
   * Sets the parked idle workers polling for {@link #POLL_NANOS}, as if each had just finished a part, so that a job
   * that comes within that time starts on them at once ({@link #pollingWorkers}); nothing while the pool is shared.
   * For a caller that has just run alone a job it would have split among polling workers: a matrix product in a loop
   * whose workers had parked would otherwise never split again, since only a job handed to a worker sets it polling.
   */
  public void rouse() {
    if (!polling(System.nanoTime())) {
      return;
    }
    for (Worker w : workers) {
      if (!w.polls && w.owner.get() == null) {
        w.roused = true;
        LockSupport.unpark(w);
      }
    }
  }

  /** Whether waiters poll at {@code now} ({@link System#nanoTime}): not while the pool is shared. */
  boolean polling(long now) {
    return now - sharedUntil >= 0;
  }

  /** This pool's worker threads, for tests. */
  Thread[] workers() {
    return workers.clone();
  }

  private static final class Worker extends Thread {
    /** The caller this worker is running a part for, null while idle; only that caller sets it back to null. */
    final AtomicReference<Thread> owner = new AtomicReference<>();
    private volatile IntConsumer task;
    private volatile int part;
    private volatile boolean done;
    private volatile Throwable failure;
    /** Whether this worker, idle, polls for its next part rather than parking ({@link #pollingWorkers}). */
    private volatile boolean polls = true;
    /** Set by {@link #rouse} for a parked worker: poll again, from when it wakes. */
    private volatile boolean roused;

    private final WorkerPool pool;

    Worker(WorkerPool pool, int index) {
      super("delta4j-worker-" + index);
      this.pool = pool;
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

    /** Waits for the part this worker runs for the calling thread; unparked by {@link #run} when it is done. */
    Throwable await() {
      long since = System.nanoTime();
      boolean polling = true;
      while (!done) { // polls while it may, then parks until run() unparks it
        polling = polling && pool.poll(since);
        if (!polling) {
          LockSupport.park(this);
        }
      }
      return failure;
    }

    @Override
    public void run() {
      long idle = System.nanoTime();
      while (true) {
        IntConsumer job = task;
        if (job == null && roused) {
          roused = false;
          idle = System.nanoTime();
          polls = true;
        }
        if (job == null) {
          // as a caller waits in await(), but the flag is a field: cleared before parking, so that no caller counts on
          // this worker being quick to start (pollingWorkers)
          if (!(polls && pool.poll(idle))) {
            polls = false;
            LockSupport.park(this);
          }
          continue;
        }
        task = null;
        Thread caller = owner.get(); // read before done: once done, the caller may release this worker
        try {
          job.accept(part);
        } catch (Throwable t) {
          failure = t;
        }
        idle = System.nanoTime();
        polls = true;
        done = true;
        LockSupport.unpark(caller);
      }
    }
  }
}
