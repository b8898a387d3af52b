package org.delta4j.dsl.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.function.Supplier;
import org.delta4j.conformance.HostileCalls;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.Dataset;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Network;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classes the processor generates refuse a hostile argument by name, as the API they call does: each public
 * constructor and method of {@link #GENERATED} is called with null, an empty array, a negative or huge count in one
 * position and valid arguments in the others, as {@link HostileCalls} judges.
 */
class GeneratedNetworksHostileArgumentsTest {
  static final List<Class<?>> GENERATED = List.of(XorNetwork.class, GatedXorNetwork.class, ResidualXorNetwork.class,
      SineNetwork.class, SwishNetwork.class, FashionMnistMlpNetwork.class);

  @TempDir
  Path directory;

  @Test
  void everyGeneratedCallRefusesAHostileArgumentByName() {
    Supplier<ArrayDataset> xor = () -> ArrayDataset.classification(
        new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new int[] {0, 1, 1, 0}, 2);
    HostileCalls calls = new HostileCalls()
        .valid(String.class, () -> RefEngine.NAME)
        .valid(Dataset.class, xor)
        .valid(Trainer.class, () -> Trainer.builder().epochs(1).build())
        .valid(float[][].class, () -> new float[][] {{0, 1}, {1, 0}})
        .valid(Path.class, () -> saved(XorNetwork.create(RefEngine.NAME).network()))
        .hostile(Path.class, () -> directory.resolve("absent"), () -> directory)
        .receivers(XorNetwork.class, () -> XorNetwork.create(RefEngine.NAME))
        .receivers(GatedXorNetwork.class, () -> GatedXorNetwork.create(RefEngine.NAME))
        .receivers(ResidualXorNetwork.class, () -> ResidualXorNetwork.create(RefEngine.NAME))
        .receivers(SineNetwork.class, () -> SineNetwork.create(RefEngine.NAME))
        .receivers(SwishNetwork.class, () -> SwishNetwork.create(RefEngine.NAME))
        .receivers(FashionMnistMlpNetwork.class, () -> FashionMnistMlpNetwork.create(RefEngine.NAME));
    for (Class<?> generated : GENERATED) { // a huge epoch count is a long run, not a mistake to refuse
      calls.skip(generated, "train", Dataset.class, int.class, int.class);
      // the XOR-shaped candidates above fit only some: each network is given samples and data of its own shape
      calls.working(generated, "load", none -> new Object[] {saved(network(created(generated))), RefEngine.NAME})
          .working(generated, "outputs", g -> new Object[] {samples(spec(g))})
          .working(generated, "predict", g -> new Object[] {samples(spec(g))})
          .working(generated, "probabilities", g -> new Object[] {samples(spec(g))})
          .working(generated, "evaluate", g -> new Object[] {classes(spec(g))})
          .working(generated, "evaluate", g -> new Object[] {values(spec(g))})
          .working(generated, "train", g -> new Object[] {classes(spec(g)), Trainer.builder().epochs(1).build()})
          .working(generated, "train", g -> new Object[] {values(spec(g)), Trainer.builder().epochs(1).build()});
    }
    calls.sweep(GENERATED.toArray(Class<?>[]::new));
    assertTrue(calls.problems().isEmpty(), calls.problems().size() + " of " + calls.calls()
        + " calls failed badly:\n" + String.join("\n", calls.problems()));
    assertTrue(calls.uncovered().isEmpty(), "no working arguments for:\n" + String.join("\n", calls.uncovered()));
  }

  /** A fresh network of the generated class, on the reference engine, through its {@code create(String)}. */
  private static Object created(Class<?> generated) {
    return reflectively(generated, "create", null, RefEngine.NAME);
  }

  private static Network network(Object generated) {
    return (Network) reflectively(generated.getClass(), "network", generated);
  }

  private static NetworkSpec spec(Object generated) {
    return network(generated).spec();
  }

  private static Object reflectively(Class<?> type, String method, Object receiver, Object... arguments) {
    try {
      return type.getMethod(method, Arrays.stream(arguments).map(Object::getClass).toArray(Class<?>[]::new))
          .invoke(receiver, arguments);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type + "." + method, e);
    }
  }

  /** Two samples of the network's input, as rows of its size. */
  private static float[][] samples(NetworkSpec spec) {
    float[][] rows = new float[2][Math.toIntExact(spec.input().size())];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < rows[i].length; j++) {
        rows[i][j] = (i + j % 7) * 0.25f;
      }
    }
    return rows;
  }

  /** The samples labelled with classes 0 and 1, for a network of two or more classes. */
  private static Dataset classes(NetworkSpec spec) {
    int classes = Math.toIntExact(spec.outputShape().size());
    List<String> names = IntStream.range(0, classes).mapToObj(c -> "class " + c).toList();
    float[][] rows = samples(spec);
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
    }
    return ArrayDataset.classification(flat, spec.input(), new int[] {0, 1}, classes, names);
  }

  /** The samples with a target value for each output, for a regression network. */
  private static Dataset values(NetworkSpec spec) {
    float[][] targets = new float[2][Math.toIntExact(spec.outputShape().size())];
    targets[1][0] = 1;
    return ArrayDataset.regression(samples(spec), targets);
  }

  private Path saved(Network network) {
    return HostileCalls.savedModel(directory, network);
  }
}
