package org.delta4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.delta4j.nn.Network;
import scala.Tuple2;

/**
 * One worker's part of an epoch: the rows of its blocks of every batch, in the epoch's order, and its copy of the
 * network. The rows stay where they arrived, in their {@link PackedRows} (floats for Fashion-MNIST); the shard holds
 * only, for each of its positions in the epoch's order, which packed row it is, so taking an epoch's rows copies none
 * and a step reads its block's rows straight from the packed arrays. {@link #nodes} computes its blocks of a batch
 * and returns their {@link GradientTree} nodes, whose arrays it reuses in the next step. Not thread-safe.
 */
final class WorkerShard implements BlockGradients.Rows {
  private final StepPlan plan;
  private final int worker;
  /** This worker's positions in the epoch's order, ascending. */
  private final long[] positions;
  private final PackedRows[] chunks;
  /** Position i's row: row {@code rowIn[i]} of {@code chunks[chunkOf[i]]}. */
  private final int[] chunkOf;
  private final int[] rowIn;
  private final BlockGradients gradients;
  /** The vectors of this worker's blocks in a step, made once and overwritten every step (the tree sums in them). */
  private double[][] leaves = new double[0][];

  /**
   * A shard whose position {@code positions[i]} holds row {@code rowIn[i]} of {@code chunks[chunkOf[i]]}; the arrays
   * are kept, not copied.
   */
  WorkerShard(StepPlan plan, int worker, long[] positions, PackedRows[] chunks, int[] chunkOf, int[] rowIn,
      Network network) {
    if (chunkOf.length != positions.length || rowIn.length != positions.length) {
      throw new IllegalArgumentException(positions.length + " positions need as many chunk and row indices, got "
          + chunkOf.length + " and " + rowIn.length);
    }
    this.plan = plan;
    this.worker = worker;
    this.positions = positions;
    this.chunks = chunks;
    this.chunkOf = chunkOf;
    this.rowIn = rowIn;
    this.gradients = new BlockGradients(network);
  }

  /**
   * The shard of worker {@code worker} in epoch {@code epoch} from its partition: all the samples when they were
   * {@code copied} to every worker ({@link #select}), else the rows placed for it this epoch ({@link #of(StepPlan,
   * int, Iterator, Network)}).
   */
  static WorkerShard of(StepPlan plan, int epoch, int worker, boolean copied,
      Iterator<Tuple2<Integer, PackedRows>> rows, Network network) {
    return copied ? select(plan, epoch, worker, PackedRows.index(rows, (int) plan.samples()), network)
        : of(plan, worker, rows, network);
  }

  /**
   * The shard of a partition's packed rows ({@link PackedRows}, keyed by this worker), in any order: sorted here by
   * position, as primitive keys (sorting in the shuffle made Spark's sorter size every row).
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
    int[] chunkOfRow = new int[n];
    int[] rowOfRow = new int[n];
    int row = 0;
    for (int c = 0; c < all.size(); c++) {
      PackedRows chunk = all.get(c);
      for (int r = 0; r < chunk.rows(); r++, row++) {
        keys[row] = chunk.positions()[r] << 32 | row;
        chunkOfRow[row] = c;
        rowOfRow[row] = r;
      }
    }
    Arrays.sort(keys);
    long[] positions = new long[n];
    int[] chunkOf = new int[n];
    int[] rowIn = new int[n];
    for (int i = 0; i < n; i++) {
      int from = (int) keys[i];
      positions[i] = keys[i] >>> 32;
      chunkOf[i] = chunkOfRow[from];
      rowIn[i] = rowOfRow[from];
    }
    return new WorkerShard(plan, worker, positions, all.toArray(PackedRows[]::new), chunkOf, rowIn, network);
  }

  /**
   * The shard of worker {@code worker} in epoch {@code epoch}, taken from {@code all} the samples ({@link
   * PackedRows#index}): the rows at the positions of its blocks in the epoch's order.
   */
  static WorkerShard select(StepPlan plan, int epoch, int worker, PackedRows.Index all, Network network) {
    if (all.chunkOf().length != plan.samples()) {
      throw new IllegalStateException("worker " + worker + " holds " + all.chunkOf().length + " samples, the plan "
          + "is for " + plan.samples());
    }
    int[] order = plan.order(epoch);
    int n = 0;
    for (int p = 0; p < order.length; p++) {
      if (plan.ownerOfPosition(p) == worker) {
        n++;
      }
    }
    long[] positions = new long[n];
    int[] chunkOf = new int[n];
    int[] rowIn = new int[n];
    int i = 0;
    for (int p = 0; p < order.length; p++) {
      if (plan.ownerOfPosition(p) == worker) {
        positions[i] = p;
        chunkOf[i] = all.chunkOf()[order[p]];
        rowIn[i] = all.rowIn()[order[p]];
        i++;
      }
    }
    return new WorkerShard(plan, worker, positions, all.chunks(), chunkOf, rowIn, network);
  }

  @Override
  public void features(int row, double[] into, int at) {
    chunks[chunkOf[row]].copyFeatures(rowIn[row], into, at);
  }

  @Override
  public int label(int row) {
    return chunks[chunkOf[row]].labels()[rowIn[row]];
  }

  /** The same rows with another copy of the network. */
  WorkerShard with(Network network) {
    return new WorkerShard(plan, worker, positions, chunks, chunkOf, rowIn, network);
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
      leaves[k - from] = gradients.leaf(this, at, count, plan.blockStart(k),
          (double) count / plan.rows(step), leaves[k - from]);
    }
    return GradientTree.cover(from, to, blocks, k -> leaves[k - from], gradients.precision());
  }
}
