package org.delta4j.engine;

/**
 * The cheap, always-loadable face of an engine, registered in
 * {@code META-INF/services/org.delta4j.engine.EngineProvider}. Constructing a provider must not touch native code:
 * the expensive work happens in {@link #create()}, which {@link Engines} calls at most once, lazily.
 */
public interface EngineProvider {
  /** The engine's name; unique among providers. */
  String name();

  /** Higher wins when no engine is named explicitly. The reference engine has priority 0. */
  int priority();

  /**
   * Builds the engine and proves it works (for a native engine: loads the library and creates an array). Throws
   * whatever stopped it; {@link Engines} keeps that as the reason the engine is unavailable.
   */
  Engine create() throws Exception;
}
