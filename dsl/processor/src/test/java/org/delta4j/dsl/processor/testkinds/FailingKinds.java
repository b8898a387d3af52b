package org.delta4j.dsl.processor.testkinds;

import org.delta4j.spec.KindProvider;

/** A kind provider that fails when it is loaded, as a broken library's would; registered only where a test says. */
public final class FailingKinds implements KindProvider {
  public FailingKinds() {
    throw new IllegalStateException("this provider is broken");
  }
}
