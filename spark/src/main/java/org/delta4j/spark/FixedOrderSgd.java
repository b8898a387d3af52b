package org.delta4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.delta4j.nn.Network;
import org.delta4j.train.EpochResult;

/**
 * Synchronous SGD on one machine by a {@link StepPlan}: every batch's blocks computed one after the other and added
 * in the {@link GradientTree}'s order. It does, in one process, exactly the arithmetic that {@link SparkTrainer} spreads
 * over workers, so the two end with the same weights bit for bit; with one block per batch it is plain minibatch
 * training. Stateless.
 */
public final class FixedOrderSgd {
  private FixedOrderSgd() {}

  /**
   * Trains {@code network} for epochs 1 … {@code epochs} on samples {@code features[i]} of class {@code labels[i]}
   * and returns each epoch's training loss and accuracy.
   */
  public static List<EpochResult> train(Network network, double[][] features, int[] labels, StepPlan plan,
      int epochs) {
    if (features.length != plan.samples() || labels.length != plan.samples()) {
      throw new IllegalArgumentException("the plan is for " + plan.samples() + " samples but there are "
          + features.length + " feature rows and " + labels.length + " labels");
    }
    int width = network.inputShape().intSize();
    for (int i = 0; i < features.length; i++) {
      if (features[i].length != width) {
        throw new IllegalArgumentException("sample " + i + " has " + features[i].length + " features but the network "
            + "takes " + width + " inputs");
      }
    }
    BlockGradients gradients = new BlockGradients(network);
    List<EpochResult> results = new ArrayList<>();
    double[][] leaves = new double[plan.blocks()][gradients.vectorLength()]; // the tree sums in them: reused each step
    for (int epoch = 1; epoch <= epochs; epoch++) {
      long start = System.nanoTime();
      double rate = network.optimizer().currentLearningRate();
      int[] order = plan.order(epoch);
      BlockGradients.Rows rows = new BlockGradients.Rows() { // position p of the epoch: sample order[p]
        @Override
        public void features(int p, double[] into, int at) {
          System.arraycopy(features[order[p]], 0, into, at, width);
        }

        @Override
        public int label(int p) {
          return labels[order[p]];
        }
      };
      double lossSum = 0;
      long correct = 0;
      for (int step = 0; step < plan.steps(); step++) {
        int blocks = plan.blocksIn(step);
        for (int k = 0; k < blocks; k++) {
          int count = plan.blockRows(step, k);
          int first = step * plan.batchSize() + plan.blockStart(k);
          leaves[k] = gradients.leaf(rows, first, count, plan.blockStart(k), (double) count / plan.rows(step),
              leaves[k]);
        }
        double[] total = GradientTree.sum(blocks, GradientTree.cover(0, blocks, blocks, k -> leaves[k],
            gradients.precision()), gradients.precision());
        lossSum += gradients.apply(total) * plan.rows(step);
        correct += BlockGradients.correct(total);
      }
      results.add(new EpochResult(epoch, lossSum / plan.samples(), (double) correct / plan.samples(), Double.NaN,
          Double.NaN, rate, (System.nanoTime() - start) / 1e9));
    }
    return results;
  }
}
