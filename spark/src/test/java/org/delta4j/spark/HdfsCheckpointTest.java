package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.SavedModel;
import org.delta4j.nn.Network;
import org.delta4j.tensor.DataType;
import org.delta4j.train.EpochResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints on {@code hdfs:}: the same FileSystem calls as on {@code file:}, against a real HDFS (a namenode and a
 * datanode in this JVM, Hadoop's MiniDFSCluster). Each epoch's checkpoint lands on HDFS under its final name with no
 * temporary or previous file left beside it, it reads back as the model file of the single-machine trainer, and 1
 * epoch, a checkpoint on HDFS and 1 more resumed from it end with the weights of 2 epochs bit for bit.
 */
class HdfsCheckpointTest {
  private static final LocalSpark.Data DATA = LocalSpark.data(203, 11);

  @TempDir
  static Path dir;

  private static MiniDFSCluster hdfs;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
  }

  @AfterAll
  static void stopHdfs() {
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  private static String onHdfs(String path) {
    return "hdfs://localhost:" + hdfs.getNameNodePort() + path;
  }

  private static SparkTrainer.Builder trainer(int epochs) {
    return SparkTrainer.builder().epochs(epochs).batchSize(16).workers(2).seed(5);
  }

  private static Network network() {
    return Network.create(LocalSpark.spec(), Engines.get("ref"), DataType.FLOAT64);
  }

  private static List<EpochResult> fit(SparkTrainer.Builder trainer, Network n) {
    return trainer.build().fit(n, DATA.frame(), "features", "label");
  }

  /** The checkpoint copied from HDFS to a local file and loaded as any model file is. */
  private static SavedModel load(String checkpoint, String name) throws Exception {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(checkpoint);
    Path local = dir.resolve(name);
    try (InputStream in = file.getFileSystem(hdfs.getConfiguration(0)).open(file)) {
      Files.copy(in, local);
    }
    return ModelFiles.load(local, Engines.get("ref"));
  }

  @Test
  void aRunResumedFromACheckpointOnHdfsEqualsTheUninterruptedRunBitForBit() throws Exception {
    Network straight = network();
    fit(trainer(2), straight);

    String checkpoint = onHdfs("/runs/a/checkpoint.safetensors");
    fit(trainer(1).checkpoint(checkpoint), network());
    SavedModel first = load(checkpoint, "first.safetensors");
    assertEquals(1, first.progress().completedEpochs());

    Network resumed = network();
    List<EpochResult> second = fit(trainer(2).resumeFrom(checkpoint).checkpoint(checkpoint), resumed);
    assertEquals(1, second.size());
    assertArrayEquals(BlockGradients.weights(straight), BlockGradients.weights(resumed));

    SavedModel after = load(checkpoint, "after.safetensors");
    assertEquals(2, after.progress().completedEpochs());
    assertArrayEquals(BlockGradients.weights(straight), BlockGradients.weights(after.network()));

    FileSystem fs = hdfs.getFileSystem();
    org.apache.hadoop.fs.FileStatus[] left = fs.listStatus(new org.apache.hadoop.fs.Path("/runs/a"));
    assertEquals(1, left.length, () -> "files left beside the checkpoint: " + java.util.Arrays.toString(left));
    assertEquals("checkpoint.safetensors", left[0].getPath().getName());
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path("/runs/a/checkpoint.safetensors.previous")));
    assertTrue(left[0].getLen() > 0);
  }
}
