package org.delta4j.nn;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Refuses a second thread while one is inside an object that is not thread-safe: the cheap check (one compare-and-set
 * per call) that turns a silent data race into an {@link IllegalStateException} naming both threads. Calls nest.
 */
final class SingleThreadGuard {
  private final String what;
  private final AtomicReference<Thread> owner = new AtomicReference<>();
  private String ownerCall;
  private int depth; // touched only by the owner

  SingleThreadGuard(String what) {
    this.what = what;
  }

  void enter(String call) {
    Thread me = Thread.currentThread();
    if (owner.get() == me) {
      depth++;
      return;
    }
    if (!owner.compareAndSet(null, me)) {
      Thread other = owner.get();
      throw new IllegalStateException("a " + what + " is not thread-safe: thread '" + me.getName() + "' called "
          + call + " while thread '" + (other == null ? "?" : other.getName()) + "' is inside " + ownerCall
          + "; use one network per thread, or network.predictor() for inference from many threads");
    }
    ownerCall = call;
    depth = 1;
  }

  void exit() {
    if (--depth == 0) {
      owner.set(null);
    }
  }
}
