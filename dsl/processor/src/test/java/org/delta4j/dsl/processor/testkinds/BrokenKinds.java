package org.delta4j.dsl.processor.testkinds;

import java.util.List;
import org.delta4j.spec.KindProvider;
import org.delta4j.spec.LayerKind;
import org.delta4j.tensor.Shape;

/**
 * Registers a layer kind whose own code fails as a broken library's would (see {@link BrokenSpec}); registered only
 * where a test says.
 */
public final class BrokenKinds implements KindProvider {
  @Override
  public List<LayerKind> layerKinds() {
    return List.of(new LayerKind(BrokenSpec.TYPE, BrokenSpec::read,
        new LayerKind.Example(new BrokenSpec(null, ""), Shape.of(3))));
  }
}
