package org.delta4j.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.UnknownKindException;

/**
 * {@link NetworkSpec} as JSON, the form saved models carry and network spec files are written in:
 *
 * <pre>{@code
 * {"input": [784],
 *  "layers": [{"type": "dense", "units": 256, "weights": "he_uniform"}, {"type": "relu"},
 *             {"type": "dropout", "rate": 0.2}, {"type": "dense", "units": 10}],
 *  "loss": "softmax_cross_entropy",
 *  "optimizer": {"type": "adam", "learning_rate": 0.001, "schedule": {"type": "cosine", "total_steps": 2345}},
 *  "seed": 42}
 * }</pre>
 *
 * Every layer, the loss and the optimizer is an object with a {@code type}, read by the kind registered under that
 * name in a {@link KindRegistry} (the built-in ones and any a {@link org.delta4j.spec.KindProvider} adds) from its own
 * fields; a loss without fields may be written as its name alone, and a list of sizes of one value as the value
 * ({@code "kernel": 3} for {@code [3]}, a 3×3 window). Names, initializers, hyperparameters, the optimizer
 * and the seed may be left out and take their kind's defaults. Writing gives every field, so a saved description
 * round-trips exactly. Unknown types and unknown fields are errors that name the place ({@code layers[2].unit}).
 * Thread-safe.
 */
public final class NetworkSpecJson {
  /**
   * The only format version a Delta4j has written (in its models' metadata, as "1"); a description may carry it as
   * {@code format_version}, and one of another version is refused.
   */
  private static final int FORMAT_VERSION = 1;

  /** The largest network spec file {@link #readFile} reads: 16 MiB. */
  public static final int MAX_FILE_BYTES = 16 << 20;

  /**
   * Strict where JSON readers differ: a field given twice ({@code "units": 3, "units": 5}) or a second value after the
   * description (a file pasted twice) is an error, not one of the readings chosen silently.
   */
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private NetworkSpecJson() {}

  /**
   * The description as JSON, every field written, with the kinds of the standard registry.
   *
   * @throws IllegalArgumentException when it would not read back as {@code spec} (see {@link #write(NetworkSpec,
   *     KindRegistry)})
   */
  public static String write(NetworkSpec spec) {
    Objects.requireNonNull(spec, "spec is null");
    return write(spec, KindRegistry.standard());
  }

  /**
   * The description as JSON, every field written, checked to read back with {@code kinds} as an equal spec: it is
   * written to be read (by a model's loader, Spark's executors, a resumed run), and a kind whose writeFields and reader
   * disagree would otherwise make a file nothing reads, or one read as another network (a field forgotten is read as
   * its default). A description of a kind {@code kinds} does not know cannot be checked, and is written as it stands.
   *
   * @throws IllegalArgumentException naming the part, its kind and class, and the fields, when it would not
   */
  public static String write(NetworkSpec spec, KindRegistry kinds) {
    Objects.requireNonNull(spec, "spec is null");
    Objects.requireNonNull(kinds, "kinds is null");
    return write(spec, kinds, true);
  }

  /**
   * As {@link #write(NetworkSpec)}, for a file that Delta4j itself must read again (a model): a kind the standard
   * registry does not know is an {@link UnknownKindException}, not written as it stands.
   */
  static String writeReadable(NetworkSpec spec) {
    return write(spec, KindRegistry.standard(), false);
  }

  private static String write(NetworkSpec spec, KindRegistry kinds, boolean unknownKindsWritten) {
    ObjectNode json = toJson(spec);
    NetworkSpec back;
    try {
      back = fromJson(json, kinds);
    } catch (UnknownKindException e) { // for another reader (PyTorch's, say); Delta4j's refuses it, naming the kind
      if (unknownKindsWritten) {
        return text(json);
      }
      throw e;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException("the description written does not read back: " + e.getMessage()
          + "; a kind's reader must read what its writeFields writes", e);
    }
    if (!back.equals(spec)) {
      throw new IllegalArgumentException(difference(spec, back, json));
    }
    return text(json);
  }

  /** Which part of {@code spec} read back as another, and how. */
  private static String difference(NetworkSpec spec, NetworkSpec back, ObjectNode json) {
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec l = spec.layers().get(i);
      if (!l.equals(back.layers().get(i))) {
        return misread("layers[" + i + "]", "the " + l.type() + " layer '" + l.name() + "'", l, back.layers().get(i),
            json.get("layers").get(i));
      }
    }
    if (!spec.loss().equals(back.loss())) {
      return misread("loss", "the " + spec.loss().type() + " loss", spec.loss(), back.loss(), json.get("loss"));
    }
    if (!spec.optimizer().equals(back.optimizer())) {
      return misread("optimizer", "the " + spec.optimizer().type() + " optimizer", spec.optimizer(),
          back.optimizer(), json.get("optimizer"));
    }
    return "the description written reads back as " + back + ", not " + spec;
  }

  private static String misread(String where, String what, Object written, Object read, JsonNode fields) {
    return where + ": " + what + " (" + written.getClass().getName() + ") does not read back as it was written: its "
        + "fields " + fields + " read back as " + read + ", not " + written + "; a kind's reader must make an "
        + "equal spec of what its writeFields writes";
  }

  /** Parses a description with the standard registry; an {@link IllegalArgumentException} names what is wrong. */
  public static NetworkSpec read(String json) {
    return read(json, KindRegistry.standard());
  }

  /**
   * The text of a network spec file, a UTF-8 byte order mark at its start skipped (as editors on Windows write one),
   * refused with an {@link IllegalArgumentException} whose message starts with {@code file} when it is a directory, a
   * pipe or socket, cannot be read (its cause in words: no such file, permission denied, a symbolic link loop, else the
   * system's reason), is not UTF-8 text or holds more than {@link #MAX_FILE_BYTES} (a device such as {@code /dev/zero}
   * would otherwise fill the heap): a spec is JSON of some kilobytes.
   */
  public static String readFile(Path file) {
    Objects.requireNonNull(file, "file is null");
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + " is a directory, not a network spec file");
    }
    if (isPipeOrSocket(file)) { // opening a pipe waits for a writer: the program hung, silent, until killed
      throw new IllegalArgumentException(file + " is a pipe or socket, not a network spec file: save the spec to a "
          + "file and give that");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read: " + reason(e), e);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(file + " holds more than " + MAX_FILE_BYTES / (1 << 20) + " MiB, too much "
          + "for a network spec file (JSON of some kilobytes)");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + " is not UTF-8 text, as a network spec file (JSON) is", e);
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /**
   * Whether {@code file} is a named pipe (FIFO) or a socket; false when that cannot be told (no such file, a file
   * system without Unix modes), which the open then reports. Devices are read as files: /dev/zero is refused by its
   * size.
   */
  private static boolean isPipeOrSocket(Path file) {
    try {
      int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000; // S_IFMT
      return type == 0010000 || type == 0140000; // S_IFIFO, S_IFSOCK
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      return false;
    }
  }

  /**
   * Why a file cannot be read, in words: never the name of a Java exception, which the message once carried
   * ("java.nio.file.NoSuchFileException: net.json"); the system's own reason where there is no better word.
   */
  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    if (reason != null && reason.startsWith("Too many levels of symbolic links")) { // ELOOP
      return "a symbolic link loop (too many levels of symbolic links)";
    }
    if (reason == null || reason.isBlank()) {
      return e instanceof NotDirectoryException ? "a part of its path is not a directory" : "an input/output error";
    }
    return reason;
  }

  /** Parses a description whose kinds come from {@code kinds}. */
  public static NetworkSpec read(String json, KindRegistry kinds) {
    Objects.requireNonNull(kinds, "kinds is null");
    return fromJson(parse(json, "network spec"), kinds);
  }

  /** One layer as a JSON object: {@code type}, {@code name} and the kind's fields. */
  public static String writeLayer(LayerSpec layer) {
    Objects.requireNonNull(layer, "layer is null");
    return text(layer(layer));
  }

  /** One layer from a JSON object, by the kind its {@code type} names in the standard registry. */
  public static LayerSpec readLayer(String json) {
    return layer(parse(json, "layer"), "layer", KindRegistry.standard());
  }

  /** One loss: its type name, or an object when the kind has fields. */
  public static String writeLoss(LossSpec loss) {
    Objects.requireNonNull(loss, "loss is null");
    return text(loss(loss));
  }

  /** One loss from its type name (as a JSON string) or object. */
  public static LossSpec readLoss(String json) {
    return loss(parse(json, "loss"), "loss", KindRegistry.standard());
  }

  /** One optimizer as a JSON object. */
  public static String writeOptimizer(OptimizerSpec optimizer) {
    Objects.requireNonNull(optimizer, "optimizer is null");
    return text(optimizer(optimizer));
  }

  /** One optimizer from a JSON object. */
  public static OptimizerSpec readOptimizer(String json) {
    return optimizer(parse(json, "optimizer"), "optimizer", KindRegistry.standard());
  }

  /**
   * An optimizer of the registered kind {@code type} (any case) with that kind's defaults but for this base rate and
   * schedule: how a program turns "--optimizer NAME" into a spec, through the same door as a description file.
   */
  public static OptimizerSpec optimizer(String type, double learningRate, LearningRateSchedule schedule) {
    Objects.requireNonNull(type, "optimizer type is null");
    Objects.requireNonNull(schedule, () -> type + " optimizer: schedule is null");
    ObjectNode n = JSON.createObjectNode().put("type", type.toLowerCase(Locale.ROOT))
        .put("learning_rate", learningRate);
    new FieldWriter(n).put("schedule", schedule);
    return optimizer(n, "optimizer", KindRegistry.standard());
  }

  private static String text(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot happen: a tree always serialises", e);
    }
  }

  private static JsonNode parse(String json, String what) {
    Objects.requireNonNull(json, () -> "the " + what + " JSON is null");
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // some errors have no location: nesting past the parser's depth limit, for one
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException(what + ": not valid JSON: " + e.getOriginalMessage()
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
    }
  }

  static ObjectNode toJson(NetworkSpec spec) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode input = root.putArray("input");
    for (int d : spec.input().dims()) {
      input.add(d);
    }
    ArrayNode layers = root.putArray("layers");
    for (LayerSpec l : spec.layers()) {
      layers.add(layer(l));
    }
    root.set("loss", loss(spec.loss()));
    root.set("optimizer", optimizer(spec.optimizer()));
    root.put("seed", spec.seed());
    return root;
  }

  /** Runs a kind's writeFields, whose failure (a field left null, its own bug) names the kind and its class. */
  private static void written(String what, Object spec, Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      throw new IllegalStateException(what + " (" + spec.getClass().getName() + "): its writeFields failed: "
          + (e.getMessage() != null ? e.getMessage() : e), e);
    }
  }

  private static ObjectNode layer(LayerSpec l) {
    ObjectNode n = JSON.createObjectNode();
    new FieldWriter(n).layer(l);
    return n;
  }

  private static JsonNode loss(LossSpec loss) {
    ObjectNode n = JSON.createObjectNode().put("type", loss.type());
    written("the " + loss.type() + " loss", loss, () -> loss.writeFields(new FieldWriter(n)));
    return n.size() == 1 ? n.get("type") : n;
  }

  private static ObjectNode optimizer(OptimizerSpec o) {
    ObjectNode n = JSON.createObjectNode().put("type", o.type());
    written("the " + o.type() + " optimizer", o, () -> o.writeFields(new FieldWriter(n)));
    new FieldWriter(n).put("learning_rate", o.learningRate()).put("weight_decay", o.weightDecay())
        .put("schedule", o.schedule());
    return n;
  }

  static NetworkSpec fromJson(JsonNode root, KindRegistry kinds) {
    FieldReader r = new FieldReader(root, "network spec");
    NetworkSpec.Builder b = NetworkSpec.builder();
    int[] input = r.integers("input", null);
    try {
      b.input(input);
    } catch (IllegalArgumentException e) { // "a shape needs at least one dimension": say which shape
      throw new IllegalArgumentException("network spec.input " + java.util.Arrays.toString(input) + ": "
          + e.getMessage(), e);
    }
    if (r.has("format_version")) {
      formatVersion(root.get("format_version"));
    }
    JsonNode layers = root.get("layers");
    r.has("layers");
    if (layers == null || !layers.isArray()) {
      throw new IllegalArgumentException("network spec: layers must be an array of layer objects");
    }
    for (int i = 0; i < layers.size(); i++) {
      b.layer(layer(layers.get(i), "layers[" + i + "]", kinds));
    }
    if (!r.has("loss")) {
      throw new IllegalArgumentException("network spec.loss is missing");
    }
    b.loss(loss(root.get("loss"), "loss", kinds));
    if (r.has("optimizer")) {
      b.optimizer(optimizer(root.get("optimizer"), "optimizer", kinds));
    }
    if (r.has("seed")) {
      b.seed(r.longInteger("seed", null));
    }
    r.finish();
    return b.build();
  }

  /**
   * Refuses a {@code format_version} other than one a Delta4j has written: it was accepted whatever it said, 99 or
   * "x", so a description of a newer format was read as if it were this one.
   */
  private static void formatVersion(JsonNode v) {
    // a number, or a string of digits as a model's metadata writes it
    BigInteger version = v.isIntegralNumber() ? v.bigIntegerValue()
        : v.isTextual() && v.textValue().matches("[1-9][0-9]{0,17}") ? new BigInteger(v.textValue()) : null;
    int order = version == null ? -1 : version.compareTo(BigInteger.valueOf(FORMAT_VERSION));
    if (order == 0) {
      return;
    }
    throw new IllegalArgumentException("network spec.format_version " + v + (order > 0 ? " is newer than this "
        + "Delta4j reads: " : " is no format version: ") + "this Delta4j reads format version " + FORMAT_VERSION
        + " (written " + FORMAT_VERSION + " or \"" + FORMAT_VERSION + "\"), or a description without one");
  }

  private static LayerSpec layer(JsonNode node, String where, KindRegistry kinds) {
    return new FieldReader(node, where, kinds).asLayer();
  }

  private static LossSpec loss(JsonNode node, String where, KindRegistry kinds) {
    if (node.isTextual()) {
      String type = node.asText().toLowerCase(Locale.ROOT);
      return new FieldReader(JSON.createObjectNode(), where).read(kinds.lossKind(type, where)::read);
    }
    FieldReader f = new FieldReader(node, where);
    String type = f.text("type", null).toLowerCase(Locale.ROOT);
    return f.read(kinds.lossKind(type, where + ".type")::read);
  }

  private static OptimizerSpec optimizer(JsonNode node, String where, KindRegistry kinds) {
    FieldReader f = new FieldReader(node, where);
    String type = f.text("type", null).toLowerCase(Locale.ROOT);
    return f.read(kinds.optimizerKind(type, where + ".type")::read);
  }
}
