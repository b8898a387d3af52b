package org.delta4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.delta4j.nn.Network;
import scala.Tuple2;

/**
 * One worker's part of an epoch: the rows of its blocks of every batch, in the epoch's order, and its copy of the
 * network. {@link #nodes} computes its blocks of a batch and returns their {@link GradientTree} nodes. Not thread-safe.
 */
final class WorkerShard {
  private final StepPlan plan;
  private final int worker;
  private final long[] positions;
  private final double[][] features;
  private final int[] labels;
  private final BlockGradients gradients;

  WorkerShard(StepPlan plan, int worker, long[] positions, double[][] features, int[] labels, Network network) {
    this.plan = plan;
    this.worker = worker;
    this.positions = positions;
    this.features = features;
    this.labels = labels;
    this.gradients = new BlockGradients(network);
  }

  /** The shard of a partition's (position, sample) pairs, in any order. */
  static WorkerShard of(StepPlan plan, int worker, Iterator<Tuple2<Long, Sample>> rows, Network network) {
    List<Tuple2<Long, Sample>> all = new ArrayList<>();
    rows.forEachRemaining(all::add);
    all.sort(Comparator.comparingLong(Tuple2::_1)); // here, not in the shuffle: Spark's sorter sizes every row
    long[] positions = new long[all.size()];
    double[][] features = new double[all.size()][];
    int[] labels = new int[all.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = all.get(i)._1();
      features[i] = all.get(i)._2().features();
      labels[i] = all.get(i)._2().label();
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
    double[][] leaves = new double[to - from][];
    for (int k = from; k < to; k++) {
      long first = (long) step * plan.batchSize() + plan.blockStart(k);
      int count = plan.blockRows(step, k);
      int at = Arrays.binarySearch(positions, first);
      if (at < 0 || at + count > positions.length || positions[at + count - 1] != first + count - 1) {
        throw new IllegalStateException("worker " + worker + " lacks rows " + first + " … " + (first + count - 1)
            + " of the epoch, block " + k + " of batch " + step + ": the data was placed for another plan");
      }
      leaves[k - from] = gradients.leaf(features, labels, at, count, plan.blockStart(k),
          (double) count / plan.rows(step));
    }
    return GradientTree.cover(from, to, blocks, k -> leaves[k - from]);
  }
}
