package org.delta4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KindRegistryTest {
  @Test
  void theBuiltInKindsAreRegisteredThroughTheSameDoorAsAnyOther() {
    KindRegistry kinds = KindRegistry.standard();
    assertEquals(List.of("dense", "identity", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "dropout", "conv2d",
        "max_pool2d", "avg_pool2d", "global_avg_pool2d", "flatten", "batch_norm", "block"),
        kinds.layerKinds().stream().map(LayerKind::type).toList());
    assertEquals(List.of("squared_error", "mean_squared_error", "binary_cross_entropy", "categorical_cross_entropy",
        "softmax_cross_entropy", "perceptron"), kinds.lossKinds().stream().map(LossKind::type).toList());
    assertEquals(List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"),
        kinds.optimizerKinds().stream().map(OptimizerKind::type).toList());
    assertEquals(BuiltInKinds.class.getName(), kinds.provider("layer", "dense"));
  }

  @Test
  void anUnknownTypeNamesTheKindThePlaceAndWhatIsRegistered() {
    UnknownKindException e = assertThrows(UnknownKindException.class,
        () -> KindRegistry.standard().layerKind("swish", "layers[3].type"));
    assertEquals("layer", e.category());
    assertEquals("swish", e.type());
    assertTrue(e.getMessage().startsWith("layers[3].type: unknown layer kind 'swish'; registered: [dense, identity"),
        e.getMessage());
    assertTrue(e.getMessage().contains("KindProvider"), e.getMessage());
  }

  /** A provider of one layer kind whose type and example are given. */
  static KindProvider layers(String type, LayerSpec example) {
    return new KindProvider() {
      @Override
      public List<LayerKind> layerKinds() {
        return List.of(new LayerKind(type, f -> example, new LayerKind.Example(example, Shape.of(2))));
      }
    };
  }

  @Test
  void twoProvidersClaimingOneTypeNameAreRefusedNamingBoth() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KindRegistry.of(List.of(new BuiltInKinds(), layers("dense", new LayerSpec.Dense(2)))));
    assertTrue(e.getMessage().contains("layer kind 'dense' is registered twice: by " + BuiltInKinds.class.getName()
        + " and by " + KindRegistryTest.class.getName()), e.getMessage());
  }

  @Test
  void aKindWhoseSpecsNameAnotherTypeIsRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KindRegistry.of(List.of(layers("swish", new LayerSpec.Dense(2)))));
    assertTrue(e.getMessage().contains("layer kind 'swish'") && e.getMessage().contains("'dense'"), e.getMessage());
  }

  /**
   * A layer kind of any type name, passing its input through, whose writeFields writes its factor as the field {@code
   * field}, or nothing when that is null; and which answers null when asked for its {@code outputShape} or its {@code
   * parameters}, as {@code answersNull} names, to show what a kind answering so meets.
   */
  record Named(String type, String name, double factor, String field, String answersNull) implements LayerSpec {
    Named(String type, String name) {
      this(type, name, 1, null);
    }

    Named(String type, String name, double factor, String field) {
      this(type, name, factor, field, null);
    }

    @Override
    public Named withName(String name) {
      return new Named(type, name, factor, field, answersNull);
    }

    @Override
    public Shape outputShape(Shape input) {
      return "outputShape".equals(answersNull) ? null : input;
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      return "parameters".equals(answersNull) ? null
          : "a parameter".equals(answersNull) ? Arrays.asList(ParameterSpec.of("scale", Shape.of(1),
              Initializer.zeros()), null) : List.of();
    }

    @Override
    public org.delta4j.nn.Layer build(org.delta4j.nn.LayerContext context) {
      throw new UnsupportedOperationException("never built here");
    }

    @Override
    public void writeFields(FieldWriter out) {
      if (field != null) {
        out.put(field, factor);
      }
    }
  }

  /**
   * A description is written to be read: by a model file's loader, by Spark's executors, by a resumed run. A kind whose
   * writeFields and reader disagree is refused where the description is written, naming the kind, its class and the
   * fields: a forgotten field read back as its default, so that a loaded model or an executor ran another network, and
   * a misspelt one made a saved model that no loader could read.
   */
  @Test
  void aDescriptionThatWouldNotReadBackIsRefusedWhereItIsWrittenNamingTheKind() {
    KindRegistry kinds = KindRegistry.of(List.of(new BuiltInKinds(), new KindProvider() {
      @Override
      public List<LayerKind> layerKinds() {
        return List.of(new LayerKind("scaled", f -> new Named("scaled", f.name(), f.number("factor", 1), "factor"),
            new LayerKind.Example(new Named("scaled", null), Shape.of(2))));
      }
    }));
    NetworkSpec forgotten = NetworkSpec.builder().input(2).layer(new Named("scaled", "f", 0.5, null)).dense(2)
        .loss(LossFunction.MEAN_SQUARED_ERROR).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpecJson.write(forgotten, kinds));
    assertEquals("layers[0]: the scaled layer 'f' (" + Named.class.getName() + ") does not read back as it was "
        + "written: its fields {\"type\":\"scaled\",\"name\":\"f\"} read back as "
        + new Named("scaled", "f", 1, "factor") + ", not " + forgotten.layers().get(0) + "; a kind's reader must make "
        + "an equal spec of what its writeFields writes", e.getMessage());
    NetworkSpec misspelt = NetworkSpec.builder().input(2).layer(new Named("scaled", "m", 0.5, "factr")).dense(2)
        .loss(LossFunction.MEAN_SQUARED_ERROR).build();
    e = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.write(misspelt, kinds));
    assertTrue(e.getMessage().startsWith("the description written does not read back: layers[0]: unknown field "
        + "[factr]") && e.getMessage().endsWith("; a kind's reader must read what its writeFields writes"),
        e.getMessage());
    NetworkSpec fine = NetworkSpec.builder().input(2).layer(new Named("scaled", "s", 0.5, "factor")).dense(2)
        .loss(LossFunction.MEAN_SQUARED_ERROR).build();
    assertEquals(fine, NetworkSpecJson.read(NetworkSpecJson.write(fine, kinds), kinds));
    // a kind the registry does not know is for another reader (the conformance suite's PyTorch), written unchecked
    assertTrue(NetworkSpecJson.write(forgotten, KindRegistry.of(List.of(new BuiltInKinds()))).contains("scaled"));
  }

  /**
   * Type names are read in any case (lowered), so a kind registered under a name with capitals could be written but
   * never read back: it is refused when the registry is built, naming the provider.
   */
  @Test
  void aTypeNameWithCapitalsIsRefusedNamingTheProvider() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KindRegistry.of(List.of(layers("LearnedSwish", new Named("LearnedSwish", null)))));
    assertTrue(e.getMessage().contains("'LearnedSwish'") && e.getMessage().contains("lower case")
        && e.getMessage().contains(KindRegistryTest.class.getName()), e.getMessage());
    KindRegistry.of(List.of(layers("learned_swish", new Named("learned_swish", null))));
  }

  /** A kind with no reader or example is refused when made, naming it, not when a description first uses it. */
  @Test
  void aKindWithoutItsPartsIsRefusedNamingIt() {
    LayerKind.Example example = new LayerKind.Example(new LayerSpec.Dense(2), Shape.of(3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LayerKind("dense", null, example));
    assertTrue(e.getMessage().startsWith("layer kind 'dense': its type name, reader and example"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LayerKind("dense", f -> null, null));
    assertThrows(IllegalArgumentException.class, () -> new LossKind("huber", null, LossFunction.SQUARED_ERROR));
    assertThrows(IllegalArgumentException.class,
        () -> new OptimizerKind("lion", f -> new OptimizerSpec.Sgd(0.1), null));
  }

  /**
   * A reader that makes a spec of another kind, or none, would read a description's layer as something else: the
   * registry checked only the example, so the reading is checked too, naming the kind and the place.
   */
  @Test
  void aReaderMakingAnotherKindsSpecIsAnError() {
    KindProvider swishAsDense = new KindProvider() {
      @Override
      public List<LayerKind> layerKinds() {
        return List.of(new LayerKind("swish", f -> new LayerSpec.Dense(f.name(), 3, Initializer.zeros(),
            Initializer.zeros()), new LayerKind.Example(new Named("swish", null), Shape.of(2))));
      }

      @Override
      public List<LossKind> lossKinds() {
        return List.of(new LossKind("nothing", f -> null, new NamedLoss("nothing")));
      }
    };
    KindRegistry kinds = KindRegistry.of(List.of(new BuiltInKinds(), swishAsDense));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> NetworkSpecJson.read(
        "{\"input\": [3], \"layers\": [{\"type\": \"swish\"}], \"loss\": \"squared_error\"}", kinds));
    assertEquals("layer kind 'swish': its reader made a spec of type 'dense' at layers[0]; a kind's reader must make "
        + "specs of the kind's type", e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> NetworkSpecJson.read(
        "{\"input\": [3], \"layers\": [], \"loss\": \"nothing\"}", kinds));
    assertTrue(e.getMessage().startsWith("loss kind 'nothing': its reader made null at loss"), e.getMessage());
  }

  /**
   * A reader's own bug (a null unboxed, an index past a list) is the kind's failure, named with the place it was
   * reading, where the JVM's words alone came out of the reading, naming neither the kind nor the place; a reader's
   * refusal of what it was given still comes out as it was thrown.
   */
  @Test
  void aReadersOwnBugNamesTheKindAndThePlace() {
    KindProvider buggy = new KindProvider() {
      @Override
      public List<LayerKind> layerKinds() {
        return List.of(new LayerKind("buggy", f -> {
          Integer size = f.has("size") ? f.integer("size", null) : null;
          return new Named("buggy", f.name(), size, "size");
        }, new LayerKind.Example(new Named("buggy", null), Shape.of(2))));
      }

      @Override
      public List<LossKind> lossKinds() {
        return List.of(new LossKind("buggy_loss", f -> List.<LossSpec>of().get(0), new NamedLoss("buggy_loss")));
      }
    };
    KindRegistry kinds = KindRegistry.of(List.of(new BuiltInKinds(), buggy));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> NetworkSpecJson.read(
        "{\"input\": [3], \"layers\": [{\"type\": \"dense\", \"units\": 2}, {\"type\": \"buggy\"}], \"loss\": "
        + "\"squared_error\"}", kinds));
    assertTrue(e.getMessage().startsWith("layer kind 'buggy': its reader failed at layers[1]: "
        + "java.lang.NullPointerException"), e.getMessage());
    assertTrue(e.getCause() instanceof NullPointerException, String.valueOf(e.getCause()));
    e = assertThrows(IllegalStateException.class, () -> NetworkSpecJson.read(
        "{\"input\": [3], \"layers\": [], \"loss\": {\"type\": \"buggy_loss\"}}", kinds));
    assertTrue(e.getMessage().startsWith("loss kind 'buggy_loss': its reader failed at loss: "
        + "java.lang.ArrayIndexOutOfBoundsException"), e.getMessage());
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> NetworkSpecJson.read(
        "{\"input\": [3], \"layers\": [{\"type\": \"buggy\", \"size\": 1.5}], \"loss\": \"squared_error\"}",
        kinds));
    assertEquals("layers[0].size must be a whole number, got 1.5", refused.getMessage());
  }

  /** A provider whose list holds a null where a kind should be is named with the entry, not by a bare NPE. */
  @Test
  void aProviderListingANullKindIsNamedWithTheEntry() {
    KindProvider gap = new KindProvider() {
      @Override
      public List<LayerKind> layerKinds() {
        return Arrays.asList(new LayerKind("first", f -> new Named("first", f.name()),
            new LayerKind.Example(new Named("first", null), Shape.of(2))), null);
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> KindRegistry.of(List.of(gap)));
    assertEquals("layer kind 1 of provider " + gap.getClass().getName() + " is null: a provider lists its kinds, "
        + "each made with its type name, reader and example", e.getMessage());
  }

  /** A loss kind of any type name. */
  record NamedLoss(String type) implements LossSpec {
    @Override
    public org.delta4j.nn.Loss build(org.delta4j.engine.Engine engine, org.delta4j.tensor.DataType dataType) {
      throw new UnsupportedOperationException("never built here");
    }
  }

  /** A provider that cannot even list its kinds. */
  public static final class ThrowingProvider implements KindProvider {
    @Override
    public List<LossKind> lossKinds() {
      throw new IllegalStateException("the native part of this loss is missing");
    }
  }

  @Test
  void aProviderThatThrowsIsNamedWithItsFailure() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KindRegistry.of(List.of(new ThrowingProvider())));
    assertTrue(e.getMessage().contains(ThrowingProvider.class.getName() + ".lossKinds() failed")
        && e.getMessage().contains("the native part of this loss is missing"), e.getMessage());
  }

  @Test
  void providersAreFoundWithServiceLoaderAndABrokenOneIsNamed(@TempDir Path dir) throws IOException {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(services.resolve(KindProvider.class.getName()), ThrowingProvider.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> KindRegistry.load(loader));
      assertTrue(e.getMessage().contains(ThrowingProvider.class.getName()), e.getMessage());
    }
    Files.writeString(services.resolve(KindProvider.class.getName()), "org.example.NoSuchProvider\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> KindRegistry.load(loader));
      assertTrue(e.getMessage().contains("org.example.NoSuchProvider"), e.getMessage());
    }
  }

  /** A provider of one layer kind that only a thread whose context class loader lists it can see. */
  public static final class PluginProvider implements KindProvider {
    @Override
    public List<LayerKind> layerKinds() {
      return List.of(new LayerKind("plugin_layer", f -> new Named("plugin_layer", f.name()),
          new LayerKind.Example(new Named("plugin_layer", null), Shape.of(2))));
    }
  }

  private static boolean hasPlugin(KindRegistry r) {
    return r.layerKinds().stream().anyMatch(k -> k.type().equals("plugin_layer"));
  }

  /**
   * Which kinds a thread reads follows its own context class loader, whatever thread read first: a plugin's thread,
   * its kinds on its own loader, was refused them when another thread had filled the one registry before it.
   */
  @Test
  void eachContextClassLoaderHasTheKindsItSees(@TempDir Path dir) throws Exception {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(services.resolve(KindProvider.class.getName()), PluginProvider.class.getName() + "\n");
    assertFalse(hasPlugin(KindRegistry.standard()), "the application's loader first");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      List<Boolean> seen = new java.util.ArrayList<>();
      Thread plugin = new Thread(() -> seen.add(hasPlugin(KindRegistry.standard())));
      plugin.setContextClassLoader(loader);
      plugin.start();
      plugin.join();
      assertEquals(List.of(true), seen, "the plugin's thread sees its kind");
    }
    assertFalse(hasPlugin(KindRegistry.standard()), "and the application's does not");
  }

  /** The check that keeps a kind from being added to one place and forgotten in another: every kind round-trips. */
  @Test
  void everyRegisteredKindRoundTripsThroughJson() {
    KindRegistry kinds = KindRegistry.standard();
    for (LayerKind k : kinds.layerKinds()) {
      LayerSpec named = k.example().spec().withName("x");
      assertEquals(named, NetworkSpecJson.readLayer(NetworkSpecJson.writeLayer(named)), k.type());
      assertEquals(k.type(), named.type(), k.type());
      NetworkSpec net = NetworkSpec.builder().input(k.example().input().dims()).layer(k.example().spec())
          .loss(LossFunction.MEAN_SQUARED_ERROR).build();
      assertEquals(net, NetworkSpecJson.read(NetworkSpecJson.write(net)), k.type());
    }
    for (LossKind k : kinds.lossKinds()) {
      assertEquals(k.example(), NetworkSpecJson.readLoss(NetworkSpecJson.writeLoss(k.example())), k.type());
    }
    for (OptimizerKind k : kinds.optimizerKinds()) {
      assertEquals(k.example(), NetworkSpecJson.readOptimizer(NetworkSpecJson.writeOptimizer(k.example())), k.type());
    }
  }

  @Test
  void eachOptimizerKindsDefaultsLiveInOnePlace() {
    LearningRateSchedule constant = new LearningRateSchedule.Constant();
    assertEquals(new OptimizerSpec.AdamW(0.01, OptimizerSpec.AdamW.DEFAULT_WEIGHT_DECAY),
        NetworkSpecJson.optimizer("ADAMW", 0.01, constant));
    assertEquals(new OptimizerSpec.Adam(0.002), NetworkSpecJson.optimizer("adam", 0.002, constant));
    assertEquals(NetworkSpecJson.readOptimizer("{\"type\": \"rmsprop\", \"learning_rate\": 0.1}"),
        new OptimizerSpec.RmsProp(0.1));
    assertThrows(UnknownKindException.class, () -> NetworkSpecJson.optimizer("lion", 0.01, constant));
  }
}
