package org.delta4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.delta4j.tensor.DataType;

/**
 * The one order in which the per-block gradient vectors of a step are added: a balanced binary tree over the blocks
 * 0 … leaves − 1, sum(lo, hi) = sum(lo, mid) + sum(mid, hi) with mid = ⌊(lo + hi) / 2⌋. Floating-point addition is not
 * associative, so fixing the tree fixes the bits of the result: a worker holding a contiguous run of blocks sends the
 * sums of the largest subtrees inside its run ({@link #cover}, one node when the run is a subtree), and whoever holds
 * every worker's nodes completes the same tree ({@link #sum}), whatever the number of workers. The sums are formed in
 * place, so that a step allocates no vector: a subtree's sum is written into the array of its first leaf or node (a[i]
 * = a[i] + b[i], the same additions in the same order), and the arrays given to {@link #cover} and {@link #sum} are
 * consumed. In {@link Precision#FLOAT} every sum is rounded to a float: the vectors of a FLOAT32 network hold floats
 * (widened to doubles), so they cross the network as floats at half the bytes and lose nothing. Stateless.
 */
public final class GradientTree {
  private GradientTree() {}

  /**
   * The arithmetic of the sums. {@code FLOAT}: the vectors' values are floats widened to doubles, and every sum is
   * rounded to the nearest float, (float) (a + b). For floats a and b that is exactly the float sum a + b (a double
   * carries more than twice a float's 24 bits and 2 more, so rounding the exact sum twice equals rounding it once),
   * so the sums are those of float vectors added in float, and every node sent is exact as floats.
   */
  public enum Precision {
    DOUBLE,
    FLOAT;

    /** FLOAT for a FLOAT32 network (its gradients are floats), DOUBLE otherwise. */
    public static Precision of(DataType type) {
      return type == DataType.FLOAT32 ? FLOAT : DOUBLE;
    }

    /** {@code v} in this precision: rounded to a float for FLOAT. */
    double round(double v) {
      return this == FLOAT ? (float) v : v;
    }
  }

  /** The sum over blocks [lo, hi) of one step, a subtree of the step's tree. */
  public record Node(int lo, int hi, double[] values) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * The nodes whose subtrees exactly tile the run [from, to) of a tree over {@code leaves} blocks, each summed from
   * {@code leaf(k)} in the tree's order, in {@code precision}, into the array of its first leaf (which is the node's
   * values); none when the run is empty.
   */
  public static List<Node> cover(int from, int to, int leaves, IntFunction<double[]> leaf, Precision precision) {
    if (from < 0 || to > leaves || from > to) {
      throw new IllegalArgumentException("blocks [" + from + ", " + to + ") are not a run of the " + leaves
          + " blocks of the step");
    }
    List<Node> out = new ArrayList<>();
    if (from < to) {
      cover(0, leaves, from, to, leaf, precision, out);
    }
    return out;
  }

  private static void cover(int lo, int hi, int from, int to, IntFunction<double[]> leaf, Precision precision,
      List<Node> out) {
    if (hi <= from || to <= lo) {
      return;
    }
    if (from <= lo && hi <= to) {
      out.add(new Node(lo, hi, subtree(lo, hi, leaf, precision)));
      return;
    }
    int mid = (lo + hi) >>> 1;
    cover(lo, mid, from, to, leaf, precision, out);
    cover(mid, hi, from, to, leaf, precision, out);
  }

  private static double[] subtree(int lo, int hi, IntFunction<double[]> leaf, Precision precision) {
    if (hi - lo == 1) {
      return leaf.apply(lo);
    }
    int mid = (lo + hi) >>> 1;
    return add(subtree(lo, mid, leaf, precision), subtree(mid, hi, leaf, precision), precision);
  }

  /**
   * The sum over all {@code leaves} blocks from nodes that tile them (as {@link #cover} makes them on the workers),
   * formed in {@code precision} in the array of the node of block 0, which is returned. The nodes' arrays must be
   * distinct.
   */
  public static double[] sum(int leaves, List<Node> nodes, Precision precision) {
    Map<Long, Node> byRange = new HashMap<>();
    for (Node n : nodes) {
      if (byRange.put(key(n.lo(), n.hi()), n) != null) {
        throw new IllegalArgumentException("blocks [" + n.lo() + ", " + n.hi() + ") were sent twice");
      }
    }
    double[] total = sum(0, leaves, byRange, precision);
    if (!byRange.isEmpty()) {
      throw new IllegalArgumentException("nodes " + byRange.keySet().stream().map(k -> "[" + (k >>> 32) + ", "
          + (k & 0xffffffffL) + ")").toList() + " are not subtrees of the tree over " + leaves + " blocks");
    }
    return total;
  }

  private static double[] sum(int lo, int hi, Map<Long, Node> byRange, Precision precision) {
    Node n = byRange.remove(key(lo, hi));
    if (n != null) {
      return n.values();
    }
    if (hi - lo == 1) {
      throw new IllegalArgumentException("no worker sent block " + lo);
    }
    int mid = (lo + hi) >>> 1;
    return add(sum(lo, mid, byRange, precision), sum(mid, hi, byRange, precision), precision);
  }

  private static long key(int lo, int hi) {
    return ((long) lo << 32) | hi;
  }

  /** a + b element by element in {@code precision}, into a (returned). */
  private static double[] add(double[] a, double[] b, Precision precision) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("gradient vectors of " + a.length + " and " + b.length + " values");
    }
    if (precision == Precision.FLOAT) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) (a[i] + b[i]);
      }
    } else {
      for (int i = 0; i < a.length; i++) {
        a[i] = a[i] + b[i];
      }
    }
    return a;
  }
}
