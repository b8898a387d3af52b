package org.delta4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * that matter to JSON and numbers, its header length or data changed, the file cut short, or its header's structure
 * rewritten. Every outcome is the model that was saved, loaded whole, or a {@link ModelFormatException} naming the file
 * — never another exception, never a different model, and never an allocation that the file's size does not justify. The number of tries is {@code jqwik.tries.default}.
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
      sameAsSaved(ModelFiles.load(f, ENGINE));
    } catch (ModelFormatException e) {
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
    long used = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    assertTrue(used < 64L << 20, "loading a file of " + b.length + " bytes allocated " + used + " bytes");
  }

  /**
   * A mutation that loads at all loads the model that was saved: the same weights, buffers, optimizer state and
   * update count, never a silently different model.
   */
  private static void sameAsSaved(SavedModel m) throws IOException {
    SafeTensors.Contents saved = SafeTensors.read(dir.resolve("model.safetensors"));
    m.network().parameters().forEach(p -> assertArrayEquals(saved.tensors().get(p.name()).values(),
        p.value().toDoubleArray(), p.name()));
    m.network().buffers().forEach((name, t) -> assertArrayEquals(saved.tensors().get(name).values(),
        t.toDoubleArray(), name));
    m.network().optimizer().state().forEach((name, t) -> assertArrayEquals(
        saved.tensors().get("optimizer/" + name).values(), t.toDoubleArray(), name));
    assertEquals(saved.metadata().get("optimizer_iterations"),
        String.valueOf(m.network().optimizer().iterations()));
  }

  /**
   * A change to the header's structure, made as a program rewriting it would: {@code kind} picks what, {@code a} and
   * {@code b} pick the tensors or values it touches.
   */
  record HeaderEdit(int kind, int a, int b, long value) {
    byte[] apply(byte[] in) throws IOException {
      ObjectNode header = (ObjectNode) JSON.readTree(new String(in, 8, headerEnd - 8, StandardCharsets.UTF_8).trim());
      List<String> names = new ArrayList<>();
      header.fieldNames().forEachRemaining(n -> {
        if (!n.equals("__metadata__")) {
          names.add(n);
        }
      });
      ObjectNode x = (ObjectNode) header.get(names.get(Math.floorMod(a, names.size())));
      ObjectNode y = (ObjectNode) header.get(names.get(Math.floorMod(b, names.size())));
      long length = -1;
      byte[] raw = null;
      switch (kind) {
        case 0 -> { // exchange two tensors' offsets (of one size, they pass every other check)
          JsonNode t = x.get("data_offsets");
          x.set("data_offsets", y.get("data_offsets"));
          y.set("data_offsets", t);
        }
        case 1 -> { // give one tensor another's name: a duplicate key
          String json = JSON.writeValueAsString(header);
          String from = "\"" + names.get(Math.floorMod(a, names.size())) + "\":{";
          String to = "\"" + names.get(Math.floorMod(b, names.size())) + "\":{";
          raw = json.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to))
              .getBytes(StandardCharsets.UTF_8);
        }
        case 2 -> ((ArrayNode) x.get("data_offsets")) // any offset, huge or negative
            .set(Math.floorMod(b, 2), JSON.getNodeFactory().numberNode(value));
        case 3 -> ((ArrayNode) x.get("shape")).add(Math.abs(value) % Integer.MAX_VALUE); // another dimension
        case 4 -> x.put("dtype", List.of("F16", "I64", "f32", "F32 ", "BF16").get(Math.floorMod(b, 5)));
        case 5 -> length = Long.MAX_VALUE - Math.floorMod(value, 1024); // a header length near the largest long
        default -> { // a byte that is not UTF-8 inside a name or value
          raw = JSON.writeValueAsBytes(header);
          int quote = 0;
          for (int i = 0, seen = 0; i < raw.length; i++) {
            if (raw[i] == '"' && seen++ == Math.floorMod(a, 40)) {
              quote = i;
            }
          }
          raw[quote + 1] = (byte) (0x80 | b & 0x7f);
        }
      }
      byte[] json = raw != null ? raw : JSON.writeValueAsBytes(header);
      ByteBuffer out = ByteBuffer.allocate(8 + json.length + in.length - headerEnd).order(ByteOrder.LITTLE_ENDIAN);
      out.putLong(length >= 0 ? length : json.length).put(json).put(in, headerEnd, in.length - headerEnd);
      return out.array();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  @Provide
  Arbitrary<HeaderEdit> headerEdits() {
    return Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers(), Arbitraries.integers(),
        Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-16, 1 << 12),
            Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1))).as(HeaderEdit::new);
  }

  /**
   * Structural changes to a saved model's header — offsets exchanged or moved anywhere, duplicate names, extra or huge
   * dimensions, other data types, header lengths near {@code Long.MAX_VALUE}, bytes that are not UTF-8 — load the
   * model that was saved or are refused with a {@link ModelFormatException} naming the file, within bounded memory.
   */
  @Property
  void structuralHeaderChangesLoadTheSavedModelOrAreRefused(@ForAll("headerEdits") HeaderEdit edit)
      throws IOException {
    Path f = Files.write(dir.resolve("edited.safetensors"), edit.apply(model));
    var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    try {
      sameAsSaved(ModelFiles.load(f, ENGINE));
    } catch (ModelFormatException e) {
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
    long used = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    assertTrue(used < 64L << 20, "loading the edited file allocated " + used + " bytes");
  }
}
