package org.delta4j.cli;

import java.util.concurrent.Callable;
import org.delta4j.engine.EngineUnavailableException;
import org.delta4j.engine.Engines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code delta4j engines}: every engine found, which one is selected and why, and why any is unavailable. */
@Command(name = "engines", mixinStandardHelpOptions = true, version = Delta4jCommand.VERSION,
    description = "List the engines found, which one is selected and why, and why any is unavailable.")
final class EnginesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--engine", description = "Show the selection as if this engine were asked for.")
  String engine;

  /** Prints the report; exits 1 when the engine asked for with --engine is not there to select. */
  @Override
  public Integer call() {
    Engines engines = Engines.defaults();
    spec.commandLine().getOut().print(engines.report(ModelOptions.engine(engine)));
    spec.commandLine().getOut().flush();
    if (engine == null) {
      return 0;
    }
    try {
      engines.selection(engine);
      return 0;
    } catch (EngineUnavailableException e) { // the report says why
      return 1;
    }
  }
}
