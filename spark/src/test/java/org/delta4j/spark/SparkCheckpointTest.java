package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.SavedModel;
import org.delta4j.nn.Network;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.train.EpochResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SparkTrainer} writes a checkpoint through Hadoop's FileSystem at the end of every epoch, in the model file
 * format of the single-machine trainer, and a run resumed from it continues bit for bit: 1 epoch, a checkpoint and 1
 * more end with the weights of 2 epochs in one go. A resumed run with other settings is refused, naming the setting.
 */
class SparkCheckpointTest {
  private static final LocalSpark.Data DATA = LocalSpark.data(203, 11);

  @TempDir
  Path dir;

  private String checkpoint() {
    return "file:" + dir.toAbsolutePath() + "/run/checkpoint.safetensors";
  }

  private static SparkTrainer.Builder trainer(int epochs) {
    return SparkTrainer.builder().epochs(epochs).batchSize(16).workers(2).seed(5);
  }

  private static Network network(NetworkSpec spec) {
    return Network.create(spec, Engines.get("ref"), DataType.FLOAT64);
  }

  private static List<EpochResult> fit(SparkTrainer.Builder trainer, Network n) {
    return trainer.build().fit(n, DATA.frame(), "features", "label");
  }

  @Test
  void oneEpochACheckpointAndOneMoreEqualTwoEpochsBitForBit() throws Exception {
    Network straight = network(LocalSpark.spec());
    List<EpochResult> both = fit(trainer(2), straight);

    fit(trainer(1).checkpoint(checkpoint()), network(LocalSpark.spec()));
    SavedModel saved = ModelFiles.load(dir.resolve("run/checkpoint.safetensors"), Engines.get("ref"));
    assertEquals(1, saved.progress().completedEpochs());
    Network resumed = network(LocalSpark.spec());
    List<EpochResult> second = fit(trainer(2).resumeFrom(checkpoint()).checkpoint(checkpoint()), resumed);

    assertArrayEquals(BlockGradients.weights(straight), BlockGradients.weights(resumed));
    assertEquals(1, second.size());
    assertEquals(2, second.get(0).epoch());
    assertEquals(both.get(1).trainingLoss(), second.get(0).trainingLoss());
    SavedModel after = ModelFiles.load(dir.resolve("run/checkpoint.safetensors"), Engines.get("ref"));
    assertEquals(2, after.progress().completedEpochs());
    assertEquals(both.get(0).trainingLoss(), after.progress().history().get(0).trainingLoss());
    assertArrayEquals(BlockGradients.weights(straight), BlockGradients.weights(after.network()));
  }

  @Test
  void aResumedRunWithAnotherNetworkSeedOrBatchSizeIsRefusedNamingTheSetting() {
    fit(trainer(1).checkpoint(checkpoint()), network(LocalSpark.spec()));

    IllegalArgumentException seed = assertThrows(IllegalArgumentException.class,
        () -> fit(trainer(2).seed(6).resumeFrom(checkpoint()), network(LocalSpark.spec())));
    assertTrue(seed.getMessage().contains("its run used seed 5, this one seed 6"), seed.getMessage());

    IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
        () -> fit(trainer(2).batchSize(32).resumeFrom(checkpoint()), network(LocalSpark.spec())));
    assertTrue(batch.getMessage().contains("its run used batch size 16, this one batch size 32"), batch.getMessage());

    IllegalArgumentException net = assertThrows(IllegalArgumentException.class,
        () -> fit(trainer(2).resumeFrom(checkpoint()), network(LocalSpark.spec().withSeed(8))));
    assertTrue(net.getMessage().startsWith("cannot resume from " + checkpoint() + ": its run used network "),
        net.getMessage());
  }

  /**
   * The epochs' order, so the bits, follow each row's place in the data: a run resumed on fewer rows, or on the same
   * rows in another order, was neither the run not interrupted nor a new one, and went on without a word. Refused,
   * naming both; the same rows in the same order, in one partition now, resume.
   */
  @Test
  void aResumedRunOnOtherRowsOrTheSameInAnotherOrderIsRefused() {
    fit(trainer(1).checkpoint(checkpoint()), network(LocalSpark.spec()));
    Dataset<Row> all = DATA.frame();
    String settings = "cannot resume from " + checkpoint() + ": its run used data 203 rows, checksum ";
    for (Dataset<Row> other : List.of(all.limit(100), all.orderBy("label"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer(2)
          .resumeFrom(checkpoint()).build().fit(network(LocalSpark.spec()), other, "features", "label"));
      assertTrue(e.getMessage().startsWith(settings) && e.getMessage().contains(", this one data "),
          e.getMessage());
    }
    trainer(2).resumeFrom(checkpoint()).build().fit(network(LocalSpark.spec()), all.coalesce(1), "features",
        "label");
  }

  @Test
  void aCompletedRunAsksForMoreEpochs() {
    fit(trainer(1).checkpoint(checkpoint()), network(LocalSpark.spec()));
    IllegalArgumentException done = assertThrows(IllegalArgumentException.class,
        () -> fit(trainer(1).resumeFrom(checkpoint()), network(LocalSpark.spec())));
    assertTrue(done.getMessage().contains("has already completed 1 epochs, and this run asks for 1"),
        done.getMessage());
  }

  @Test
  void aCheckpointThatIsNoModelFileIsRefusedNamingIt() throws Exception {
    Path file = Files.createDirectories(dir.resolve("run")).resolve("checkpoint.safetensors");
    Files.write(file, new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}'}); // a safetensors header of 8 bytes, cut short
    java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
        () -> fit(trainer(2).resumeFrom(checkpoint()), network(LocalSpark.spec())));
    assertTrue(e.getMessage().contains(checkpoint()), e.getMessage());
    assertFalse(e.getMessage().contains("delta4j-model"), "names the temporary copy: " + e.getMessage());
  }

  @Test
  void aCheckpointPathThatIsADirectoryIsRefusedBeforeTraining() throws Exception {
    Path taken = Files.createDirectories(dir.resolve("run/checkpoint.safetensors"));
    Files.write(taken.resolve("data.csv"), new byte[] {9});
    List<EpochResult> told = new java.util.ArrayList<>();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fit(trainer(1).checkpoint(checkpoint()).listener(told::add), network(LocalSpark.spec())));
    assertTrue(e.getMessage().contains(checkpoint()) && e.getMessage().contains("is a directory"), e.getMessage());
    assertEquals(List.of(), told, "no epoch was trained");
    assertArrayEquals(new byte[] {9}, Files.readAllBytes(taken.resolve("data.csv")), "the directory is untouched");
  }

  /**
   * A run resumed on another number of workers, its blocks not given, takes the checkpoint's blocks (one per worker of
   * its run), which fix the arithmetic, and ends with the bits of the run not interrupted; blocks given otherwise are
   * refused naming both.
   */
  @Test
  void aRunResumedOnAnotherNumberOfWorkersKeepsItsBlocksAndItsBits() {
    Network straight = network(LocalSpark.spec());
    fit(trainer(2), straight); // 2 workers: 2 blocks a batch

    fit(trainer(1).checkpoint(checkpoint()), network(LocalSpark.spec()));
    Network resumed = network(LocalSpark.spec());
    fit(trainer(2).workers(1).resumeFrom(checkpoint()), resumed);
    assertArrayEquals(BlockGradients.weights(straight), BlockGradients.weights(resumed));

    IllegalArgumentException blocks = assertThrows(IllegalArgumentException.class,
        () -> fit(trainer(2).workers(1).blocks(1).resumeFrom(checkpoint()), network(LocalSpark.spec())));
    assertTrue(blocks.getMessage().contains("its run used blocks 2, this one blocks 1"), blocks.getMessage());
  }

  /** A checkpoint path under a file cannot be written: refused naming the file before any epoch, not after one. */
  @Test
  void aCheckpointPathUnderAFileIsRefusedBeforeTraining() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    String under = "file:" + file.toAbsolutePath() + "/run/checkpoint.safetensors";
    List<EpochResult> told = new java.util.ArrayList<>();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fit(trainer(1).checkpoint(under).listener(told::add), network(LocalSpark.spec())));
    assertEquals(under + " cannot be written: file:" + file.toAbsolutePath() + " is a file, not a directory",
        e.getMessage());
    assertEquals(List.of(), told, "no epoch was trained");
  }
}
