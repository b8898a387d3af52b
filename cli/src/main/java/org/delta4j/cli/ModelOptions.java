package org.delta4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.SavedModel;
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
}
