package org.delta4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.delta4j.nn.Network;
import scala.Tuple2;

/**
 * One worker's part of an epoch: the rows of its blocks of every batch, in the epoch's order, and its copy of the
 * network. {@link #nodes} computes its blocks of a batch and returns their {@link GradientTree} nodes, whose arrays
 * it reuses in the next step. Not thread-safe.
 */
final class WorkerShard {
  private final StepPlan plan;
  private final int worker;
  private final long[] positions;
  private final double[][] features;
  private final int[] labels;
  private final BlockGradients gradients;
  /** The vectors of this worker's blocks in a step, made once and overwritten every step (the tree sums in them). */
  private double[][] leaves = new double[0][];

  WorkerShard(StepPlan plan, int worker, long[] positions, double[][] features, int[] labels, Network network) {
    this.plan = plan;
    this.worker = worker;
    this.positions = positions;
    this.features = features;
    this.labels = labels;
    this.gradients = new BlockGradients(network);
  }

  /**
   * The shard of worker {@code worker} in epoch {@code epoch} from its partition: all the samples when they were
   * {@code copied} to every worker ({@link #select}), else the rows placed for it this epoch ({@link #of(StepPlan,
   * int, Iterator, Network)}).
   */
  static WorkerShard of(StepPlan plan, int epoch, int worker, boolean copied,
      Iterator<Tuple2<Integer, PackedRows>> rows, Network network) {
    return copied ? select(plan, epoch, worker, rows.next()._2(), network) : of(plan, worker, rows, network);
  }

  /**
   * The shard of a partition's packed rows ({@link PackedRows}, keyed by this worker), in any order: sorted here by
   * position, in primitive arrays (sorting in the shuffle made Spark's sorter size every row).
   */
  static WorkerShard of(StepPlan plan, int worker, Iterator<Tuple2<Integer, PackedRows>> chunks, Network network) {
    List<PackedRows> all = new ArrayList<>();
    int n = 0;
    while (chunks.hasNext()) {
      PackedRows c = chunks.next()._2();
      all.add(c);
      n += c.rows();
    }
    // (position, row in the chunks' concatenation) in one long each: positions and rows are below 2^31
    long[] keys = new long[n];
    int row = 0;
    for (PackedRows c : all) {
      for (int r = 0; r < c.rows(); r++, row++) {
        keys[row] = c.positions()[r] << 32 | row;
      }
    }
    Arrays.sort(keys);
    int[] chunkOf = new int[n];
    int[] rowIn = new int[n];
    row = 0;
    for (int c = 0; c < all.size(); c++) {
      for (int r = 0; r < all.get(c).rows(); r++, row++) {
        chunkOf[row] = c;
        rowIn[row] = r;
      }
    }
    long[] positions = new long[n];
    double[][] features = new double[n][];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int from = (int) keys[i];
      PackedRows c = all.get(chunkOf[from]);
      positions[i] = keys[i] >>> 32;
      features[i] = c.features(rowIn[from]);
      labels[i] = c.labels()[rowIn[from]];
    }
    return new WorkerShard(plan, worker, positions, features, labels, network);
  }

  /**
   * The shard of worker {@code worker} in epoch {@code epoch}, taken from {@code all} the samples (row i the sample
   * of global index i, {@link PackedRows#byIndex}): the rows at the positions of its blocks in the epoch's order.
   */
  static WorkerShard select(StepPlan plan, int epoch, int worker, PackedRows all, Network network) {
    if (all.rows() != plan.samples()) {
      throw new IllegalStateException("worker " + worker + " holds " + all.rows() + " samples, the plan is for "
          + plan.samples());
    }
    int[] order = plan.order(epoch);
    int n = 0;
    for (int p = 0; p < order.length; p++) {
      if (plan.ownerOfPosition(p) == worker) {
        n++;
      }
    }
    long[] positions = new long[n];
    double[][] features = new double[n][];
    int[] labels = new int[n];
    int i = 0;
    for (int p = 0; p < order.length; p++) {
      if (plan.ownerOfPosition(p) == worker) {
        positions[i] = p;
        features[i] = all.features(order[p]);
        labels[i] = all.labels()[order[p]];
        i++;
      }
    }
    return new WorkerShard(plan, worker, positions, features, labels, network);
  }

  /** The same rows with another copy of the network. */
  WorkerShard with(Network network) {
    return new WorkerShard(plan, worker, positions, features, labels, network);
  }

  BlockGradients gradients() {
    return gradients;
  }

  /** This worker's nodes of batch {@code step} (none when it has no block in it). */
  List<GradientTree.Node> nodes(int step) {
    int blocks = plan.blocksIn(step);
    int from = Math.min(plan.firstBlock(worker), blocks);
    int to = Math.min(plan.firstBlock(worker + 1), blocks);
    if (leaves.length < to - from) {
      double[][] more = Arrays.copyOf(leaves, to - from);
      for (int i = leaves.length; i < more.length; i++) {
        more[i] = new double[gradients.vectorLength()];
      }
      leaves = more;
    }
    double[][] leaves = this.leaves;
    for (int k = from; k < to; k++) {
      long first = (long) step * plan.batchSize() + plan.blockStart(k);
      int count = plan.blockRows(step, k);
      int at = Arrays.binarySearch(positions, first);
      if (at < 0 || at + count > positions.length || positions[at + count - 1] != first + count - 1) {
        throw new IllegalStateException("worker " + worker + " lacks rows " + first + " … " + (first + count - 1)
            + " of the epoch, block " + k + " of batch " + step + ": the data was placed for another plan");
      }
      leaves[k - from] = gradients.leaf(features, labels, at, count, plan.blockStart(k),
          (double) count / plan.rows(step), leaves[k - from]);
    }
    return GradientTree.cover(from, to, blocks, k -> leaves[k - from]);
  }
}
