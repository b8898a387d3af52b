package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.delta4j.cli.library.LibraryKinds;
import org.delta4j.spec.KindProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library of kinds on the program's class path, as DELTA4J_CLASSPATH puts it there (EXTENDING.md, "Registering"):
 * spec files and saved models may use its kinds and --optimizer names its optimizer; a model that uses them, loaded
 * where the library is missing, is refused naming the kind and its provider; and a library that fails to load is one
 * line naming its provider, not a stack trace.
 */
class LibraryKindsTest {
  /** A class path entry whose services file registers {@code provider}: the library's jar, in effect. */
  private static Path library(Path dir, Class<? extends KindProvider> provider) throws IOException {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(services.resolve(KindProvider.class.getName()), provider.getName() + "\n");
    return dir;
  }

  record Result(int exitCode, String out, String err) {}

  private static Result run(List<Path> libraries, Path dir, String... args) throws Exception {
    Path errors = dir.resolve("errors-" + System.nanoTime() + ".txt");
    Process p = ProgramProcess.start(List.of(), libraries, errors, args);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the program did not finish");
    // the JVM's own notice of the Vector API's incubator module is no message of the program's
    String err = Files.readString(errors).lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
        .collect(Collectors.joining("\n"));
    return new Result(p.exitValue(), out, err);
  }

  @Test
  void aSpecFileAndOptimizerOfALibraryTrainAndItsModelNeedsTheLibraryToLoad(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    CommandsTest.writeFashionMnist(data, 300, 50);
    Path kinds = library(dir.resolve("kinds"), LibraryKinds.class);
    Path spec = Files.writeString(dir.resolve("net.json"), """
        {"input": [784],
         "layers": [{"type": "feature_scale", "name": "scale"}, {"type": "dense", "units": 10}],
         "loss": "softmax_cross_entropy"}
        """);
    Path out = dir.resolve("run");
    Result trained = run(List.of(kinds), dir, "train", "--data", data.toString(), "--spec", spec.toString(),
        "--optimizer", "SOFT_CLIPPED_DESCENT", "--learning-rate", "0.1", "--epochs", "1", "--batch-size", "30",
        "--engine", "ref", "--output", out.toString());
    assertEquals(0, trained.exitCode(), trained.err());
    String network = Files.readString(out.resolve("network.json"));
    assertTrue(network.contains("\"feature_scale\"") && network.contains("\"soft_clipped_descent\""), network);

    String model = out.resolve("model.safetensors").toString();
    Result evaluated = run(List.of(kinds), dir, "evaluate", "--data", data.toString(), "--model", model, "--engine",
        "ref");
    assertEquals(0, evaluated.exitCode(), evaluated.err());
    assertTrue(evaluated.out().contains("Test accuracy: "), evaluated.out());

    Result without = run(List.of(), dir, "evaluate", "--data", data.toString(), "--model", model, "--engine", "ref");
    assertEquals(1, without.exitCode(), without.err());
    assertTrue(without.err().startsWith("error: ") && without.err().contains("feature_scale")
        && without.err().contains(LibraryKinds.class.getName()), without.err());
  }

  /** Every epoch ends in a checkpoint: a description that cannot be saved is refused before the first epoch. */
  @Test
  void aNetworkWhoseDescriptionDoesNotReadBackIsRefusedBeforeTraining(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    CommandsTest.writeFashionMnist(data, 300, 50);
    Path kinds = library(dir.resolve("kinds"), LibraryKinds.class);
    Path spec = Files.writeString(dir.resolve("net.json"), """
        {"input": [784],
         "layers": [{"type": "forgetful_scale", "name": "half", "initial": 0.5}, {"type": "dense", "units": 10}],
         "loss": "softmax_cross_entropy"}
        """);
    Path out = dir.resolve("run");
    Result r = run(List.of(kinds), dir, "train", "--data", data.toString(), "--spec", spec.toString(), "--epochs",
        "1", "--engine", "ref", "--output", out.toString());
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("error: the network cannot be saved, so no run is started: ")
        && r.err().contains("forgetful_scale"), r.err());
    assertFalse(r.out().contains("epoch 1"), r.out());
    assertFalse(Files.exists(out.resolve("checkpoint.safetensors")));
  }

  @Test
  void aLibraryThatFailsToLoadIsOneLineNamingItsProvider(@TempDir Path dir) throws Exception {
    Path broken = library(dir.resolve("broken"), LibraryKinds.Broken.class);
    Result r = run(List.of(broken), dir, "train", "--epochs", "1", "--engine", "ref", "--output",
        dir.resolve("run").toString());
    assertEquals(1, r.exitCode(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: ") && r.err().contains(LibraryKinds.Broken.class.getName()), r.err());
    assertFalse(Files.exists(dir.resolve("run").resolve("model.safetensors")));
  }
}
