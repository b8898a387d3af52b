package org.delta4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.delta4j.nn.Network;
import org.delta4j.train.EpochResult;
import org.delta4j.train.TrainingListener;

/**
 * Shows training as it happens: a progress bar per epoch with throughput, the running loss and the ETA, then a line
 * per epoch with training and validation loss and accuracy.
 */
final class ProgressReporter implements TrainingListener {
  private final PrintWriter out;
  private final java.io.PrintStream barStream;
  private int lastEpoch;
  private int batches;
  private ProgressBar bar;
  private long epochStart;
  private double lossSum;

  ProgressReporter(PrintWriter out, java.io.PrintStream barStream) {
    this.out = out;
    this.barStream = barStream;
  }

  @Override
  public void onTrainingStart(Network network, int firstEpoch, int lastEpoch, int batchesPerEpoch) {
    this.lastEpoch = lastEpoch;
    this.batches = batchesPerEpoch;
  }

  @Override
  public void onEpochStart(int epoch) {
    epochStart = System.nanoTime();
    lossSum = 0;
    bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, lastEpoch))
        .setInitialMax(batches).setStyle(ProgressBarStyle.ASCII).setUnit(" batches", 1).setUpdateIntervalMillis(250).setMaxRenderedLength(120)
        .setConsumer(new ConsoleProgressBarConsumer(barStream)).build();
  }

  @Override
  public void onBatchEnd(int epoch, int batch, double loss, long samplesSeen) {
    lossSum += loss;
    double seconds = (System.nanoTime() - epochStart) / 1e9;
    bar.stepTo(batch);
    bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f, %,.0f samples/s", lossSum / batch,
        samplesSeen / Math.max(seconds, 1e-9)));
  }

  @Override
  public void onEpochEnd(Network network, EpochResult r) {
    bar.close();
    out.println(line(r));
    out.flush();
  }

  static String line(EpochResult r) {
    String validation = Double.isNaN(r.validationLoss()) ? ""
        : String.format(Locale.ROOT, ", validation loss %.4f, accuracy %.4f", r.validationLoss(),
            r.validationAccuracy());
    return String.format(Locale.ROOT, "epoch %d: training loss %.4f, accuracy %.4f%s (%.1f s, learning rate %.2g)",
        r.epoch(), r.trainingLoss(), r.trainingAccuracy(), validation, r.seconds(), r.learningRate());
  }
}
