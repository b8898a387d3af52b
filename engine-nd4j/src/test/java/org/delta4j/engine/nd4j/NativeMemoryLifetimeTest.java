package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.nio.DoubleBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ImageLoops;
import org.delta4j.engine.Kernels;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataBuffer;

/**
 * A kernel working on tensors' native memory keeps them, and so their memory, until it returns: a tensor given as a
 * temporary, which nothing else holds, is not freed by ND4J's collector-driven deallocator under the kernel while
 * other threads allocate and free arrays of the same size and the collector runs.
 */
class NativeMemoryLifetimeTest {
  private final Engine nd4j = Engines.get(Nd4jEngine.NAME);

  private static double[] values(int n, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble() + 0.5;
    }
    return v;
  }

  /**
   * A memory alone keeps its array's buffer, whose becoming unreachable is what frees the memory: once its tensor is
   * dropped and the collector has run, the buffer is still there and the memory reads the tensor's values.
   */
  @Test
  void aMemoryKeepsItsArraysBufferAfterItsTensorIsDropped() {
    double[] v = values(1000, 3);
    Nd4jTensor t = (Nd4jTensor) nd4j.tensor(DataType.FLOAT64, Shape.of(v.length), v);
    NativeMemory m = t.memory("test");
    WeakReference<DataBuffer> buffer = new WeakReference<>(t.array.data());
    t = null;
    for (int i = 0; i < 5 && buffer.get() != null; i++) {
      System.gc();
    }
    assertNotNull(buffer.get(), "the buffer was collected while its memory was held");
    double[] read = new double[v.length];
    ((DoubleBuffer) m.elements).get(0, read);
    assertArrayEquals(v, read);
    Reference.reachabilityFence(m);
  }

  /**
   * Max pooling's gradient over overlapping windows in FLOAT64 (the portable loops on heap copies), called over and
   * over on temporaries x and dy made from the same values, gives the portable loops' dx while two threads make and
   * drop arrays of their shapes and run the collector. The kernel allocates its heap copies, so the collector may run
   * within it, past the temporaries' last use: unfenced, their memory was freed and reused under the copy within a
   * few hundred calls, giving zeros or an allocator's pointers for gradients.
   */
  @Test
  void maxPoolingBackwardOnTemporariesGivesTheSameGradientWhileTheirMemoryIsReclaimedAround() throws Exception {
    DataType type = DataType.FLOAT64;
    ConvGeometry g = new ConvGeometry(3, 9, 7, 2, 2, 1, 1, 1, 1, 0, 0, 8, 6);
    Shape images = Shape.of(2, 3, 9, 7);
    Shape pooled = Shape.of(2, 3, 8, 6);
    double[] x = values(images.intSize(), 1);
    double[] dy = values(pooled.intSize(), 2);
    ConvGeometry plane = new ConvGeometry(1, 9, 7, 2, 2, 1, 1, 1, 1, 0, 0, 8, 6);
    double[] expected = new double[images.intSize()];
    ImageLoops.maxPool(x, null, dy, expected, plane, plane.tapIndices(), 0, 6);
    Kernels k = nd4j.kernels();
    Tensor dx = nd4j.tensor(type, images, new double[images.intSize()]);
    AtomicBoolean done = new AtomicBoolean();
    Thread[] churn = new Thread[2];
    for (int t = 0; t < churn.length; t++) {
      churn[t] = new Thread(() -> {
        double[] junk = new double[pooled.intSize()];
        double[] junkImages = new double[images.intSize()];
        long i = 0;
        while (!done.get()) {
          nd4j.tensor(type, pooled, junk);
          nd4j.tensor(type, images, junkImages);
          if (++i % 2000 == 0) {
            System.gc();
          }
        }
      });
      churn[t].start();
    }
    try {
      long end = System.nanoTime() + 3_000_000_000L;
      long calls = 0;
      while (System.nanoTime() < end) {
        k.maxPoolBackward(nd4j.tensor(type, images, x), nd4j.tensor(type, pooled, dy), g, dx);
        double[] got = dx.toDoubleArray();
        long c = ++calls;
        assertArrayEquals(expected, got, () -> "call " + c);
      }
    } finally {
      done.set(true);
      for (Thread t : churn) {
        t.join();
      }
    }
  }
}
