package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import org.delta4j.engine.Engines;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockGradients}' contract for buffers, for any layer: every block's forward pass starts from the buffers of
 * the step's start, so blocks split between workers compute what one machine computing them in turn computes, even
 * for a layer whose training-mode output reads its buffer, and every worker ends the step with block 0's buffers.
 */
class BlockBuffersTest {
  private static final LocalSpark.Data DATA = LocalSpark.data(101, 17);

  /** y = x + p, where the buffer p counts the training passes: an output that depends on the buffer. */
  record PassShift(String name) implements LayerSpec {
    @Override
    public String type() {
      return "pass_shift";
    }

    @Override
    public PassShift withName(String name) {
      return new PassShift(name);
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public List<ParameterSpec> buffers(Shape input) {
      return List.of(ParameterSpec.of("passes", Shape.of(1), Initializer.zeros()));
    }

    @Override
    public void writeFields(FieldWriter out) {}

    @Override
    public Layer build(LayerContext c) {
      Tensor passes = c.buffer("passes");
      BatchTensors outputs = new BatchTensors(c.engine(), c.dataType(), c.inputShape());
      return new Layer() {
        public String name() {
          return c.name();
        }

        public Shape inputShape() {
          return c.inputShape();
        }

        public Shape outputShape() {
          return c.inputShape();
        }

        public Tensor forward(Tensor x, Mode mode) {
          Tensor y = outputs.get(x.shape().dim(0));
          c.kernels().affine(x, 1, passes.getDouble(0), y);
          if (mode.training()) {
            c.kernels().fill(passes, passes.getDouble(0) + 1);
          }
          return y;
        }

        public Tensor backward(Tensor dy, boolean needInputGradient) {
          return needInputGradient ? dy : null;
        }

        public List<Parameter> parameters() {
          return List.of();
        }
      };
    }
  }

  private static Network network() {
    NetworkSpec spec = NetworkSpec.builder().input(6).dense(8).layer(new PassShift(null)).relu().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(7).build();
    return Network.create(spec, Engines.get("ref"), DataType.FLOAT64);
  }

  @Test
  void blocksSplitBetweenWorkersComputeTheBitsOfOneMachine() {
    Network one = network();
    FixedOrderSgd.train(one, DATA.features(), DATA.labels(), new StepPlan(101, 32, 4, 1, 5, true), 1);

    // two workers' shards in one process, on a plan of the same blocks: worker 0 holds blocks 0 and 1 of each batch,
    // worker 1 blocks 2 and 3; every step sums their nodes and both apply the sum
    StepPlan plan = new StepPlan(101, 32, 4, 2, 5, true);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      samples.add(new Sample(i, DATA.features()[i], DATA.labels()[i]));
    }
    PackedRows.Index all = PackedRows.index(PackedRows.toEveryWorker(samples.iterator(), 1), 101);
    WorkerShard[] workers = {WorkerShard.select(plan, 1, 0, all, network()),
        WorkerShard.select(plan, 1, 1, all, network())};
    for (int step = 0; step < plan.steps(); step++) {
      List<GradientTree.Node> nodes = new ArrayList<>(workers[0].nodes(step));
      nodes.addAll(workers[1].nodes(step));
      double[] total = GradientTree.sum(plan.blocksIn(step), nodes, workers[0].gradients().precision());
      workers[0].gradients().apply(total.clone());
      workers[1].gradients().apply(total);
    }
    for (WorkerShard w : workers) {
      assertArrayEquals(BlockGradients.weights(one), BlockGradients.weights(w.gradients().network()));
      assertArrayEquals(LocalSpark.buffers(one), LocalSpark.buffers(w.gradients().network()));
    }
    assertArrayEquals(new double[] {plan.steps()}, LocalSpark.buffers(one), "one pass a step: block 0's");
  }
}
