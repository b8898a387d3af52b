package org.delta4j.examples.custom;

import java.util.List;
import org.delta4j.spec.KindProvider;
import org.delta4j.spec.LayerKind;
import org.delta4j.spec.LossKind;
import org.delta4j.spec.OptimizerKind;
import org.delta4j.tensor.Shape;

/**
 * Registers this library's kinds, exactly as Delta4j registers its own: named in
 * {@code META-INF/services/org.delta4j.spec.KindProvider}, found with {@link java.util.ServiceLoader}.
 */
public final class ExampleKinds implements KindProvider {
  @Override
  public List<LayerKind> layerKinds() {
    return List.of(new LayerKind(LearnedSwish.TYPE, LearnedSwish::read,
            new LayerKind.Example(new LearnedSwish(null, 0.8), Shape.of(2, 3))),
        new LayerKind(GatedLinearUnit.TYPE, GatedLinearUnit::read,
            new LayerKind.Example(new GatedLinearUnit(null, 3), Shape.of(2, 3))),
        new LayerKind(ResidualMlp.TYPE, ResidualMlp::read, new LayerKind.Example(new ResidualMlp(null, 5), Shape.of(4))));
  }

  @Override
  public List<LossKind> lossKinds() {
    return List.of(new LossKind(Huber.TYPE, Huber::read, new Huber(0.3)),
        new LossKind(LabelSmoothing.TYPE, LabelSmoothing::read, new LabelSmoothing(0.2)));
  }

  @Override
  public List<OptimizerKind> optimizerKinds() {
    return List.of(new OptimizerKind(Lion.TYPE, Lion::read, new Lion(0.01)));
  }
}
