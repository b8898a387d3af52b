package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
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
  private static final StepPlan PLAN = new StepPlan(101, 32, 4, 1, 5, true);

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
    FixedOrderSgd.train(one, DATA.features(), DATA.labels(), PLAN, 1);

    // two workers in one process: worker 0 computes blocks 0 and 1 of each batch, worker 1 blocks 2 and 3
    Network[] workers = {network(), network()};
    BlockGradients[] gradients = {new BlockGradients(workers[0]), new BlockGradients(workers[1])};
    int[] order = PLAN.order(1);
    BlockGradients.Rows rows = new BlockGradients.Rows() {
      @Override
      public void features(int p, double[] into, int at) {
        System.arraycopy(DATA.features()[order[p]], 0, into, at, 6);
      }

      @Override
      public int label(int p) {
        return DATA.labels()[order[p]];
      }
    };
    for (int step = 0; step < PLAN.steps(); step++) {
      int blocks = PLAN.blocksIn(step);
      List<GradientTree.Node> nodes = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int from = Math.min(2 * w, blocks);
        int to = Math.min(2 * w + 2, blocks);
        double[][] leaves = new double[to - from][];
        for (int k = from; k < to; k++) {
          leaves[k - from] = gradients[w].leaf(rows, step * PLAN.batchSize() + PLAN.blockStart(k),
              PLAN.blockRows(step, k), PLAN.blockStart(k), (double) PLAN.blockRows(step, k) / PLAN.rows(step),
              new double[gradients[w].vectorLength()]);
        }
        int first = from;
        nodes.addAll(GradientTree.cover(from, to, blocks, k -> leaves[k - first], gradients[w].precision()));
      }
      double[] total = GradientTree.sum(blocks, nodes, gradients[0].precision());
      gradients[0].apply(total.clone());
      gradients[1].apply(total);
    }
    for (Network w : workers) {
      assertArrayEquals(BlockGradients.weights(one), BlockGradients.weights(w));
      assertArrayEquals(buffers(one), buffers(w));
    }
    assertArrayEquals(new double[] {PLAN.steps()}, buffers(one), "one pass a step: block 0's");
  }

  private static double[] buffers(Network n) {
    return n.buffers().values().stream().map(Tensor::toDoubleArray).flatMapToDouble(Arrays::stream).toArray();
  }
}
