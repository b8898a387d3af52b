package org.delta4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.delta4j.data.Dataset;
import org.delta4j.engine.Kernels;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.Tensor;

/**
 * Trains a {@link Network} on a {@link Dataset} in minibatches over epochs. Epoch e visits the samples in an order
 * shuffled from (seed, e) alone, so a run resumed at epoch e from a checkpoint of epoch e − 1 repeats the
 * uninterrupted run exactly. After each epoch it evaluates on the validation data (when given), records an {@link
 * EpochResult}, tells the listeners, and applies early stopping. A resumed run with early stopping takes the earlier
 * epochs' results ({@link Builder#history}), and, when the best of them is not the last, the best epoch's model
 * ({@link Builder#bestModel}), so that it stops where the uninterrupted run stops and restores what it restores.
 * Immutable and reusable; one {@code fit} at a time per network.
 */
public final class Trainer {
  private final int epochs;
  private final int batchSize;
  private final long seed;
  private final boolean shuffle;
  private final Dataset validation;
  private final EarlyStopping earlyStopping;
  private final List<TrainingListener> listeners;
  private final int firstEpoch;
  private final List<EpochResult> earlier;
  private final Network bestModel;

  private Trainer(Builder b) {
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
    this.shuffle = b.shuffle;
    this.validation = b.validation;
    this.earlyStopping = b.earlyStopping;
    this.listeners = List.copyOf(b.listeners);
    this.firstEpoch = b.firstEpoch;
    this.earlier = List.copyOf(b.earlier);
    this.bestModel = b.bestModel;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains {@code network} on {@code data} and returns the history of the epochs run. Data whose targets the network's
   * loss would not read as meant ({@link org.delta4j.spec.LossSpec.Targets#admits}) is refused before any step.
   *
   * @throws ArithmeticException when a batch's loss is not finite ({@link Network#trainStep}): the run stops there,
   *     the network keeping the weights before that batch, or, with early stopping that restores the best, the best
   *     epoch's weights and buffers, put back as at the end of a run (the same goes for a listener's exception)
   */
  public History fit(Network network, Dataset data) {
    if (network == null) {
      throw new IllegalArgumentException("the network to train is null");
    }
    if (earlyStopping != null && earlyStopping.metric().needsValidation() && validation == null) {
      throw new IllegalArgumentException("early stopping monitors " + earlyStopping.metric()
          + " but no validation data was given");
    }
    BatchLoader loader = new BatchLoader(data, network.inputShape(), network.outputShape(), network.engine(),
        network.dataType());
    BatchLoader.checkTargets(data, "the dataset", network.spec().loss());
    if (validation != null) { // checked now, not after an epoch of training
      BatchLoader.check(validation, "the validation data", network.inputShape(), network.outputShape());
      BatchLoader.checkTargets(validation, "the validation data", network.spec().loss());
    }
    if (earlyStopping != null && earlyStopping.metric().higherIsBetter()) {
      Dataset measured = earlyStopping.metric().needsValidation() ? validation : data;
      if (!measured.isClassification()) {
        // its accuracy would be NaN every epoch, never an improvement: training would stop after the patience
        throw new IllegalArgumentException("early stopping monitors " + earlyStopping.metric() + ", but the "
            + (measured == data ? "training" : "validation") + " data has no classes (targets of shape "
            + measured.targetShape() + "): monitor a loss");
      }
    }
    int n = data.size();
    int batches = (int) ((n + (long) batchSize - 1) / batchSize); // in long: a batch size near 2³¹ would wrap
    int[] order = new int[n];
    int[] predicted = new int[Math.min(batchSize, n)];
    List<EpochResult> results = new ArrayList<>();
    for (TrainingListener l : listeners) {
      l.onTrainingStart(network, firstEpoch, epochs, batches);
    }
    // Early stopping's state as the uninterrupted run had it after epoch firstEpoch − 1: the earlier results replayed
    EarlyStopping.Progress stopping = earlyStopping == null ? null : earlyStopping.progress(earlier);
    int bestEpoch = firstEpoch - 1;
    boolean stopped = false;
    List<Tensor> bestWeights = stopping == null ? null : earlierBest(network, stopping.bestEpoch);
    try {
      // the loop ends after epoch `epochs` even where that is Integer.MAX_VALUE, past which epoch++ wraps round
      for (int epoch = firstEpoch; epoch <= epochs && epoch >= firstEpoch; epoch++) {
        long start = System.nanoTime();
        for (TrainingListener l : listeners) {
          l.onEpochStart(epoch);
        }
        epochOrder(order, seed, epoch, shuffle);
        double rate = network.optimizer().currentLearningRate();
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        for (int b = 0; b < batches; b++) {
          int from = b * batchSize;
          int count = Math.min(batchSize, n - from);
          loader.load(order, from, count);
          boolean classes = data.isClassification(); // the step's classes with it, before another thread's step
          double loss = classes ? network.trainStep(loader.input(), loader.targets(), predicted)
              : network.trainStep(loader.input(), loader.targets());
          lossSum += loss * count;
          if (classes) {
            for (int i = 0; i < count; i++) {
              if (predicted[i] == data.label(order[from + i])) {
                correct++;
              }
            }
          }
          seen += count;
          for (TrainingListener l : listeners) {
            l.onBatchEnd(epoch, b + 1, loss, seen);
          }
        }
        double valLoss = Double.NaN;
        double valAccuracy = Double.NaN;
        if (validation != null) {
          Evaluation e = Evaluation.of(network, validation, Math.max(batchSize, 256));
          valLoss = e.loss();
          valAccuracy = e.accuracy();
        }
        EpochResult r = new EpochResult(epoch, lossSum / n, data.isClassification() ? (double) correct / n : Double.NaN,
            valLoss, valAccuracy, rate, (System.nanoTime() - start) / 1e9);
        results.add(r);
        if (stopping != null) {
          if (stopping.record(r) && earlyStopping.restoreBest()) {
            bestWeights = snapshot(network, bestWeights);
          }
          stopped = stopping.exhausted();
        } else {
          bestEpoch = epoch;
        }
        for (TrainingListener l : listeners) {
          l.onEpochEnd(network, r);
        }
        if (stopped) {
          break;
        }
      }
    } catch (RuntimeException e) {
      // a run stopped by a loss that is not finite (or a listener) keeps the best epoch's weights it was asked to
      // restore: they are held only here, and the network has those of the batch that failed
      if (earlyStopping != null && earlyStopping.restoreBest() && bestWeights != null) {
        try {
          restore(network, bestWeights);
        } catch (RuntimeException r) { // such as the network's refusal of a change while in use: e says why first
          e.addSuppressed(r);
        }
      }
      throw e;
    }
    if (earlyStopping != null && earlyStopping.restoreBest() && bestWeights != null) {
      restore(network, bestWeights);
    }
    History history = new History(results, stopped, stopping != null ? stopping.bestEpoch : bestEpoch);
    for (TrainingListener l : listeners) {
      l.onTrainingEnd(network, history);
    }
    return history;
  }

  /**
   * The model of the best epoch before this run's first, which early stopping restores if no later epoch improves on
   * it: the network's own when that epoch is the last before the first (the checkpoint it resumes from), else the
   * {@link Builder#bestModel} given; null when nothing is to be restored.
   */
  private List<Tensor> earlierBest(Network network, int bestEpoch) {
    if (!earlyStopping.restoreBest() || bestEpoch < 1 || bestEpoch >= firstEpoch) {
      return null;
    }
    if (bestModel == null) {
      if (bestEpoch < firstEpoch - 1) {
        throw new IllegalArgumentException("early stopping restores the best epoch's weights, and the best epoch "
            + "before epoch " + firstEpoch + " is " + bestEpoch + ", whose weights the network resumed from epoch "
            + (firstEpoch - 1) + " no longer holds: give them with bestModel (a model saved at epoch " + bestEpoch
            + ", see EarlyStopping.bestEpoch), or resume without restoring the best");
      }
      return snapshot(network, null);
    }
    List<String> mine = model(network).stream().map(t -> t.shape().toString()).toList();
    List<String> theirs = model(bestModel).stream().map(t -> t.shape().toString()).toList();
    if (!mine.equals(theirs) || bestModel.dataType() != network.dataType() || bestModel.engine() != network.engine()) {
      throw new IllegalArgumentException("the best model given (" + bestModel.spec().summary() + ", "
          + bestModel.dataType() + " on " + bestModel.engine().name() + ") is not a model of the network trained ("
          + network.spec().summary() + ", " + network.dataType() + " on " + network.engine().name() + ")");
    }
    return snapshot(bestModel, null);
  }

  /**
   * Fills {@code order} with epoch {@code epoch}'s visiting order of {@code order.length} samples: 0, 1, 2, … shuffled
   * from (seed, epoch) alone when {@code shuffle}, in order otherwise.
   */
  public static void epochOrder(int[] order, long seed, int epoch, boolean shuffle) {
    Objects.requireNonNull(order, "order is null");
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplitMix64.forStream(seed, epoch).shuffle(order);
    }
  }

  /**
   * Copies the model as inference reads it into {@code into} (made on first use): the parameters, and the buffers
   * (batch norm's running statistics), without which the best epoch's weights would run on the last epoch's
   * statistics, a model no epoch had.
   */
  private static List<Tensor> snapshot(Network network, List<Tensor> into) {
    Kernels k = network.engine().kernels();
    List<Tensor> model = model(network);
    List<Tensor> out = into;
    if (out == null) {
      out = new ArrayList<>(model.size());
      for (Tensor t : model) {
        out.add(network.engine().zeros(t.dataType(), t.shape()));
      }
    }
    for (int i = 0; i < model.size(); i++) {
      k.copy(model.get(i), out.get(i));
    }
    return out;
  }

  private static void restore(Network network, List<Tensor> snapshot) {
    Kernels k = network.engine().kernels();
    List<Tensor> model = model(network);
    network.changeModel(() -> { // one change for the predictor, not a layer at a time
      for (int i = 0; i < model.size(); i++) {
        k.copy(snapshot.get(i), model.get(i));
      }
    });
  }

  /** The parameters' values, then the buffers, in the network's order. */
  private static List<Tensor> model(Network network) {
    List<Tensor> model = new ArrayList<>();
    for (Parameter p : network.parameters()) {
      model.add(p.value());
    }
    model.addAll(network.buffers().values());
    return model;
  }

  /** Configures a {@link Trainer}. Defaults: 10 epochs, batches of 32, seed 42, shuffled, no validation. */
  public static final class Builder {
    private int epochs = 10;
    private int batchSize = 32;
    private long seed = 42;
    private boolean shuffle = true;
    private Dataset validation;
    private EarlyStopping earlyStopping;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private int firstEpoch = 1;
    private List<EpochResult> earlier = List.of();
    private Network bestModel;

    private Builder() {}

    /** The number of the last epoch to run (epochs count from 1). */
    public Builder epochs(int epochs) {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
      }
      this.epochs = epochs;
      return this;
    }

    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** The seed of the per-epoch shuffles. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Whether to shuffle each epoch (default true); false visits the samples in order, as the perceptron does. */
    public Builder shuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    public Builder validation(Dataset validation) {
      this.validation = validation;
      return this;
    }

    public Builder earlyStopping(EarlyStopping earlyStopping) {
      this.earlyStopping = earlyStopping;
      return this;
    }

    public Builder listener(TrainingListener listener) {
      listeners.add(Objects.requireNonNull(listener, "the listener is null"));
      return this;
    }

    /**
     * Resumes at epoch {@code firstEpoch} (default 1). With the network and optimizer restored from the checkpoint of
     * epoch {@code firstEpoch − 1}, the run ends with the same weights as one that was never interrupted.
     */
    public Builder firstEpoch(int firstEpoch) {
      if (firstEpoch < 1) {
        throw new IllegalArgumentException("the first epoch is numbered 1 or more, got " + firstEpoch);
      }
      this.firstEpoch = firstEpoch;
      return this;
    }

    /**
     * The results of the epochs before {@link #firstEpoch}, epochs 1, 2, … in order (a checkpoint's history). Early
     * stopping needs them on a resumed run: its best value, best epoch and the epochs since are those of the whole
     * run, and without them a resumed run would count its patience afresh and stop at another epoch.
     */
    public Builder history(List<EpochResult> earlier) {
      if (earlier == null) {
        throw new IllegalArgumentException("the history is null; give an empty list for none");
      }
      for (int i = 0; i < earlier.size(); i++) {
        if (earlier.get(i) == null || earlier.get(i).epoch() != i + 1) {
          throw new IllegalArgumentException("the history's entry " + i + " should be epoch " + (i + 1) + ", got "
              + (earlier.get(i) == null ? "null" : "epoch " + earlier.get(i).epoch()));
        }
      }
      this.earlier = List.copyOf(earlier);
      return this;
    }

    /**
     * The model of the best epoch of the {@link #history} (by {@link EarlyStopping#bestEpoch}), for early stopping
     * that restores the best weights when that epoch is not the last before {@link #firstEpoch}: the weights and
     * buffers are copied from it when training starts.
     */
    public Builder bestModel(Network bestModel) {
      this.bestModel = bestModel;
      return this;
    }

    public Trainer build() {
      if (firstEpoch > epochs) {
        throw new IllegalArgumentException("first epoch " + firstEpoch + " is past the last epoch " + epochs
            + ": training is already complete");
      }
      if (earlyStopping != null && earlier.size() != firstEpoch - 1) {
        throw new IllegalArgumentException("early stopping resumed at epoch " + firstEpoch + " needs the results of "
            + "the " + (firstEpoch - 1) + " epochs before it (history), got " + earlier.size() + ": without them it "
            + "would count its patience afresh and stop at another epoch than the run it resumes");
      }
      if (earlyStopping != null && earlyStopping.progress(earlier).exhausted()) {
        throw new IllegalArgumentException("early stopping already ended this run at epoch " + earlier.size()
            + ": " + earlyStopping.metric() + " has not improved for " + earlyStopping.patience() + " epochs since "
            + "epoch " + earlyStopping.bestEpoch(earlier) + "; training is complete");
      }
      return new Trainer(this);
    }
  }
}
