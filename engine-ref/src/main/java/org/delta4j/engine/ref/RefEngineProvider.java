package org.delta4j.engine.ref;

import org.delta4j.engine.Engine;
import org.delta4j.engine.EngineProvider;

/** Registers the reference engine (priority 0) with {@link org.delta4j.engine.Engines}. */
public final class RefEngineProvider implements EngineProvider {
  @Override
  public String name() {
    return RefEngine.NAME;
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public Engine create() {
    return new RefEngine();
  }
}
