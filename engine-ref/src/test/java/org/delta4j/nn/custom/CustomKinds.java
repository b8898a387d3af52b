package org.delta4j.nn.custom;

import java.util.List;
import org.delta4j.spec.KindProvider;
import org.delta4j.spec.LayerKind;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossKind;
import org.delta4j.spec.OptimizerKind;
import org.delta4j.tensor.Shape;

/** Registers the kinds of this package, as a library outside {@code api} would (META-INF/services). */
public final class CustomKinds implements KindProvider {
  @Override
  public List<LayerKind> layerKinds() {
    return List.of(new LayerKind(LearnedScale.TYPE, LearnedScale::read,
        new LayerKind.Example(new LearnedScale(null, 0.7), Shape.of(3))),
        new LayerKind(GainTanh.TYPE, GainTanh::read, new LayerKind.Example(new GainTanh(null), Shape.of(2, 3))));
  }

  @Override
  public List<LossKind> lossKinds() {
    return List.of(new LossKind(WeightedMse.TYPE, WeightedMse::read, new WeightedMse(2)));
  }

  @Override
  public List<OptimizerKind> optimizerKinds() {
    return List.of(new OptimizerKind(AveragedSgd.TYPE, AveragedSgd::read,
        new AveragedSgd(0.05, 0.5, 0, new LearningRateSchedule.Constant())));
  }
}
