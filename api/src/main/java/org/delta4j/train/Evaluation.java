package org.delta4j.train;

import org.delta4j.data.Dataset;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.nn.Network;

/**
 * A network's loss and, for classification, its predictions and confusion matrix on a dataset, in inference mode.
 *
 * @param loss the mean loss over the samples
 * @param predictions the predicted class of each sample (empty for regression)
 * @param confusion the confusion matrix (null for regression)
 */
public record Evaluation(double loss, int[] predictions, ConfusionMatrix confusion) {
  /** Evaluates in batches of {@code batchSize}. */
  public static Evaluation of(Network network, Dataset data, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (network == null) {
      throw new IllegalArgumentException("the network to evaluate is null");
    }
    BatchLoader loader = new BatchLoader(data, network.inputShape(), network.outputShape(), network.engine(),
        network.dataType());
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    boolean classes = data.isClassification();
    int[] predictions = new int[classes ? n : 0];
    int[] batch = new int[Math.min(batchSize, n)];
    ConfusionMatrix confusion = classes ? new ConfusionMatrix(data.numClasses()) : null;
    double lossSum = 0;
    for (int from = 0; from < n; from += batchSize) {
      int count = Math.min(batchSize, n - from);
      loader.load(order, from, count);
      lossSum += network.loss(loader.input(), loader.targets()) * count;
      if (classes) {
        network.engine().kernels().argmaxRows(network.output(), batch);
        for (int i = 0; i < count; i++) {
          predictions[from + i] = batch[i];
          confusion.add(data.label(from + i), batch[i]);
        }
      }
    }
    return new Evaluation(lossSum / n, predictions, confusion);
  }

  /** Fraction of samples classified correctly; NaN for regression. */
  public double accuracy() {
    return confusion == null ? Double.NaN : confusion.accuracy();
  }
}
