package org.delta4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.delta4j.io.SavedModel;
import org.delta4j.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code delta4j evaluate}: a saved model's accuracy, per-class metrics and confusion matrix on a test set. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, version = Delta4jCommand.VERSION,
    description = "Evaluate a saved model on the test set (Fashion-MNIST's, or a CSV file's test part).")
final class EvaluateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  ModelOptions model;

  @Override
  public Integer call() throws IOException {
    Delta4jCommand.registerKinds();
    PrintWriter out = spec.commandLine().getOut();
    model.refuseUnread(data, spec.commandLine().getParseResult());
    SavedModel saved = model.load();
    DataOptions.Loaded loaded = model.testData(data, spec.commandLine().getParseResult(), out);
    model.checkFits(saved.network(), loaded.test());
    int epochs = saved.progress().completedEpochs();
    out.println("Model: " + model.model + ": " + saved.network().spec().summary() + ", trained " + epochs + " epoch"
        + (epochs == 1 ? "" : "s") + "; engine " + saved.network().engine().name());
    out.println("Data: " + loaded.description());
    Evaluation e = Evaluation.of(saved.network(), loaded.test(), TrainCommand.EVALUATION_BATCH);
    TestResults.report(e, loaded.test().classNames(), out, null);
    return 0;
  }
}
