package org.delta4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.delta4j.data.Dataset;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.SavedModel;
import org.delta4j.nn.Network;
import picocli.CommandLine.Option;

/** A saved model to use and the engine to run it on; shared by the commands that read a model. */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model saved by train.")
  Path model;

  @Option(names = "--engine", description = "Engine to use (default: the fastest available).")
  String engine;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the CSV test split (as used in training).")
  long seed;

  SavedModel load() throws IOException {
    return ModelFiles.load(model, Engines.get(engine));
  }

  /** Refuses data the model cannot read: samples of another shape, or another number of classes (both named). */
  void checkFits(Network network, Dataset data) {
    if (!network.spec().input().equals(data.featureShape())) {
      throw new IllegalArgumentException(model + " takes samples of shape " + network.spec().input()
          + " but the data's have shape " + data.featureShape());
    }
    long classes = network.outputShape().size();
    if (classes != data.numClasses()) {
      throw new IllegalArgumentException(model + " predicts " + classes + " classes but the data has "
          + data.numClasses() + " " + data.classNames() + "; use the data the model was trained on");
    }
  }
}
