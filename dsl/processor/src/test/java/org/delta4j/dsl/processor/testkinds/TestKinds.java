package org.delta4j.dsl.processor.testkinds;

import java.util.List;
import org.delta4j.spec.KindProvider;
import org.delta4j.spec.LayerKind;
import org.delta4j.spec.LossKind;
import org.delta4j.spec.OptimizerKind;
import org.delta4j.tensor.Shape;

/** Registers the kinds of this package, through {@code META-INF/services} on the test class path. */
public final class TestKinds implements KindProvider {
  @Override
  public List<LayerKind> layerKinds() {
    return List.of(new LayerKind(ScaleSpec.TYPE, ScaleSpec::read,
        new LayerKind.Example(new ScaleSpec(null, 2, 10), Shape.of(3))));
  }

  @Override
  public List<LossKind> lossKinds() {
    return List.of(new LossKind(BoundedSquaredErrorSpec.TYPE, BoundedSquaredErrorSpec::read,
        new BoundedSquaredErrorSpec(4)));
  }

  @Override
  public List<OptimizerKind> optimizerKinds() {
    return List.of(new OptimizerKind(ScaledSgdSpec.TYPE, ScaledSgdSpec::read,
        new ScaledSgdSpec(0.1, 0.5, 0, new org.delta4j.spec.LearningRateSchedule.Constant())));
  }
}
