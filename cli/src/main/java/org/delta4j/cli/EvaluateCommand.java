package org.delta4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.SavedModel;
import org.delta4j.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code delta4j evaluate}: a saved model's accuracy, per-class metrics and confusion matrix on a test set. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a saved model on the test set (Fashion-MNIST's, or a CSV file's test part).")
final class EvaluateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model saved by train.")
  Path model;

  @Option(names = "--engine", description = "Engine to use (default: the fastest available).")
  String engine;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the CSV test split (as used in training).")
  long seed;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    SavedModel saved = ModelFiles.load(model, Engines.get(engine));
    DataOptions.Loaded loaded = data.load(0, seed, out);
    out.println("Model: " + model + ": " + saved.network().spec().summary() + ", trained "
        + saved.progress().completedEpochs() + " epochs; engine " + saved.network().engine().name());
    out.println("Data: " + loaded.description());
    Evaluation e = Evaluation.of(saved.network(), loaded.test(), 1000);
    TestResults.report(e, loaded.test().classNames(), out, null);
    return 0;
  }
}
