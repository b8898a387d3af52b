package org.delta4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.UnknownKindException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Network descriptions survive JSON exactly, and a hand-written spec file may leave defaults out. */
class NetworkSpecJsonTest {
  @Test
  void everyKindOfPartRoundTrips() {
    List<OptimizerSpec> optimizers = List.of(new OptimizerSpec.Sgd(0.1, 0.01, new LearningRateSchedule.StepDecay(5,
        0.5)), new OptimizerSpec.Momentum(0.1, 0.8), new OptimizerSpec.Nesterov(0.2, 0.7, 0,
        new LearningRateSchedule.ExponentialDecay(7, 0.9)), new OptimizerSpec.AdaGrad(0.3),
        new OptimizerSpec.RmsProp(0.01), new OptimizerSpec.Adam(1e-3, 0.8, 0.99, 1e-7, 1e-4,
            new LearningRateSchedule.CosineDecay(1000, 0.05)), new OptimizerSpec.AdamW(2e-3, 0.01));
    for (OptimizerSpec o : optimizers) {
      NetworkSpec spec = NetworkSpec.builder().input(2, 3).layer(new LayerSpec.Dense("hidden", 7,
          Initializer.heNormal(), Initializer.constant(0.1))).leakyRelu(0.02).dropout(0.3).dense(4,
          Initializer.normal(0.05)).sigmoid().loss(LossFunction.BINARY_CROSS_ENTROPY).optimizer(o).seed(-5).build();
      assertEquals(spec, NetworkSpecJson.read(NetworkSpecJson.write(spec)), o.toString());
    }
  }

  @Test
  void aHandWrittenSpecTakesDefaults() {
    NetworkSpec spec = NetworkSpecJson.read("{\"input\": [784], \"layers\": [{\"type\": \"dense\", \"units\": 10, "
        + "\"weights\": \"he_uniform\"}, {\"type\": \"relu\"}, {\"type\": \"dense\", \"units\": 3}], "
        + "\"loss\": \"softmax_cross_entropy\"}");
    assertEquals(NetworkSpec.builder().input(784).dense(10, Initializer.heUniform()).relu().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(), spec);
  }

  /**
   * A list of sizes of one value may be written as the value, as the DSL's {@code kernel = 3} and PyTorch's {@code
   * kernel_size=3} are: a window of one size is square, and an input of one size a vector.
   */
  @Test
  void aSizeListOfOneValueMayBeWrittenAsTheValue() {
    NetworkSpec bare = NetworkSpecJson.read("{\"input\": [1, 9, 9], \"layers\": [{\"type\": \"conv2d\", "
        + "\"filters\": 2, \"kernel\": 3, \"stride\": 2, \"dilation\": 2, \"padding\": \"explicit\", \"pad\": 1}, "
        + "{\"type\": \"max_pool2d\", \"kernel\": 2}, {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}], "
        + "\"loss\": \"softmax_cross_entropy\"}");
    NetworkSpec lists = NetworkSpecJson.read("{\"input\": [1, 9, 9], \"layers\": [{\"type\": \"conv2d\", "
        + "\"filters\": 2, \"kernel\": [3, 3], \"stride\": [2, 2], \"dilation\": [2, 2], \"padding\": \"explicit\", "
        + "\"pad\": [1, 1]}, {\"type\": \"max_pool2d\", \"kernel\": [2, 2]}, {\"type\": \"flatten\"}, "
        + "{\"type\": \"dense\", \"units\": 2}], \"loss\": \"softmax_cross_entropy\"}");
    assertEquals(lists, bare);
    String dense = "\"layers\": [{\"type\": \"dense\", \"units\": 2}], \"loss\": \"squared_error\"}";
    assertEquals(NetworkSpecJson.read("{\"input\": [4], " + dense), NetworkSpecJson.read("{\"input\": 4, " + dense));
    assertMessage("{\"input\": [1, 9, 9], \"layers\": [{\"type\": \"max_pool2d\", \"kernel\": 2.5}], "
        + "\"loss\": \"squared_error\"}", "layers[0].kernel must be a whole number");
  }

  @Test
  void aDenseLayerWithoutBiasSaysSoAndHasOnlyItsWeight() {
    NetworkSpec spec = NetworkSpec.builder().input(3)
        .layer(new LayerSpec.Dense("w", 4, Initializer.heUniform(), Initializer.zeros(), false))
        .loss(LossFunction.MEAN_SQUARED_ERROR).build();
    String json = NetworkSpecJson.write(spec);
    assertTrue(json.contains("\"use_bias\" : false"), json);
    assertEquals(spec, NetworkSpecJson.read(json));
    assertEquals(12, spec.parameterCount());
    assertTrue(spec.summary().startsWith("3-4 (no bias)"), spec.summary());
    assertTrue(!NetworkSpecJson.write(NetworkSpec.builder().input(3).dense(4).loss(LossFunction.MEAN_SQUARED_ERROR)
        .build()).contains("use_bias"), "an ordinary layer is written as before");
  }

  @Test
  void mistakesNameTheirPlace() {
    assertMessage("{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"unit\": 3}], \"loss\": \"mean_squared_error\"}",
        "layers[0].units is missing (is 'unit' it, misspelt?)");
    assertMessage("{\"input\": [4], \"layers\": [{\"type\": \"conv\"}], \"loss\": \"mean_squared_error\"}",
        "layers[0].type: unknown layer kind 'conv'");
    assertMessage("{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 2.5}], \"loss\": \"squared_error\"}",
        "layers[0].units must be a whole number");
    assertMessage("{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 3000000000}], "
        + "\"loss\": \"squared_error\"}",
        "layers[0].units must be a whole number from -2,147,483,648 to 2,147,483,647, got 3000000000");
    assertMessage("{\"input\": [4], \"layers\": [], \"loss\": \"hinge\"}", "loss: unknown loss kind 'hinge'");
    assertMessage("{\"input\": [1, 6, 6], \"layers\": [{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, "
        + "\"padding\": [1, 1]}], \"loss\": \"squared_error\"}",
        "layers[0].padding: must be a string, got [1,1]; one of [valid, same, explicit]");
    assertMessage("{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 2}], \"loss\": \"squared_error\", "
        + "\"optimizer\": {\"type\": \"adam\", \"beta1\": 1.5}}", "beta1 must be in [0, 1)");
    assertMessage("{\"input\": [4], ", "not valid JSON");
    assertMessage("{\"input\": [], \"layers\": [{\"type\": \"dense\", \"units\": 2}], \"loss\": \"squared_error\"}",
        "network spec.input []: a shape needs at least one dimension");
    assertMessage("{\"input\": [4, -1], \"layers\": [{\"type\": \"dense\", \"units\": 2}], "
        + "\"loss\": \"squared_error\"}",
        "network spec.input [4, -1]: input: input sizes must be at least 1, got -1");
    assertMessage("{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": -3}], \"loss\": \"squared_error\"}",
        "layers[0]: dense layer: units must be at least 1, got -3");
    assertMessage("{\"input\": [4], \"layers\": [{\"type\": \"block\", \"nodes\": [{\"layer\": {\"type\": \"dropout\", "
        + "\"rate\": 2}}]}], \"loss\": \"squared_error\"}",
        "layers[0].nodes[0].layer: dropout layer: dropout rate must");
  }

  @Test
  void aFieldGivenTwiceOrASecondDocumentIsAnErrorNotASilentChoice() {
    assertMessage("{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 3, \"units\": 5}], "
        + "\"loss\": \"squared_error\"}", "not valid JSON: Duplicate field 'units'");
    String spec = "{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 3}], \"loss\": \"squared_error\"}";
    assertMessage(spec + "\n" + spec, "not valid JSON");
  }

  @Test
  void jsonNestedPastTheParsersDepthIsRefusedAsInvalidJson() {
    // past 1,000 levels Jackson stops with an error of no location, which the message once read and failed on
    String deep = "{\"input\": [4], \"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertMessage(deep, "not valid JSON");
    assertMessage(deep, "depth");
  }

  /**
   * Fields a reader had not reached when a value, or a kind nested deeper, was refused are not unknown: the error is
   * the refusal itself, and an unknown kind stays an {@link UnknownKindException} however deep it is.
   */
  @Test
  void aFailureBeforeTheLastFieldBlamesNoFieldAfterIt() {
    String block = "{\"input\": [4], \"layers\": [{\"type\": \"block\", \"name\": \"b\", \"nodes\": ["
        + "{\"inputs\": [\"input\"], \"merge\": \"add\", \"layer\": {\"type\": \"swish\", \"name\": \"s\"}}],"
        + " \"output\": \"s\"}], \"loss\": \"mean_squared_error\"}";
    UnknownKindException e = assertThrows(UnknownKindException.class, () -> NetworkSpecJson.read(block));
    assertEquals("swish", e.type());
    assertTrue(e.getMessage().startsWith("layers[0].nodes[0].layer.type: unknown layer kind 'swish'"), e.getMessage());
    String dense = "{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": \"three\", \"weights\": "
        + "\"he_uniform\"}], \"loss\": \"mean_squared_error\"}";
    IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read(dense));
    assertEquals("layers[0].units must be a whole number, got \"three\"", d.getMessage());
    assertMessage("{\"input\": [4], \"layers\": [{\"type\": \"block\", \"node\": []}], "
        + "\"loss\": \"squared_error\"}", "layers[0].nodes is missing (is 'node' it, misspelt?)");
  }

  /**
   * An optimizer written wrongly is refused with its place and the value at fault: a field of the wrong type, missing
   * or unknown, a value out of range (infinite from an exponent past the double range), in the optimizer and in its
   * schedule, where a misspelt field is named rather than only the field it leaves missing.
   */
  @Test
  void optimizerMistakesNameTheirPlaceAndValue() {
    optimizerRefused("{\"type\": \"adam\", \"learning_rate\": \"fast\"}",
        "optimizer.learning_rate must be a number, got \"fast\"");
    optimizerRefused("{\"type\": \"adam\", \"learning_rate\": true}", "optimizer.learning_rate must be a number");
    optimizerRefused("{\"type\": \"adam\", \"lr\": 0.1}", "optimizer: unknown field [lr]");
    optimizerRefused("{\"type\": 7}", "optimizer.type must be a string, got 7");
    optimizerRefused("{\"learning_rate\": 0.1}", "optimizer.type is missing");
    optimizerRefused("[\"adam\"]", "optimizer: expected a JSON object");
    optimizerRefused("{\"type\": \"adam\", \"learning_rate\": 0}",
        "optimizer: adam: learning rate must be positive and finite, got 0.0");
    optimizerRefused("{\"type\": \"sgd\", \"learning_rate\": 1e999}", "learning rate must be positive and finite, "
        + "got Infinity");
    optimizerRefused("{\"type\": \"sgd\", \"learning_rate\": \"NaN\"}", "got NaN");
    optimizerRefused("{\"type\": \"momentum\", \"momentum\": 1}", "optimizer: momentum: momentum must be in [0, 1), "
        + "got 1.0");
    optimizerRefused("{\"type\": \"rmsprop\", \"epsilon\": 0}", "epsilon must be finite and at least 1.4E-45");
    optimizerRefused("{\"type\": \"adamw\", \"weight_decay\": -0.01}", "weight decay must be ≥ 0 and finite");
    optimizerRefused("{\"type\": \"sgd\", \"schedule\": \"cosine\"}", "optimizer.schedule: expected a JSON object");
    optimizerRefused("{\"type\": \"sgd\", \"schedule\": {\"type\": \"linear\"}}",
        "optimizer.schedule.type: unknown schedule 'linear'; one of constant, step, exponential, cosine");
    optimizerRefused("{\"type\": \"sgd\", \"schedule\": {\"type\": \"step\", \"gamma\": 0.5}}",
        "optimizer.schedule.step_size is missing");
    optimizerRefused("{\"type\": \"sgd\", \"schedule\": {\"type\": \"step\", \"stepsize\": 3, \"gamma\": 0.5}}",
        "optimizer.schedule.step_size is missing (is 'stepsize' it, misspelt?)");
    optimizerRefused("{\"type\": \"sgd\", \"schedule\": {\"type\": \"step\", \"step_size\": 2.5, \"gamma\": 0.5}}",
        "optimizer.schedule.step_size must be a whole number, got 2.5");
    optimizerRefused("{\"type\": \"sgd\", \"schedule\": {\"type\": \"step\", \"step_size\": 9223372036854775808, "
        + "\"gamma\": 0.5}}", "optimizer.schedule.step_size must be a whole number from -9,223,372,036,854,775,808 to "
        + "9,223,372,036,854,775,807, got 9223372036854775808");
    optimizerRefused("{\"type\": \"sgd\", \"schedule\": {\"type\": \"step\", \"step_size\": 0, \"gamma\": 0.5}}",
        "optimizer.schedule: step decay: stepSize must be at least 1, got 0");
    optimizerRefused("{\"type\": \"sgd\", \"schedule\": {\"type\": \"exponential\", \"decay_steps\": 4, "
        + "\"gamma\": 1.5}}", "optimizer.schedule: exponential decay: gamma must be in (0, 1], got 1.5");
    optimizerRefused("{\"type\": \"sgd\", \"schedule\": {\"type\": \"cosine\", \"total_steps\": 10, "
        + "\"gamma\": 0.5}}", "optimizer.schedule: unknown field [gamma]");
    optimizerRefused("{\"type\": \"sgd\", \"schedule\": {\"type\": \"constant\", \"total_steps\": 10}}",
        "optimizer.schedule: unknown field [total_steps]");
    assertEquals(new OptimizerSpec.Sgd(0.1, 0, new LearningRateSchedule.StepDecay(Long.MAX_VALUE, 1)),
        NetworkSpecJson.readOptimizer("{\"type\": \"sgd\", \"learning_rate\": 0.1, \"schedule\": {\"type\": "
            + "\"STEP\", \"step_size\": 9223372036854775807, \"gamma\": 1}}"));
  }

  private static void optimizerRefused(String json, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpecJson.readOptimizer(json));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private static void assertMessage(String json, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read(json));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  /** A spec file is read whole, as UTF-8; a directory, a device without end, bytes that are not text are refused. */
  @Test
  void specFilesAreReadBoundedAndAsText(@TempDir Path dir) throws Exception {
    String json = NetworkSpecJson.write(NetworkSpec.builder().input(3).dense(2).loss(LossFunction.MEAN_SQUARED_ERROR)
        .build());
    Path file = Files.writeString(dir.resolve("net.json"), json);
    assertEquals(json, NetworkSpecJson.readFile(file));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.readFile(dir));
    assertEquals(dir + " is a directory, not a network spec file", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.readFile(dir.resolve("none.json")));
    assertEquals(dir.resolve("none.json") + " cannot be read: no such file", e.getMessage());
    Path binary = Files.write(dir.resolve("binary.json"), new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
    e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.readFile(binary));
    assertEquals(binary + " is not UTF-8 text, as a network spec file (JSON) is", e.getMessage());
    Path endless = Path.of("/dev/zero");
    if (Files.isReadable(endless)) {
      e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.readFile(endless));
      assertTrue(e.getMessage().startsWith("/dev/zero holds more than " + (NetworkSpecJson.MAX_FILE_BYTES >> 20)
          + " MiB"), e.getMessage());
    }
  }

  /**
   * A field that is missing is reported as missing, not as the kind's own fields the reader had not reached yet
   * ("unknown fields [weights, bias] (layers[0].units is missing)"); an unread field is named with it only when it
   * may be the missing one misspelt: equal but for case or underscores, or within two edits.
   */
  @Test
  void aMissingFieldIsNamedFirstAndOnlyAFieldLikeItAsItsMisspelling() {
    String dense = "{\"input\": [4], \"layers\": [{\"type\": \"dense\", %s\"weights\": \"he_uniform\", "
        + "\"bias\": \"zeros\"}], \"loss\": \"squared_error\"}";
    assertEquals("layers[0].units is missing", refusal(String.format(dense, "")));
    assertEquals("layers[0].units is missing", refusal(String.format(dense, "\"size\": 3, ")),
        "a field not like it is not its misspelling");
    assertEquals("layers[0].units is missing (is 'Units' it, misspelt?)",
        refusal(String.format(dense, "\"Units\": 3, ")));
    assertEquals("layers[0].units is missing (is 'untis' or 'unit' it, misspelt?)",
        refusal(String.format(dense, "\"untis\": 3, \"unit\": 3, ")));
    assertEquals("optimizer.schedule.total_steps is missing (is 'TotalSteps' it, misspelt?)",
        refusalOfOptimizer("{\"type\": \"sgd\", \"schedule\": {\"type\": \"cosine\", \"TotalSteps\": 10}}"));
  }

  /**
   * Unknown fields are named five at a time, each cut to a hundred characters, with how many more there are: a layer
   * of a million unknown fields, which a spec file of 16 MiB holds, made a message of 14 MB, and so did a field's
   * misspellings.
   */
  @Test
  void unknownFieldsAreNamedFiveAtATime() {
    StringBuilder fields = new StringBuilder();
    for (int i = 0; i < 1_000_000; i++) {
      fields.append(", \"f").append(i).append("\": 1");
    }
    String e = refusal("{\"input\": [4], \"layers\": [{\"type\": \"relu\"" + fields + "}], \"loss\": "
        + "\"squared_error\"}");
    assertTrue(e.startsWith("layers[0]: unknown fields [f0, f1, f2, f3, f4, … 999995 more]; known here: "), e);
    String name = "x".repeat(40_000);
    e = refusal("{\"input\": [4], \"layers\": [{\"type\": \"relu\", \"" + name + "\": 1}], \"loss\": "
        + "\"squared_error\"}");
    assertTrue(e.startsWith("layers[0]: unknown field [" + "x".repeat(100) + "… (40000 characters)]; known here: "),
        e);
    StringBuilder misspelt = new StringBuilder();
    for (char c : "abcdefghijklmnopqrtuvwxyz".toCharArray()) { // all but the s of units
      misspelt.append("\"unit").append(c).append("\": 3, ");
    }
    assertEquals("layers[0].units is missing (is 'unita' or 'unitb' or 'unitc' or 'unitd' or 'unite' or … 20 more "
        + "it, misspelt?)", refusal("{\"input\": [4], \"layers\": [{\"type\": \"dense\", " + misspelt
        + "\"weights\": \"he_uniform\"}], \"loss\": \"squared_error\"}"));
  }

  /**
   * A value a refusal quotes is cut to a hundred characters, saying how many it has: a string or an array of
   * megabytes given for a number, a kind or a choice made a message of megabytes.
   */
  @Test
  void aValueARefusalQuotesIsCutShort() {
    String big = "\"" + "x".repeat(1_000_000) + "\"";
    String shown = "x".repeat(98) + "… (";
    for (String layer : List.of("{\"type\": \"dense\", \"units\": " + big + "}", "{\"type\": " + big + "}",
        "{\"type\": \"dense\", \"units\": 2, \"name\": [" + big + "]}",
        "{\"type\": \"max_pool2d\", \"kernel\": 2, \"padding\": " + big + "}")) {
      String input = layer.contains("pool") ? "[1, 4, 4]" : "[4]";
      String e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read("{\"input\": " + input
          + ", \"layers\": [" + layer + "], \"loss\": \"squared_error\"}")).getMessage();
      assertTrue(e.contains(shown) && e.length() < 1_000, () -> e.substring(0, Math.min(e.length(), 300)));
    }
  }

  private static String refusal(String json) {
    return assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read(json)).getMessage();
  }

  private static String refusalOfOptimizer(String json) {
    return assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.readOptimizer(json)).getMessage();
  }

  /**
   * format_version is read: 1, the only version written (as "1" in a model's metadata), or none; another was accepted
   * whatever it said, so a description of a newer format would have been read as this one.
   */
  @Test
  void aFormatVersionOtherThanOneWrittenIsRefusedNamingIt() {
    String spec = "{\"input\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 2}], \"loss\": \"squared_error\"";
    NetworkSpec plain = NetworkSpecJson.read(spec + "}");
    assertEquals(plain, NetworkSpecJson.read(spec + ", \"format_version\": 1}"));
    assertEquals(plain, NetworkSpecJson.read(spec + ", \"format_version\": \"1\"}"));
    assertEquals(plain, NetworkSpecJson.read(spec + ", \"format_version\": null}"));
    assertEquals("network spec.format_version 99 is newer than this Delta4j reads: this Delta4j reads format version 1 "
        + "(written 1 or \"1\"), or a description without one", refusal(spec + ", \"format_version\": 99}"));
    assertEquals("network spec.format_version \"x\" is no format version: this Delta4j reads format version 1 "
        + "(written 1 or \"1\"), or a description without one", refusal(spec + ", \"format_version\": \"x\"}"));
    assertTrue(refusal(spec + ", \"format_version\": \"2\"}").startsWith("network spec.format_version \"2\" is newer"));
    for (String other : List.of("0", "-1", "1.5", "\"01\"", "\"1.0\"", "[1]", "true")) {
      assertTrue(refusal(spec + ", \"format_version\": " + other + "}").startsWith("network spec.format_version "
          + other + " is no format version"), other);
    }
  }

  /**
   * A spec file that cannot be read says why in words, never a Java exception's name ("cannot be read:
   * java.nio.file.NoSuchFileException: ..."); a pipe is refused rather than waited on for a writer; and a byte order
   * mark at the start, as CSV files may have, is skipped.
   */
  @Test
  void aSpecFileIsRefusedInWordsAPipeIsNotWaitedOnAndAByteOrderMarkIsSkipped(@TempDir Path dir) throws Exception {
    Path loop = dir.resolve("loop.json");
    Files.createSymbolicLink(loop, dir.resolve("other.json"));
    Files.createSymbolicLink(dir.resolve("other.json"), loop);
    assertEquals(loop + " cannot be read: a symbolic link loop (too many levels of symbolic links)",
        fileRefusal(loop));
    Path memory = Path.of("/proc/self/mem"); // opens, then fails to read at offset 0
    if (Files.isReadable(memory)) {
      assertEquals("/proc/self/mem cannot be read: Input/output error", fileRefusal(memory));
    }
    Path locked = Files.writeString(dir.resolve("locked.json"), "{}");
    locked.toFile().setReadable(false, false);
    if (!Files.isReadable(locked)) { // (root reads it anyway)
      assertEquals(locked + " cannot be read: permission denied", fileRefusal(locked));
    }

    Path fifo = dir.resolve("pipe.json");
    org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
        "mkfifo is not available here");
    String refused = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
        () -> fileRefusal(fifo));
    assertEquals(fifo + " is a pipe or socket, not a network spec file: save the spec to a file and give that",
        refused);

    String json = NetworkSpecJson.write(NetworkSpec.builder().input(3).dense(2).loss(LossFunction.MEAN_SQUARED_ERROR)
        .build());
    Path marked = Files.write(dir.resolve("marked.json"), ("\ufeff" + json).getBytes(StandardCharsets.UTF_8));
    assertEquals(json, NetworkSpecJson.readFile(marked));
  }

  private static String fileRefusal(Path file) {
    return assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.readFile(file)).getMessage();
  }

  /**
   * A kind whose writeFields fails, a field left null say, is named with its class wherever it is written, in a block
   * too, where the JVM's words came out of the JSON library ("Cannot read the array length because "<local4>" is
   * null"), naming neither the layer nor the field; a loss's too.
   */
  @Test
  void aKindWhoseWriteFieldsFailsIsNamedWithTheField() {
    NetworkSpec spec = NetworkSpec.builder().input(3).layer(new Sizes(null, null))
        .loss(LossFunction.MEAN_SQUARED_ERROR).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> NetworkSpecJson.write(spec));
    assertEquals("the sizes layer 'sizes1' (" + Sizes.class.getName() + "): its writeFields failed: field 'sizes' is "
        + "null: a kind writes a value for each field it writes", e.getMessage());
    NetworkSpec block = NetworkSpec.builder().input(3).layer(new org.delta4j.autodiff.BlockSpec(
        org.delta4j.autodiff.BlockSpec.Node.of(new Sizes(null, null), org.delta4j.autodiff.BlockSpec.INPUT)))
        .loss(LossFunction.MEAN_SQUARED_ERROR).build();
    e = assertThrows(IllegalStateException.class, () -> NetworkSpecJson.write(block));
    assertTrue(e.getMessage().endsWith("the sizes layer 'sizes1' (" + Sizes.class.getName() + "): its writeFields "
        + "failed: field 'sizes' is null: a kind writes a value for each field it writes"), e.getMessage());
    org.delta4j.spec.LossSpec broken = new org.delta4j.spec.LossSpec() {
      @Override
      public String type() {
        return "broken";
      }

      @Override
      public void writeFields(org.delta4j.spec.FieldWriter out) {
        out.put("order", (java.util.List<String>) null);
      }

      @Override
      public org.delta4j.nn.Loss build(org.delta4j.engine.Engine engine, org.delta4j.tensor.DataType dataType) {
        throw new UnsupportedOperationException("never built");
      }
    };
    e = assertThrows(IllegalStateException.class, () -> NetworkSpecJson.writeLoss(broken));
    assertTrue(e.getMessage().startsWith("the broken loss (" + broken.getClass().getName() + "): its writeFields "
        + "failed: field 'order' is null"), e.getMessage());
  }

  /** A layer kind writing its sizes, which may be left null. */
  private record Sizes(String name, int[] sizes) implements LayerSpec {
    @Override
    public String type() {
      return "sizes";
    }

    @Override
    public LayerSpec withName(String name) {
      return new Sizes(name, sizes);
    }

    @Override
    public org.delta4j.tensor.Shape outputShape(org.delta4j.tensor.Shape input) {
      return input;
    }

    @Override
    public org.delta4j.nn.Layer build(org.delta4j.nn.LayerContext context) {
      throw new UnsupportedOperationException("never built");
    }

    @Override
    public void writeFields(org.delta4j.spec.FieldWriter out) {
      out.put("sizes", sizes);
    }
  }
}
