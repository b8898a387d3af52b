package org.delta4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.delta4j.engine.EngineUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code delta4j} program: train, evaluate and use networks, and see the engines. */
@Command(name = "delta4j", mixinStandardHelpOptions = true, version = "Delta4j 0.1.0",
    description = "Deep learning in Java: train a network on real data, evaluate it, predict with it.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, EnginesCommand.class,
        PerceptronCommand.class})
public final class Delta4jCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "choose a command: train, evaluate, predict or engines (try --help)");
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line, with errors a user can act on (bad data, a missing file, an unavailable engine, an invalid
   * network) printed as one clear message and exit code 1, not as a stack trace.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Delta4jCommand());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
      if (cause instanceof IOException || cause instanceof IllegalArgumentException
          || cause instanceof EngineUnavailableException || cause instanceof ArithmeticException) {
        commandLine.getErr().println("error: " + describe(cause));
        commandLine.getErr().flush();
        return 1;
      }
      throw e;
    });
    return cl;
  }

  private static String describe(Throwable t) {
    if (t instanceof java.nio.file.NoSuchFileException n) {
      return n.getFile() + (n.getReason() != null ? ": " + n.getReason() : ": no such file");
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
