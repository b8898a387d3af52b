package org.delta4j.train;

import org.delta4j.data.Dataset;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.nn.Network;
import org.delta4j.nn.Predictor;

/**
 * A network's loss and, for classification, its predictions and confusion matrix on a dataset, in inference mode.
 *
 * @param loss the mean loss over the samples
 * @param predictions the predicted class of each sample (empty for regression)
 * @param confusion the confusion matrix (null for regression)
 */
public record Evaluation(double loss, int[] predictions, ConfusionMatrix confusion) {
  /**
   * Evaluates in batches of {@code batchSize}, at most {@value Predictor#CHUNK}: a larger batch runs {@value
   * Predictor#CHUNK} rows at a time, so that the work tensors stay those of a batch that size and of the last one
   * however large the dataset and the batch asked for. The loss is Σ (batch mean × batch rows) / N over the batches
   * run, so its last bits depend on the batch size up to {@value Predictor#CHUNK} and not beyond.
   *
   * @throws ArithmeticException when the loss or an output is not finite in inference mode, naming the first layer
   *     that made NaN or ∞ (the classes of NaN outputs would all be the first, and the accuracy a figure of nothing)
   */
  public static Evaluation of(Network network, Dataset data, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    int batch = Math.min(batchSize, Predictor.CHUNK);
    if (network == null) {
      throw new IllegalArgumentException("the network to evaluate is null");
    }
    BatchLoader loader = new BatchLoader(data, network.inputShape(), network.outputShape(), network.engine(),
        network.dataType());
    BatchLoader.checkTargets(data, "the dataset", network.spec().loss());
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    boolean classes = data.isClassification();
    int[] predictions = new int[classes ? n : 0];
    int[] classesOf = new int[Math.min(batch, n)];
    ConfusionMatrix confusion = classes ? new ConfusionMatrix(data.numClasses()) : null;
    double lossSum = 0;
    for (int from = 0; from < n; from += batch) {
      int count = Math.min(batch, n - from);
      loader.load(order, from, count);
      // the classes from the same pass as the loss: a step of another thread could come between a read of output()
      lossSum += (classes ? network.loss(loader.input(), loader.targets(), classesOf)
          : network.loss(loader.input(), loader.targets())) * count;
      if (classes) {
        for (int i = 0; i < count; i++) {
          predictions[from + i] = classesOf[i];
          confusion.add(data.label(from + i), classesOf[i]);
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
