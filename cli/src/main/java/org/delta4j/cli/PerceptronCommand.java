package org.delta4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.delta4j.perceptron.ConvergenceDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code delta4j perceptron}: the perceptron convergence theorem, demonstrated and checked (see ConvergenceDemo). */
@Command(name = "perceptron", mixinStandardHelpOptions = true, version = Delta4jCommand.VERSION,
    description = "Demonstrate the perceptron convergence theorem (mistakes ≤ R²/γ²): writes a table and a chart.")
final class PerceptronCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"--output", "-o"}, defaultValue = "runs/perceptron", paramLabel = "DIR",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--pairs", defaultValue = "45",
      description = "How many Fashion-MNIST class pairs to search, 0 to 45 (all 45 take a few minutes).")
  int pairs;

  @Mixin
  FashionMnistOptions fashionMnist;

  /**
   * Refuses --data and --download with --pairs 0, which searches no pair of Fashion-MNIST: they would go unread without
   * a word, as the other commands' options that would are refused.
   */
  private void refuseUnread() {
    if (pairs == 0 && (fashionMnist.directory != null || fashionMnist.download)) {
      String option = fashionMnist.directory != null ? "--data" : "--download";
      throw new IllegalArgumentException(option + (fashionMnist.directory != null ? " " + fashionMnist.directory : "")
          + " applies only to the Fashion-MNIST pairs, which --pairs 0 leaves out: give --pairs from 1 to 45, or "
          + "leave out " + option);
    }
  }

  @Override
  public Integer call() throws IOException {
    TrainCommand.checkRange("--pairs", pairs, 0, 45);
    java.io.PrintWriter out = spec.commandLine().getOut();
    try (OutputDirectory held = OutputDirectory.hold(output)) { // checked and held as a training run's is
      refuseUnread();
      ConvergenceDemo.run(held.path(), line -> {
        out.println(line);
        out.flush();
      }, pairs, fashionMnist.directory(out));
    }
    return 0;
  }
}
