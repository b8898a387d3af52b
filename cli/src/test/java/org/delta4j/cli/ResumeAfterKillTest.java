package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.SavedModel;
import org.delta4j.nn.Network;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training process killed with SIGKILL mid-run and resumed with nothing but {@code --resume --output} ends with
 * weights and optimizer state bit-identical to a run that was never interrupted — in the run's own data type, seed,
 * batch size and validation split, on each engine.
 */
class ResumeAfterKillTest {
  @TempDir
  static Path data;

  @BeforeAll
  static void writeData() throws IOException {
    CommandsTest.writeFashionMnist(data, 1_000, 100);
  }

  private static String[] options(String engine, Path out) {
    return new String[] {"train", "--data", data.toString(), "--engine", engine, "--epochs", "8", "--batch-size",
        "64", "--seed", "11", "--dtype", "FLOAT64", "--validation-fraction", "0.25", "--optimizer", "adamw",
        "--output", out.toString()};
  }

  private static int finish(Process p) throws Exception {
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the program did not finish");
    return p.exitValue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ref", "nd4j"})
  void aKilledRunResumesToTheWeightsOfAnUninterruptedOne(String engine, @TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Engines.defaults().statuses().stream()
        .anyMatch(s -> s.name().equals(engine) && s.available()), "the " + engine + " engine is not available here");
    Path errors = dir.resolve("errors.txt");
    Path straight = dir.resolve("straight");
    Path killed = dir.resolve("killed");

    Process uninterrupted = ProgramProcess.start(List.of(), errors, options(engine, straight));
    assertEquals(0, finish(uninterrupted), () -> read(errors));

    Process victim = ProgramProcess.start(List.of(), errors, options(engine, killed));
    String seen = "";
    try (BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        seen += line + "\n";
        if (line.startsWith("epoch 2:")) {
          victim.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing, the checkpoint as the kill found it
          break;
        }
      }
    }
    assertTrue(victim.waitFor(1, TimeUnit.MINUTES));
    assertTrue(victim.exitValue() != 0, "the process was killed mid-run:\n" + seen);
    assertTrue(Files.notExists(killed.resolve("model.safetensors")), "killed before the end");
    int done = ModelFiles.load(killed.resolve("checkpoint.safetensors"), Engines.get("ref")).progress()
        .completedEpochs();
    assertTrue(done >= 1 && done < 8, "the checkpoint of epoch " + done);

    Process resumed = ProgramProcess.start(List.of(), errors, "train", "--resume", "--output", killed.toString());
    assertEquals(0, finish(resumed), () -> read(errors));

    SavedModel a = ModelFiles.load(straight.resolve("model.safetensors"), Engines.get("ref"));
    SavedModel b = ModelFiles.load(killed.resolve("model.safetensors"), Engines.get("ref"));
    assertEquals(DataType.FLOAT64, b.network().dataType(), "the run's own data type");
    assertEquals(8, b.progress().history().size());
    assertEquals(a.network().spec(), b.network().spec());
    assertBitIdentical(a.network(), b.network());
  }

  private static void assertBitIdentical(Network a, Network b) {
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(a.parameters().get(i).value().toDoubleArray(), b.parameters().get(i).value().toDoubleArray(),
          a.parameters().get(i).name());
    }
    a.optimizer().state().forEach((name, t) -> assertArrayEquals(t.toDoubleArray(),
        b.optimizer().state().get(name).toDoubleArray(), name));
    assertEquals(a.optimizer().iterations(), b.optimizer().iterations());
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
