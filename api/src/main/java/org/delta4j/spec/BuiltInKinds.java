package org.delta4j.spec;

import java.util.ArrayList;
import java.util.List;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.tensor.Shape;

/** The kinds Delta4j ships, registered through the same {@link KindProvider} door as anyone else's. */
public final class BuiltInKinds implements KindProvider {
  @Override
  public List<LayerKind> layerKinds() {
    List<LayerKind> kinds = new ArrayList<>();
    kinds.add(new LayerKind(LayerSpec.Dense.TYPE, LayerSpec.Dense::read,
        new LayerKind.Example(new LayerSpec.Dense(3), Shape.of(4))));
    for (ActivationFunction f : ActivationFunction.values()) {
      kinds.add(new LayerKind(f.label(), fields -> LayerSpec.Activation.read(f, fields),
          new LayerKind.Example(new LayerSpec.Activation(f), Shape.of(5))));
    }
    kinds.add(new LayerKind(LayerSpec.Dropout.TYPE, LayerSpec.Dropout::read,
        new LayerKind.Example(new LayerSpec.Dropout(0.5), Shape.of(6))));
    kinds.add(new LayerKind(BlockSpec.TYPE, BlockSpec::read, new LayerKind.Example(exampleBlock(), Shape.of(4))));
    return kinds;
  }

  /** tanh(W₂·[relu(W₁x + b₁), x] + b₂ + x): a skip connection, a merge by concatenation, the input used thrice. */
  private static BlockSpec exampleBlock() {
    return new BlockSpec(
        BlockSpec.Node.of(new LayerSpec.Dense(3), BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU), "dense1"),
        BlockSpec.Node.concat(new LayerSpec.Dense(4), "relu1", BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.TANH), "dense2", BlockSpec.INPUT));
  }

  @Override
  public List<LossKind> lossKinds() {
    List<LossKind> kinds = new ArrayList<>();
    for (LossFunction f : LossFunction.values()) {
      kinds.add(new LossKind(f.type(), fields -> f, f));
    }
    return kinds;
  }

  @Override
  public List<OptimizerKind> optimizerKinds() {
    return List.of(
        new OptimizerKind(OptimizerSpec.Sgd.TYPE, OptimizerSpec.Sgd::read, new OptimizerSpec.Sgd(0.1)),
        new OptimizerKind(OptimizerSpec.Momentum.TYPE, OptimizerSpec.Momentum::read,
            new OptimizerSpec.Momentum(0.05, 0.9)),
        new OptimizerKind(OptimizerSpec.Nesterov.TYPE, OptimizerSpec.Nesterov::read,
            new OptimizerSpec.Nesterov(0.05, 0.9)),
        new OptimizerKind(OptimizerSpec.AdaGrad.TYPE, OptimizerSpec.AdaGrad::read, new OptimizerSpec.AdaGrad(0.1)),
        new OptimizerKind(OptimizerSpec.RmsProp.TYPE, OptimizerSpec.RmsProp::read, new OptimizerSpec.RmsProp(0.01)),
        new OptimizerKind(OptimizerSpec.Adam.TYPE, OptimizerSpec.Adam::read, new OptimizerSpec.Adam(0.01)),
        new OptimizerKind(OptimizerSpec.AdamW.TYPE, OptimizerSpec.AdamW::read, new OptimizerSpec.AdamW(0.01, 0.1)));
  }
}
