package org.delta4j.cli;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.delta4j.io.AtomicFiles;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.train.EpochResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG charts of a training run, drawn with XChart (headless) and written atomically. */
final class Charts {
  private Charts() {}

  /** Loss and accuracy per epoch, training and validation, one above the other. */
  static void learningCurves(List<EpochResult> history, Path png) throws IOException {
    XYChart loss = curves("Loss", "loss", history, true);
    XYChart accuracy = curves("Accuracy", "accuracy", history, false);
    BufferedImage top = BitmapEncoder.getBufferedImage(loss);
    BufferedImage bottom = BitmapEncoder.getBufferedImage(accuracy);
    BufferedImage both = new BufferedImage(top.getWidth(), top.getHeight() + bottom.getHeight(),
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = both.createGraphics();
    g.drawImage(top, 0, 0, null);
    g.drawImage(bottom, 0, top.getHeight(), null);
    g.dispose();
    write(both, png);
  }

  private static XYChart curves(String title, String axis, List<EpochResult> history, boolean lossCurves) {
    XYChart chart = new XYChartBuilder().width(800).height(360).title(title).xAxisTitle("epoch").yAxisTitle(axis)
        .build();
    List<Double> epochs = new ArrayList<>();
    List<Double> training = new ArrayList<>();
    List<Double> validation = new ArrayList<>();
    for (EpochResult r : history) {
      epochs.add((double) r.epoch());
      training.add(lossCurves ? r.trainingLoss() : r.trainingAccuracy());
      validation.add(lossCurves ? r.validationLoss() : r.validationAccuracy());
    }
    chart.addSeries("training", epochs, training).setMarker(SeriesMarkers.CIRCLE);
    if (validation.stream().noneMatch(v -> Double.isNaN(v))) {
      chart.addSeries("validation", epochs, validation).setMarker(SeriesMarkers.DIAMOND);
    }
    chart.getStyler().setYAxisDecimalPattern("#0.000");
    chart.getStyler().setXAxisDecimalPattern("#0");
    return chart;
  }

  /** The confusion matrix, counts and row-normalised shares side by side (see {@link ConfusionMatrixChart}). */
  static void confusionMatrix(ConfusionMatrix m, List<String> classNames, Path png) throws IOException {
    write(ConfusionMatrixChart.render(m, classNames), png);
  }

  private static void write(BufferedImage image, Path png) throws IOException {
    AtomicFiles.write(png, tmp -> {
      if (!ImageIO.write(image, "png", tmp.toFile())) {
        throw new IOException("no PNG writer in this JVM");
      }
    });
  }
}
