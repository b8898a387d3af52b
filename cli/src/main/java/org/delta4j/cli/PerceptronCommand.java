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

  @Override
  public Integer call() throws IOException {
    TrainCommand.checkRange("--pairs", pairs, 0, 45);
    java.io.PrintWriter out = spec.commandLine().getOut();
    try (OutputDirectory held = OutputDirectory.hold(output)) { // checked and held as a training run's is
      ConvergenceDemo.run(held.path(), line -> {
        out.println(line);
        out.flush();
      }, pairs, pairs == 0 ? fashionMnist.directory : fashionMnist.directory(out));
    }
    return 0;
  }
}
