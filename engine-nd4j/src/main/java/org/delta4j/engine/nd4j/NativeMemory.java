package org.delta4j.engine.nd4j;

import java.lang.ref.Reference;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The native memory of a contiguous C-ordered ND4J array of floats or doubles, for code that works on it without
 * ND4J's operation executioner: a BLAS pointer at the array's first element ({@link FloatPointer} or
 * {@link DoublePointer}, its offset in the buffer applied), a native-order {@link ByteBuffer} over exactly its
 * elements, byte 0 being element 0, and the same as a typed buffer. Made once per tensor (the views cost a native
 * call and objects to make) and immutable after: several threads may read through it; BLAS and the buffers' absolute
 * accessors keep no
 * position.
 *
 * <p>The memory is ND4J's: freed by its deallocator once the array's buffer is unreachable, which the views alone do
 * not prevent (they are bare addresses). So a memory holds its array, and code working through the views calls
 * {@link #keep} when done: a tensor passed as a temporary is otherwise unreachable from its last use by the JIT's
 * reckoning, and its memory may be freed, and reused, while a loop still reads or writes it.
 */
final class NativeMemory {
  /** Whether the elements are floats (else doubles). */
  final boolean floats;
  /** The element count. */
  final int length;
  /** A {@link FloatPointer} or {@link DoublePointer} positioned at element 0. */
  final Pointer pointer;
  /** Native-order bytes of the elements, element i at byte i·(element size). */
  final ByteBuffer bytes;
  /** The elements as a {@link FloatBuffer} or {@link DoubleBuffer}, element i at index i (for bulk copies). */
  final Buffer elements;
  /** The array whose buffer owns the memory, held so that the memory lives as long as this. */
  private final INDArray owner;

  private NativeMemory(INDArray owner, boolean floats, int length, Pointer pointer, ByteBuffer bytes) {
    this.owner = owner;
    this.floats = floats;
    this.length = length;
    this.pointer = pointer;
    this.bytes = bytes;
    this.elements = floats ? bytes.asFloatBuffer() : bytes.asDoubleBuffer();
  }

  /** Whether {@code a}'s elements end within the first 2 GiB of its buffer, all a {@link ByteBuffer} addresses. */
  static boolean addressable(INDArray a) {
    int size = a.dataType() == DataType.DOUBLE ? Double.BYTES : Float.BYTES;
    return (a.offset() + a.length()) * size <= Integer.MAX_VALUE;
  }

  /**
   * The memory of {@code a}; an array that is not contiguous in C order, not of floats or doubles, or reaching past
   * 2 GiB into its buffer is refused with an error naming {@code kernel} and its shape.
   */
  static NativeMemory of(String kernel, INDArray a) {
    boolean floats = a.dataType() == DataType.FLOAT;
    if (!floats && a.dataType() != DataType.DOUBLE) {
      throw new IllegalArgumentException(kernel + ": array " + Arrays.toString(a.shape()) + " holds " + a.dataType()
          + ", not FLOAT or DOUBLE");
    }
    if (a.ordering() != 'c' || a.length() > 1 && a.elementWiseStride() != 1) {
      throw new IllegalArgumentException(kernel + ": array " + Arrays.toString(a.shape())
          + " is not contiguous in C order");
    }
    int size = floats ? Float.BYTES : Double.BYTES;
    if (!addressable(a)) {
      throw new IllegalArgumentException(kernel + ": array " + Arrays.toString(a.shape()) + " of " + a.dataType()
          + " ends past 2 GiB into its buffer, more than a ByteBuffer addresses");
    }
    int length = (int) a.length();
    // The array's offset counts from the start of asNio()'s memory. (A view's DataBuffer is inconsistent here: its
    // addressPointer() already includes the offset, its asNio() and address() do not.) The BLAS pointer is made from
    // the same bytes, so both views start at element 0.
    long offset = a.offset();
    ByteBuffer bytes = a.data().asNio().position((int) (offset * size))
        .limit((int) ((offset + length) * size)).slice().order(ByteOrder.nativeOrder());
    Pointer pointer = floats ? new FloatPointer(bytes.asFloatBuffer()) : new DoublePointer(bytes.asDoubleBuffer());
    return new NativeMemory(a, floats, length, pointer, bytes);
  }

  /**
   * Keeps the memories given (null ones ignored) from being freed before this call: made last by code that reads or
   * writes through their views, the JIT being otherwise free to drop them after their last field read. (Code that
   * throws midway reads no more, and needs none.)
   */
  static void keep(NativeMemory... memories) {
    Reference.reachabilityFence(memories);
  }
}
