package org.delta4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.delta4j.data.Dataset;
import org.delta4j.io.SavedModel;
import org.delta4j.nn.Network;
import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code delta4j predict}: a saved model's most probable class, with its probability, for test samples. */
@Command(name = "predict", mixinStandardHelpOptions = true, version = Delta4jCommand.VERSION,
    description = "Predict the classes of the first test samples with a saved model.")
final class PredictCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  ModelOptions model;

  @Option(names = "--count", defaultValue = "10", description = "How many samples, at least 1 (default: "
      + "${DEFAULT-VALUE}; at most the test set's size).")
  int count;

  @Override
  public Integer call() throws IOException {
    Delta4jCommand.registerKinds();
    PrintWriter out = spec.commandLine().getOut();
    TrainCommand.checkRange("--count", count, 1, Integer.MAX_VALUE);
    model.refuseUnread(data, spec.commandLine().getParseResult());
    SavedModel saved = model.load();
    Network net = saved.network();
    Dataset test = model.testData(data, spec.commandLine().getParseResult(), out).test();
    model.checkFits(net, test);
    int n = Math.min(count, test.size());
    int classes = (int) net.outputShape().size();
    List<String> names = test.classNames();
    // a probability where the loss reads the outputs as such (after its softmax, or the network's), else the output
    LossSpec.Targets form = net.spec().loss().targets();
    String shown = form == LossSpec.Targets.CLASSES || form == LossSpec.Targets.BINARY ? "p" : "output";
    int[] best = new int[Math.min(TrainCommand.EVALUATION_BATCH, n)];
    int correct = 0;
    // In batches, as evaluate does: a whole test set at once would need the work tensors of that many samples.
    for (int from = 0; from < n; from += TrainCommand.EVALUATION_BATCH) {
      int rows = Math.min(TrainCommand.EVALUATION_BATCH, n - from);
      Tensor input = input(net, test, from, rows);
      net.predictClasses(input, best); // the class as evaluate and training take it: the argmax of the outputs
      double[] p = net.probabilities(input).toDoubleArray();
      for (int r = 0; r < rows; r++) {
        int i = from + r;
        int actual = test.label(i);
        correct += best[r] == actual ? 1 : 0;
        out.println(String.format(Locale.ROOT, "#%-5d predicted %-12s %s=%.3f   actual %-12s %s", i,
            names.get(best[r]), shown, p[r * classes + best[r]], names.get(actual), best[r] == actual ? "" : "✗"));
      }
    }
    out.println(String.format(Locale.ROOT, "%d of %d right", correct, n));
    out.flush();
    return 0;
  }

  /**
   * Samples {@code from .. from + rows} of {@code test} as a batch in the network's own input shape: flat samples of
   * as many values feed an image input, as in training.
   */
  private static Tensor input(Network net, Dataset test, int from, int rows) {
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = from + i;
    }
    float[] x = new float[rows * net.spec().input().intSize()];
    float[] t = new float[rows * (int) test.targetShape().size()];
    test.fill(order, 0, rows, x, t);
    Tensor input = net.engine().zeros(net.dataType(), net.spec().input().withBatch(rows));
    input.copyFrom(x);
    return input;
  }
}
