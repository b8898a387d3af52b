package org.delta4j.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Network;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;

/**
 * Fuzzing the model loader with a real saved model, mutated: bytes of its JSON header overwritten with characters
 * that matter to JSON and numbers, its header length or data changed, the file cut short. Every outcome is a loaded
 * model whose weights are finite, or a {@link ModelFormatException} naming the file — never another exception, and
 * never an allocation that the file's size does not justify. The number of tries is {@code jqwik.tries.default}.
 */
class ModelFilesFuzzTest {
  private static final Engine ENGINE = new RefEngine();
  private static Path dir;
  private static byte[] model;
  private static int headerEnd;

  @BeforeContainer
  static void saveAModel() throws IOException {
    dir = Files.createTempDirectory("delta4j-fuzz");
    NetworkSpec spec = NetworkSpec.builder().input(3).dense(4).relu().dropout(0.25).dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.01)).seed(4).build();
    Path f = dir.resolve("model.safetensors");
    ModelFiles.save(Network.create(spec, ENGINE), f);
    model = Files.readAllBytes(f);
    headerEnd = 8 + (int) ByteBuffer.wrap(model, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  @AfterContainer
  static void removeDirectory() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  /** Overwrites byte {@code position} (modulo the part it aims at) with {@code value}; kind 3 cuts the file there. */
  record Edit(int kind, int position, byte value) {
    byte[] apply(byte[] in) {
      if (kind == 3) {
        return java.util.Arrays.copyOf(in, Math.floorMod(position, in.length));
      }
      int p = switch (kind) {
        case 0 -> 8 + Math.floorMod(position, headerEnd - 8); // the JSON header
        case 1 -> Math.floorMod(position, 8); // the header length
        default -> headerEnd + Math.floorMod(position, in.length - headerEnd); // the tensors' data
      };
      byte[] out = in.clone();
      out[p] = value;
      return out;
    }
  }

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Integer> kind = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(12, Arbitraries.just(0)), net.jqwik.api.Tuple.of(1, Arbitraries.just(1)),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(2)), net.jqwik.api.Tuple.of(1, Arbitraries.just(3)));
    Arbitrary<Byte> json = Arbitraries.of("0123456789-.eE\"{}[],:n ".chars().boxed().toList()).map(c -> (byte) (int) c);
    Arbitrary<Byte> value = Arbitraries.oneOf(Arbitraries.bytes(), json, Arbitraries.of((byte) 0x7f, (byte) 0xff));
    return Combinators.combine(kind, Arbitraries.integers(), value).as(Edit::new).list().ofMinSize(1).ofMaxSize(4);
  }

  @Property
  void mutatedModelsLoadOrAreRefusedWithAFormatError(@ForAll("edits") List<Edit> edits) throws IOException {
    byte[] b = model;
    for (Edit e : edits) { // the overwrites first, at positions of the intact file; then any cuts
      b = e.kind() == 3 ? b : e.apply(b);
    }
    for (Edit e : edits) {
      b = e.kind() == 3 && b.length > 0 ? e.apply(b) : b;
    }
    Path f = Files.write(dir.resolve("fuzz.safetensors"), b);
    var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    try {
      SavedModel m = ModelFiles.load(f, ENGINE);
      m.network().parameters().forEach(p -> {
        for (double v : p.value().toDoubleArray()) {
          assertTrue(Double.isFinite(v), p.name() + " loaded a non-finite value");
        }
      });
    } catch (ModelFormatException e) {
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
    long used = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    assertTrue(used < 64L << 20, "loading a file of " + b.length + " bytes allocated " + used + " bytes");
  }
}
