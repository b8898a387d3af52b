package org.delta4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.delta4j.data.ArrayDataset;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.delta4j.train.History;
import org.delta4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saved models load back identical, resume training exactly, and a file that disagrees with itself is refused. */
class ModelFilesTest {
  @TempDir
  Path dir;

  private final Engine engine = new RefEngine();

  private static NetworkSpec spec() {
    return NetworkSpec.builder().input(3).dense(8).relu().dropout(0.2).dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(4).build();
  }

  private static ArrayDataset data() {
    SplitMix64 r = new SplitMix64(1);
    float[][] x = new float[120][3];
    int[] y = new int[120];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < 3; j++) {
        x[i][j] = (float) r.nextGaussian();
      }
      y[i] = x[i][0] + x[i][1] * x[i][2] > 0 ? 1 : 0;
    }
    return ArrayDataset.classification(x, y, 2);
  }

  /**
   * A model that trains in the heap but does not fit it twice over is not saved, and says so with what the save needs
   * and how to give Java more, leaving the file as it was: a save copies the model, its 36,108,006 values of weights
   * and Adam's moments as doubles here (288 MB, where the network holds 192 MB of floats), and the run ended in an
   * OutOfMemoryError.
   */
  @Test
  void aModelTooLargeToCopyForASaveIsNotSavedAndSaysWhatItNeeds() throws Exception {
    Path file = Files.writeString(dir.resolve("model.safetensors"), "what was there");
    String spec = "{\"input\": [1000], \"layers\": [{\"type\": \"dense\", \"units\": 12000}, {\"type\": "
        + "\"dense\", \"units\": 2}], \"loss\": \"softmax_cross_entropy\", \"optimizer\": {\"type\": \"adam\", "
        + "\"learning_rate\": 0.001}}";
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-Xmn8m", "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector", "-cp",
        System.getProperty("java.class.path"), SmallHeapSave.class.getName(), spec, file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "the save did not finish");
    assertTrue(out.startsWith("out of memory: " + file + ": not saved (what was there is as it was): the copy of the "
        + "model a save makes, its 12 tensors of 36,108,006 values as doubles and the bytes of the largest as written, "
        + "need about 321 MiB, more than Java could give (maximum heap "), out);
    assertTrue(out.contains("give Java more memory (-Xmx"), out);
    assertEquals("what was there", Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left");
    }
  }

  /**
   * A value of the file's metadata is quoted in a refusal cut to a hundred characters, with how many it has: a forged
   * format, version, data type, kind or history entry of megabytes made a message of megabytes.
   */
  @Test
  void aForgedMetadataValueIsQuotedCutShort() throws IOException {
    String big = "x".repeat(5_000_000);
    String shown = "'" + "x".repeat(100) + "… (5000000 characters)'";
    String network = org.delta4j.io.NetworkSpecJson.write(spec());
    Path f = dir.resolve("forged.safetensors");
    Map<String, String> format = Map.of("format", ModelFiles.FORMAT, "format_version", "1");
    for (Map<String, String> meta : java.util.List.of(Map.of("format", big),
        Map.of("format", ModelFiles.FORMAT, "format_version", big),
        join(format, Map.of("network", network, "data_type", big)),
        join(format, Map.of("network", "{\"input\": [2], \"layers\": [{\"type\": \"" + big + "\"}], \"loss\": "
            + "\"softmax_cross_entropy\"}", "data_type", "FLOAT32")))) {
      SafeTensors.write(f, Map.of(), new LinkedHashMap<>(meta));
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFiles.load(f, engine));
      String m = e.getMessage();
      assertTrue(m.contains(shown) && m.length() < 500, () -> m.substring(0, Math.min(m.length(), 300)));
    }
  }

  /**
   * A tensor of the right name in a shape of a million dimensions, which a file may hold (as many ones, and as many
   * values as the network's), is named with its shape cut short: the message quoted the whole shape, megabytes long.
   */
  @Test
  void aTensorOfAMillionDimensionsIsNamedWithItsShapeCutShort() throws IOException {
    Path f = dir.resolve("model.safetensors");
    ModelFiles.save(Network.create(spec(), engine), f);
    SafeTensors.Contents c = SafeTensors.read(f);
    Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>(c.tensors());
    SafeTensors.Entry w = tensors.get("dense1.weight");
    int[] shape = new int[1_000_000];
    java.util.Arrays.fill(shape, 1);
    shape[0] = w.values().length;
    tensors.put("dense1.weight", new SafeTensors.Entry(w.dataType(), shape, w.values()));
    SafeTensors.write(f, tensors, c.metadata());
    String m = assertThrows(ModelFormatException.class, () -> ModelFiles.load(f, engine)).getMessage();
    assertTrue(m.contains("tensor 'dense1.weight' has shape [24, 1, 1, ") && m.contains("… (3000001 characters) but "
        + "the network needs [3, 8]") && m.length() < 700, () -> m.substring(0, Math.min(m.length(), 300)));
  }

  private static Map<String, String> join(Map<String, String> a, Map<String, String> b) {
    Map<String, String> both = new LinkedHashMap<>(a);
    both.putAll(b);
    return both;
  }

  private static double[][] weights(Network n) {
    return n.parameters().stream().map(p -> p.value().toDoubleArray()).toArray(double[][]::new);
  }

  @Test
  void aLoadedModelPredictsExactlyTheSame() throws IOException {
    for (DataType type : DataType.values()) {
      Network net = Network.create(spec(), engine, type);
      Trainer.builder().epochs(2).batchSize(16).build().fit(net, data());
      Path file = dir.resolve("model-" + type + ".safetensors");
      ModelFiles.save(net, file);
      SavedModel loaded = ModelFiles.load(file, engine);
      assertEquals(type, loaded.network().dataType());
      assertEquals(spec(), loaded.network().spec());
      Tensor x = engine.tensor(type, Shape.of(2, 3), 0.5, -1, 2, 0, 0.3, -0.7);
      assertArrayEquals(net.probabilities(x).toDoubleArray(), loaded.network().probabilities(x).toDoubleArray());
      assertEquals(net.optimizer().iterations(), loaded.network().optimizer().iterations());
    }
  }

  /**
   * A layer may be named at any length a spec takes, and what saves loads: its tensors are keys of the file's header,
   * which JSON readers bound (Jackson at 50,000 characters), where the header's own size bounds them here.
   */
  @Test
  void aLayerOfALongNameSavesAndLoads() throws IOException {
    String name = "l".repeat(60_000);
    NetworkSpec spec = NetworkSpecJson.read("{\"input\": [3], \"layers\": [{\"type\": \"dense\", \"units\": 2, "
        + "\"name\": \"" + name + "\"}], \"loss\": \"softmax_cross_entropy\", \"optimizer\": {\"type\": \"adam\", "
        + "\"learning_rate\": 0.001}}");
    Network net = Network.create(spec, engine);
    Path file = dir.resolve("long-name.safetensors");
    ModelFiles.save(net, file);
    SavedModel loaded = ModelFiles.load(file, engine);
    assertEquals(spec, loaded.network().spec());
    assertArrayEquals(weights(net)[0], weights(loaded.network())[0]);
    assertEquals(name, loaded.network().spec().layers().get(0).name());
  }

  @Test
  void anUpdateCountPastTheRangeOfAnIntIsKept() throws IOException {
    Network net = Network.create(spec(), engine);
    long past = Integer.MAX_VALUE + 5L; // a long run's count; Adam's bias correction reads it as t
    net.optimizer().restore(past);
    Path file = dir.resolve("long-run.safetensors");
    ModelFiles.save(net, file);
    assertEquals(past, ModelFiles.load(file, engine).network().optimizer().iterations());
  }

  @Test
  void aFloat64ModelLoadsAsFloat32() throws IOException {
    Network net = Network.create(spec(), engine, DataType.FLOAT64);
    Path file = dir.resolve("m.safetensors");
    ModelFiles.save(net, file);
    Network f32 = ModelFiles.load(file, engine, DataType.FLOAT32).network();
    assertEquals(DataType.FLOAT32, f32.dataType());
    assertArrayEquals(net.parameters().get(0).value().toFloatArray(), f32.parameters().get(0).value().toFloatArray());
  }

  @Test
  void resumingFromASavedCheckpointEndsWhereAnUninterruptedRunEnds() throws IOException {
    Network straight = Network.create(spec(), engine);
    Trainer.builder().epochs(4).batchSize(16).seed(8).build().fit(straight, data());

    Network first = Network.create(spec(), engine);
    History h = Trainer.builder().epochs(2).batchSize(16).seed(8).build().fit(first, data());
    Path file = dir.resolve("checkpoint.safetensors");
    ModelFiles.save(first, new TrainingProgress(2, h.epochs()), file);
    SavedModel saved = ModelFiles.load(file, engine);
    assertEquals(2, saved.progress().completedEpochs());
    assertEquals(h.epochs(), saved.progress().history());
    Trainer.builder().epochs(4).batchSize(16).seed(8).firstEpoch(saved.progress().completedEpochs() + 1).build()
        .fit(saved.network(), data());

    double[][] a = weights(straight);
    double[][] b = weights(saved.network());
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i]);
    }
  }

  /** A tiny image classifier with batch normalisation, whose running statistics are buffers. */
  private static NetworkSpec convolutional() {
    return NetworkSpec.builder().input(1, 3, 1).conv2d(4, 2, Padding.SAME).batchNorm().relu().flatten().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(4).build();
  }

  @Test
  void batchNormalisationsRunningStatisticsAreSavedAndRestored() throws IOException {
    Network net = Network.create(convolutional(), engine);
    Trainer.builder().epochs(2).batchSize(16).build().fit(net, data()); // flat samples of 3 values feed the [1, 3, 1] input
    Tensor runningMean = net.buffers().get("batchnorm1.running_mean");
    assertTrue(java.util.Arrays.stream(runningMean.toDoubleArray()).anyMatch(v -> v != 0), "trained running mean");
    Path file = dir.resolve("bn.safetensors");
    ModelFiles.save(net, file);
    Network loaded = ModelFiles.load(file, engine).network();
    assertEquals(net.buffers().keySet(), loaded.buffers().keySet());
    for (String k : net.buffers().keySet()) {
      assertArrayEquals(net.buffers().get(k).toDoubleArray(), loaded.buffers().get(k).toDoubleArray(), k);
    }
    Tensor x = engine.tensor(DataType.FLOAT32, Shape.of(2, 1, 3, 1), 0.5, -1, 2, 0, 0.3, -0.7);
    assertArrayEquals(net.probabilities(x).toDoubleArray(), loaded.probabilities(x).toDoubleArray());
    assertTrue(SafeTensors.read(file).tensors().containsKey("batchnorm1.running_var"));
  }

  /** A NaN in a buffer would make every output NaN: refused as a NaN weight is, naming the buffer and the index. */
  @Test
  void aNonFiniteBufferIsRefusedNamingItAndTheIndex() throws IOException {
    refusedWithRunningVariance(Double.NaN, "tensor 'batchnorm1.running_var' holds NaN at index [2] (flat 2)");
  }

  /**
   * A negative running variance, finite as it is, would make every inference output NaN (its square root divides):
   * the batch normalisation refuses it when the model loads, naming the buffer and the index.
   */
  @Test
  void aNegativeRunningVarianceIsRefusedNamingItAndTheIndex() throws IOException {
    refusedWithRunningVariance(-0.25, "tensor 'batchnorm1.running_var' holds -0.25 at index [2] (flat 2): a "
        + "variance is ≥ 0");
  }

  /** A network whose running variance went negative is not saved either, as loading would refuse it. */
  @Test
  void aNegativeRunningVarianceIsNotSaved() throws IOException {
    Network net = Network.create(convolutional(), engine);
    Path file = dir.resolve("bn.safetensors");
    ModelFiles.save(net, file);
    byte[] saved = Files.readAllBytes(file);
    Tensor variance = net.buffers().get("batchnorm1.running_var");
    double[] v = variance.toDoubleArray();
    v[2] = -0.25;
    variance.copyFrom(v);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.save(net, file));
    assertEquals(file + ": not saved, as tensor 'batchnorm1.running_var' holds -0.25 at index [2] (flat 2): a "
        + "variance is ≥ 0, which loading refuses", e.getMessage());
    assertArrayEquals(saved, Files.readAllBytes(file));
  }

  private void refusedWithRunningVariance(double value, String message) throws IOException {
    Path file = dir.resolve("bn.safetensors");
    ModelFiles.save(Network.create(convolutional(), engine), file);
    SafeTensors.Contents c = SafeTensors.read(file);
    Map<String, SafeTensors.Entry> t = new LinkedHashMap<>(c.tensors());
    t.put("batchnorm1.running_var", withValue(t.get("batchnorm1.running_var"), 2, value));
    Path bad = dir.resolve("bad-bn.safetensors");
    SafeTensors.write(bad, t, c.metadata());
    refused(bad, message);
  }

  private Path rewritten(java.util.function.Consumer<Map<String, SafeTensors.Entry>> tensors,
      java.util.function.Consumer<Map<String, String>> meta) throws IOException {
    Path file = dir.resolve("good.safetensors");
    ModelFiles.save(Network.create(spec(), engine), file);
    SafeTensors.Contents c = SafeTensors.read(file);
    Map<String, SafeTensors.Entry> t = new LinkedHashMap<>(c.tensors());
    Map<String, String> m = new LinkedHashMap<>(c.metadata());
    tensors.accept(t);
    meta.accept(m);
    Path bad = dir.resolve("bad.safetensors");
    SafeTensors.write(bad, t, m);
    return bad;
  }

  private void refused(Path file, String reason) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFiles.load(file, engine));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void filesThatDisagreeWithTheirDescriptionAreRefused() throws IOException {
    refused(rewritten(t -> t.put("dense2.b", t.remove("dense2.bias")), m -> { }), "tensor 'dense2.bias' is missing");
    // named with the layer that declares it, as a parameter added by another version of its kind would be
    refused(rewritten(t -> t.remove("dense2.bias"), m -> { }), "tensor 'dense2.bias' is missing: the dense layer "
        + "'dense2' (org.delta4j.spec.LayerSpec$Dense) declares 'bias' of shape [2], which the file does not hold");
    refused(rewritten(t -> t.put("extra", new SafeTensors.Entry(DataType.FLOAT32, new int[] {1}, new double[] {1})),
        m -> { }), "tensors ['extra'] belong to no parameter");
    refused(rewritten(t -> t.put("", new SafeTensors.Entry(DataType.FLOAT32, new int[] {1}, new double[] {1})),
        m -> { }), "tensors [''] belong to no parameter");
    refused(rewritten(t -> t.put("dense1.bias", new SafeTensors.Entry(DataType.FLOAT32, new int[] {2, 4},
        new double[8])), m -> { }), "has shape [2, 4] but the network needs [8]");
    refused(rewritten(t -> { }, m -> m.put("format_version", "2")), "format version 2 is newer");
    refused(rewritten(t -> { }, m -> m.put("format", "other")), "not a Delta4j model");
    refused(rewritten(t -> { }, m -> m.put("network", "{\"input\": [3]}")), "invalid network description");
    refused(rewritten(t -> { }, m -> m.remove("data_type")), "metadata 'data_type' is missing");
    // F64 values in a FLOAT32 model were rounded to floats without a word
    refused(rewritten(t -> t.put("dense1.bias", new SafeTensors.Entry(DataType.FLOAT64, new int[] {8},
        new double[] {0.1, 0, 0, 0, 0, 0, 0, 0})), m -> { }), "tensor 'dense1.bias' is FLOAT64 but the model's "
        + "data_type is FLOAT32");
  }

  /**
   * Stray tensors are named a few at a time, with how many more there are: a file of 20,000 of them was refused in one
   * line listing every name, some hundreds of kilobytes of it.
   */
  @Test
  void manyStrayTensorsAreNamedAFewAndCounted() throws IOException {
    Path file = rewritten(t -> {
      for (int i = 0; i < 20_000; i++) {
        t.put("stray" + i, new SafeTensors.Entry(DataType.FLOAT32, new int[] {1}, new double[] {1}));
      }
    }, m -> { });
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFiles.load(file, engine));
    assertEquals(file + ": tensors ['stray0', 'stray1', 'stray2', 'stray3', 'stray4', … 19995 more] belong to no "
        + "parameter or optimizer state of the network it describes", e.getMessage());
  }

  private static SafeTensors.Entry withValue(SafeTensors.Entry e, int index, double value) {
    double[] v = e.values().clone();
    v[index] = value;
    return new SafeTensors.Entry(e.dataType(), e.shape(), v);
  }

  @Test
  void nonFiniteWeightsOrOptimizerStateAreRefusedNamingTensorAndIndex() throws IOException {
    refused(rewritten(t -> t.put("dense1.weight", withValue(t.get("dense1.weight"), 2 * 8 + 5, Double.NaN)),
        m -> { }), "tensor 'dense1.weight' holds NaN at index [2, 5] (flat 21)");
    refused(rewritten(t -> t.put("optimizer/dense2.bias/m", withValue(t.get("optimizer/dense2.bias/m"), 1,
        Double.POSITIVE_INFINITY)), m -> { }), "tensor 'optimizer/dense2.bias/m' holds Infinity at index [1]");
  }

  /**
   * A negative second moment of Adam, finite as it is, would make the next update NaN (its square root divides): the
   * rule refuses it when the model loads, naming the state tensor and the index, and a network holding one is not
   * saved; the first moment may be negative.
   */
  @Test
  void aNegativeSecondMomentIsRefusedNamingItAndTheIndex() throws IOException {
    refused(rewritten(t -> t.put("optimizer/dense2.bias/v", withValue(t.get("optimizer/dense2.bias/v"), 1, -1)),
        m -> { }), "tensor 'optimizer/dense2.bias/v' holds -1.0 at index [1] (flat 1): the second moment v, a mean "
        + "of squared gradients, is ≥ 0 (its square root divides the update)");
    Path file = rewritten(t -> t.put("optimizer/dense2.bias/m", withValue(t.get("optimizer/dense2.bias/m"), 1, -1)),
        m -> { });
    assertEquals(-1, ModelFiles.load(file, engine).network().optimizer().state().get("dense2.bias/m")
        .toDoubleArray()[1]);
    Network net = Network.create(spec(), engine);
    net.optimizer().state().get("dense2.bias/v").copyFrom(new double[] {0, -0.5});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFiles.save(net, dir.resolve("negative.safetensors")));
    assertTrue(e.getMessage().contains("not saved, as tensor 'optimizer/dense2.bias/v' holds -0.5 at index [1]"),
        e.getMessage());
  }

  /**
   * A network whose weights or optimizer state an update made NaN or infinite is not saved, since loading refuses it:
   * the save names the tensor and index, and the file holds the model saved before.
   */
  @Test
  void aNetworkHoldingNonFiniteWeightsOrStateIsNotSaved() throws IOException {
    Network net = Network.create(spec(), engine);
    Path file = dir.resolve("model.safetensors");
    ModelFiles.save(net, file);
    byte[] saved = Files.readAllBytes(file);
    Tensor m = net.optimizer().state().get("dense2.bias/m");
    m.copyFrom(new double[] {0, Double.POSITIVE_INFINITY});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.save(net, file));
    assertTrue(e.getMessage().contains("not saved, as tensor 'optimizer/dense2.bias/m' holds Infinity at index [1]"),
        e.getMessage());
    m.copyFrom(new double[2]);
    Tensor w = net.parameters().get(0).value();
    double[] values = w.toDoubleArray();
    values[2 * 8 + 5] = Double.NaN;
    w.copyFrom(values);
    e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.save(net, file));
    assertTrue(e.getMessage().contains("tensor 'dense1.weight' holds NaN at index [2, 5]"), e.getMessage());
    assertArrayEquals(saved, Files.readAllBytes(file));
  }

  /**
   * A save from another thread that waits for an update under way checks the model it then writes: an update that
   * makes a weight NaN meanwhile is refused, not written after a check of the weights before it.
   */
  @Test
  void aSaveWaitingForAnUpdateThatMakesNaNIsRefusedAndWritesNothing() throws Exception {
    Network net = Network.create(spec(), engine);
    Path file = dir.resolve("model.safetensors");
    ModelFiles.save(net, file);
    byte[] before = Files.readAllBytes(file);
    var outcome = new java.util.concurrent.atomic.AtomicReference<Throwable>();
    Thread saver = new Thread(() -> {
      try {
        ModelFiles.save(net, file);
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    Tensor w = net.parameters().get(0).value();
    net.changeModel(() -> { // the update under way: the saver waits in readModel for it to end
      saver.start();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!(saver.getState() == Thread.State.WAITING && java.util.Arrays.stream(saver.getStackTrace())
          .anyMatch(f -> f.getMethodName().equals("readModel")))) {
        assertTrue(saver.isAlive() && System.nanoTime() < deadline, "the save did not wait for the update");
        Thread.onSpinWait();
      }
      double[] values = w.toDoubleArray();
      values[1] = Double.NaN;
      w.copyFrom(values);
    });
    saver.join();
    assertTrue(outcome.get() instanceof IllegalArgumentException, "the save of a NaN weight: " + outcome.get());
    assertTrue(outcome.get().getMessage().contains("not saved, as tensor 'dense1.weight' holds NaN at index [0, 1]"),
        outcome.get().getMessage());
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  @Test
  void aDescriptionClaimingMoreUnitsThanTheTensorsHoldIsRefusedBeforeAllocating() throws IOException {
    // 300,000,000 units: weights of 900,000,000 and 600,000,000 values, each within an array
    String large = NetworkSpecJson.write(NetworkSpec.builder().input(3).dense(300_000_000).relu().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(4).build());
    refused(rewritten(t -> { }, m -> m.put("network", large)), "tensor 'dense1.weight' has shape [3, 8] but the "
        + "network needs [3, 300000000]");
    // 2,000,000,000 units: a weight no array holds, which the description itself may not claim
    String huge = large.replace("300000000", "2000000000");
    refused(rewritten(t -> { }, m -> m.put("network", huge)), "dense layer 'dense1': its weight of shape "
        + "[3, 2000000000] would hold 6000000000 values, more than one tensor holds");
  }

  @Test
  void aMalformedHistoryIsNamedAsSuch() throws IOException {
    refused(rewritten(t -> { }, m -> m.put("history", "[{\"training_loss\": 1}]")),
        "the training history is malformed: entry 0 has no whole-number 'epoch'");
    refused(rewritten(t -> { }, m -> m.put("history", "{}")), "the training history is malformed: not a JSON array");
    // named by entry, key and value, where Java's parser said only "empty String" or "For input string: ..."
    refused(rewritten(t -> { }, m -> m.put("history", "[{\"epoch\": 1, \"training_loss\": {}}]")),
        "the training history is malformed: entry 0 has 'training_loss' {}, not a number");
    refused(rewritten(t -> { }, m -> m.put("history", "[{\"epoch\": 1}, {\"epoch\": 2, \"seconds\": \"ten\"}]")),
        "the training history is malformed: entry 1 has 'seconds' \"ten\", not a number");
  }

  @Test
  void aDirectoryIsNamedAsOne() throws IOException {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFiles.load(dir, engine));
    assertTrue(e.getMessage().contains(dir + ": is a directory"), e.getMessage());
  }

  @Test
  void theRunConfigurationIsKeptInTheMetadata() throws IOException {
    Path file = dir.resolve("run.safetensors");
    ModelFiles.save(Network.create(spec(), engine), TrainingProgress.none(), "{\"seed\": 7}", file);
    assertEquals("{\"seed\": 7}", ModelFiles.runConfiguration(file));
    ModelFiles.save(Network.create(spec(), engine), file);
    assertEquals(null, ModelFiles.runConfiguration(file));
  }

  @Test
  void aSaveThatCannotBeMovedIntoPlaceLeavesWhatWasThereAndNoTemporaryFile() throws IOException {
    Path occupied = dir.resolve("model.safetensors");
    Files.createDirectories(occupied);
    Files.writeString(occupied.resolve("keep.txt"), "not a model");
    Network net = Network.create(spec(), engine);
    assertThrows(IOException.class, () -> ModelFiles.save(net, occupied));
    assertEquals("not a model", Files.readString(occupied.resolve("keep.txt")));
    try (var files = Files.list(dir)) {
      assertEquals(java.util.List.of(occupied), files.toList(), "the temporary file is removed");
    }
  }

  /**
   * A model saved from another thread while the network trains is the model of one update: its weights and optimizer
   * state are those the training thread saw after the update its count names, never one update's weights beside
   * another's state.
   */
  @Test
  void aModelSavedWhileAnotherThreadTrainsIsTheModelOfOneUpdate() throws Exception {
    NetworkSpec spec = NetworkSpec.builder().input(32).dense(64).relu().dense(64).relu().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(4).build();
    Network net = Network.create(spec, engine);
    double[] x = new double[16 * 32];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.sin(i);
    }
    double[] y = new double[16 * 2];
    for (int r = 0; r < 16; r++) {
      y[2 * r + r % 2] = 1;
    }
    Tensor input = engine.tensor(DataType.FLOAT32, Shape.of(16, 32), x);
    Tensor targets = engine.tensor(DataType.FLOAT32, Shape.of(16, 2), y);
    int steps = 400;
    Map<Long, Map<String, double[]>> after = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger savesMade = new java.util.concurrent.atomic.AtomicInteger();
    Thread trainer = new Thread(() -> {
      for (int s = 0; s < steps; s++) {
        if (s % 50 == 49) { // a save completes every 50 updates, however slow the disk: saves amid training are the point
          int seen = savesMade.get();
          while (savesMade.get() == seen) {
            Thread.onSpinWait();
          }
        }
        net.trainStep(input, targets);
        Map<String, double[]> model = new LinkedHashMap<>();
        net.parameters().forEach(p -> model.put(p.name(), p.value().toDoubleArray()));
        net.optimizer().state().forEach((name, t) -> model.put("optimizer/" + name, t.toDoubleArray()));
        after.put(net.optimizer().iterations(), model);
      }
      done.set(true);
    });
    trainer.setDaemon(true); // should a save fail, the trainer waiting for the next one must not hold the JVM
    trainer.start();
    java.util.List<SafeTensors.Contents> saved = new java.util.ArrayList<>();
    while (!done.get()) {
      Path file = dir.resolve("live.safetensors");
      ModelFiles.save(net, file);
      saved.add(SafeTensors.read(file));
      savesMade.incrementAndGet();
    }
    trainer.join();
    int torn = 0;
    for (SafeTensors.Contents c : saved) {
      long iterations = Long.parseLong(c.metadata().get("optimizer_iterations"));
      Map<String, double[]> model = after.get(iterations);
      if (model == null) {
        continue; // saved before the first update
      }
      for (Map.Entry<String, double[]> e : model.entrySet()) {
        if (!java.util.Arrays.equals(e.getValue(), c.tensors().get(e.getKey()).values())) {
          torn++;
          break;
        }
      }
    }
    assertTrue(saved.size() > 5, "saved " + saved.size() + " times while training");
    assertEquals(0, torn, torn + " of " + saved.size() + " saves mixed two updates");
  }

  /** A model file written before layers, losses and optimizers became open kinds loads as it was saved. */
  @Test
  void aModelSavedBeforeKindsWereOpenStillLoads() throws Exception {
    Path file = Path.of(getClass().getResource("saved-by-0.1-before-kinds.safetensors").toURI());
    SavedModel saved = ModelFiles.load(file, engine);
    NetworkSpec expected = NetworkSpec.builder().input(4)
        .layer(new org.delta4j.spec.LayerSpec.Dense("dense1", 5, org.delta4j.spec.Initializer.heUniform(),
            org.delta4j.spec.Initializer.zeros()))
        .layer(new org.delta4j.spec.LayerSpec.Activation("leaky_relu1",
            org.delta4j.spec.ActivationFunction.LEAKY_RELU, 0.1))
        .dropout(0.25).dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
        .optimizer(new OptimizerSpec.AdamW(0.01, 0.9, 0.999, 1e-8, 0.001,
            new org.delta4j.spec.LearningRateSchedule.StepDecay(3, 0.5)))
        .seed(42).build(); // the program's --seed, which overrides the spec file's
    assertEquals(expected, saved.network().spec());
    assertEquals(2, saved.progress().completedEpochs());
    SafeTensors.Contents c = SafeTensors.read(file);
    for (Parameter p : saved.network().parameters()) {
      assertArrayEquals(c.tensors().get(p.name()).values(), p.value().toDoubleArray(), p.name());
    }
    assertEquals(saved.network().optimizer().state().keySet().stream().map(k -> "optimizer/" + k).toList(),
        c.tensors().keySet().stream().filter(k -> k.startsWith("optimizer/")).toList());
    assertTrue(saved.network().optimizer().iterations() > 0);
  }
}
