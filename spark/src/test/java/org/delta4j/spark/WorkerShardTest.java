package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;

/**
 * A worker's steady-state step — its blocks' vectors ({@link WorkerShard#nodes}), their tree ({@link GradientTree#sum},
 * what {@link PeerExchange} does with one worker) and the optimizer step ({@link BlockGradients#apply}) — reuses its
 * buffers: once the first steps have made them, a step allocates far less than one gradient vector, so the vectors
 * (megabytes for real networks, humongous objects for G1) are no garbage to collect.
 */
class WorkerShardTest {
  private static final int INPUTS = 64;

  @Test
  void aSteadyStepAllocatesNoArrayOfTheGradientVectorsSize() {
    Network network = Network.create(NetworkSpec.builder().input(INPUTS).dense(512).relu().dense(10)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(7).build(),
        Engines.get("ref"), DataType.FLOAT64);
    int samples = 32 * 660;
    StepPlan plan = new StepPlan(samples, 32, 4, 1, 3, true); // 4 blocks on 1 worker: a tree of 4 leaves
    SplitMix64 random = new SplitMix64(11);
    long[] positions = new long[samples];
    double[] features = new double[samples * INPUTS];
    int[] labels = new int[samples];
    int[] rows = new int[samples];
    for (int i = 0; i < samples; i++) {
      positions[i] = i;
      rows[i] = i;
      for (int j = 0; j < INPUTS; j++) {
        features[i * INPUTS + j] = random.nextGaussian();
      }
      labels[i] = random.nextInt(10);
    }
    WorkerShard shard = new WorkerShard(plan, 0, positions,
        new PackedRows[] {new PackedRows(INPUTS, positions.clone(), labels, null, features)}, new int[samples], rows,
        network);
    long vectorBytes = 8L * shard.gradients().vectorLength();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    // steady: once the engine's kernels are compiled by C2 (the Vector API allocates outside C2, and on a busy machine
    // C2 may get to the last of them late), so the least a step allocated over windows of 30 steps from step 300 on,
    // the plan's steps run again (up to 8 passes) until a window is clean: a step that allocated a gradient vector
    // would do so in every window. (A kernel C2 compiled with its vectors boxed, as it did in some runs after other
    // networks in the same JVM, would too: spark/pom.xml runs this test in a JVM of its own.)
    int warm = 300;
    int window = 30;
    long least = Long.MAX_VALUE;
    long before = 0;
    for (int g = 0; g < 8 * plan.steps() && least >= vectorBytes / 8; g++) {
      if (g >= warm && (g - warm) % window == 0) {
        long now = threads.getThreadAllocatedBytes(thread);
        if (g > warm) {
          least = Math.min(least, (now - before) / window);
        }
        before = now;
      }
      int step = g % plan.steps();
      shard.gradients().apply(GradientTree.sum(plan.blocksIn(step), shard.nodes(step),
          shard.gradients().precision()));
    }
    assertTrue(least < vectorBytes / 8, "a step allocated at least " + least + " bytes; a gradient vector has "
        + vectorBytes);
  }
}
