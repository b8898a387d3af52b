package org.delta4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.delta4j.data.Dataset;
import org.delta4j.io.SavedModel;
import org.delta4j.nn.Network;
import org.delta4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code delta4j predict}: a saved model's most probable class, with its probability, for test samples. */
@Command(name = "predict", mixinStandardHelpOptions = true,
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
    PrintWriter out = spec.commandLine().getOut();
    TrainCommand.checkRange("--count", count, 1, Integer.MAX_VALUE);
    SavedModel saved = model.load();
    Network net = saved.network();
    Dataset test = data.load(0, model.seed(), out).test();
    model.checkFits(net, test);
    int n = Math.min(count, test.size());
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    float[] x = new float[n * (int) test.featureShape().size()];
    float[] t = new float[n * (int) test.targetShape().size()];
    test.fill(order, 0, n, x, t);
    Tensor input = net.engine().zeros(net.dataType(), test.featureShape().withBatch(n));
    input.copyFrom(x);
    double[] p = net.probabilities(input).toDoubleArray();
    int classes = (int) net.outputShape().size();
    List<String> names = test.classNames();
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (p[i * classes + c] > p[i * classes + best]) {
          best = c;
        }
      }
      int actual = test.label(i);
      correct += best == actual ? 1 : 0;
      out.println(String.format(Locale.ROOT, "#%-5d predicted %-12s p=%.3f   actual %-12s %s", i, names.get(best),
          p[i * classes + best], names.get(actual), best == actual ? "" : "✗"));
    }
    out.println(String.format(Locale.ROOT, "%d of %d right", correct, n));
    out.flush();
    return 0;
  }
}
