package org.delta4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.delta4j.datasets.FashionMnist;
import picocli.CommandLine.Option;

/** Where Fashion-MNIST is found, and whether to download it: {@code --data DIR} and {@code --download}. */
final class FashionMnistOptions {
  @Option(names = "--data", paramLabel = "DIR", converter = Delta4jCommand.NamedPath.class,
      description = "Directory holding Fashion-MNIST's IDX files (default: $DELTA4J_DATA, then "
          + FashionMnist.SYSTEM_DIRECTORY + ", then ~/.cache/delta4j/fashion-mnist).")
  Path directory;

  @Option(names = "--download",
      description = "Download Fashion-MNIST first if it is not found: into --data DIR when given, else into "
          + "~/.cache/delta4j/fashion-mnist (needs the network).")
  boolean download;

  /** Where {@code --download} puts the files: the directory given, else the cache. */
  Path downloadDirectory() {
    return directory != null ? directory : FashionMnist.cacheDirectory();
  }

  /**
   * The directory the data is read from (null: found in the documented order), after downloading it when asked to and
   * it is not found.
   */
  Path directory(PrintWriter out) throws IOException {
    if (download) {
      try {
        FashionMnist.locate(directory);
      } catch (IOException missing) {
        out.println("Downloading Fashion-MNIST into " + downloadDirectory() + " ...");
        out.flush();
        try {
          FashionMnist.download(downloadDirectory());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("download interrupted", e);
        }
        return downloadDirectory();
      }
    }
    return directory;
  }
}
