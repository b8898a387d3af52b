package org.delta4j.io;

import static org.delta4j.io.ModelFormatException.quoted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.delta4j.engine.Engine;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.Excerpt;
import org.delta4j.spec.KindProvider;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.spec.UnknownKindException;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.NonFinite;
import org.delta4j.tensor.Tensor;
import org.delta4j.train.EpochResult;

/**
 * Saves and loads models as one file in the {@link SafeTensors} layout: the parameters under their names ({@code
 * dense1.weight}), the layers' buffers likewise, the optimizer state under {@code optimizer/<parameter>/<state>}, and
 * in the metadata the format name and version, the network description as JSON ({@link NetworkSpecJson}), the
 * provider of each kind it uses, the data type, the optimizer's update count and the training progress. Python's
 * {@code safetensors} reads the same file. Never Java serialization. Saving is atomic; loading validates the file
 * against the description before trusting it.
 */
public final class ModelFiles {
  /** The format name in the metadata. */
  public static final String FORMAT = "delta4j-model";
  /** The format version written; files of a newer version are refused. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The metadata key of the training run's configuration. */
  public static final String RUN = "run";

  private static final String OPTIMIZER_PREFIX = "optimizer/";

  private ModelFiles() {}

  /** Saves the network with no training progress. */
  public static void save(Network network, Path file) throws IOException {
    save(network, TrainingProgress.none(), file);
  }

  /**
   * Saves the network, its optimizer state and the progress to {@code file}, replacing it atomically. The model is
   * read as it stands between two updates ({@link Network#readModel}), so that a save from another thread while the
   * network trains writes the model of one update, never a mix of two.
   *
   * @throws IllegalArgumentException when a weight, buffer or optimizer state holds NaN or an infinity, or the network
   *     uses a kind that no {@link KindProvider} on the class path registers, either of which loading refuses; the
   *     file is left as it was
   * @throws IllegalStateException as {@link Heap#outOfMemory} words it, naming the file and the memory the save
   *     needs, when the heap cannot hold the copy of the model a save makes (its tensors as doubles); the file is left
   *     as it was
   */
  public static void save(Network network, TrainingProgress progress, Path file) throws IOException {
    save(network, progress, null, file);
  }

  /**
   * Saves as {@link #save(Network, TrainingProgress, Path)} does, with the training run's configuration (an opaque
   * string, null for none) in the metadata under {@value #RUN}, for a resume that repeats the run faithfully.
   */
  public static void save(Network network, TrainingProgress progress, String runConfiguration, Path file)
      throws IOException {
    Objects.requireNonNull(network, "network is null");
    Objects.requireNonNull(progress, "progress is null");
    Objects.requireNonNull(file, "file is null");
    Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
    try {
      save(network, progress, runConfiguration, file, tensors);
    } catch (OutOfMemoryError e) {
      // A model that trains in the heap may not fit it twice over: said so, where the run ended in the error itself
      tensors.clear(); // the room to say it
      List<Tensor> all = new ArrayList<>();
      all.addAll(network.parameters().stream().map(Parameter::value).toList());
      all.addAll(network.buffers().values());
      all.addAll(network.optimizer().state().values());
      long values = all.stream().mapToLong(Tensor::size).sum();
      long largest = all.stream().mapToLong(t -> t.size() * t.dataType().bytes()).max().orElse(0);
      throw Heap.outOfMemory(String.format(java.util.Locale.ROOT, "%s: not saved (what was there is as it was): "
          + "the copy of the model a save makes, its %,d tensors of %,d values as doubles and the bytes of the "
          + "largest as written,", file, all.size(), values), values * Double.BYTES + largest, e);
    }
  }

  /** The save itself, the copy of the model put in {@code tensors}. */
  private static void save(Network network, TrainingProgress progress, String runConfiguration, Path file,
      Map<String, SafeTensors.Entry> tensors) throws IOException {
    // One reading of the model between two updates, should another thread be training the network meanwhile
    long iterations = network.readModel(() -> {
      // Checked in the reading that is written: checked before it, an update made meanwhile by another thread could
      // write NaN into the file after all. Loading refuses such a model, so a save would leave a file, a checkpoint
      // say, that nothing can resume from.
      String nonFinite = firstNonFinite(network);
      if (nonFinite != null) {
        throw new IllegalArgumentException(file + ": not saved, as " + nonFinite + " and a model must hold finite "
            + "numbers (training diverged, or an update took a NaN or infinite gradient)");
      }
      String refusedValue = firstRefusedValue(network);
      if (refusedValue != null) {
        throw new IllegalArgumentException(file + ": not saved, as " + refusedValue + ", which loading refuses");
      }
      for (Parameter p : network.parameters()) {
        tensors.put(p.name(), entry(p.value()));
      }
      for (Map.Entry<String, Tensor> b : network.buffers().entrySet()) {
        tensors.put(b.getKey(), entry(b.getValue()));
      }
      for (Map.Entry<String, Tensor> s : network.optimizer().state().entrySet()) {
        tensors.put(OPTIMIZER_PREFIX + s.getKey(), entry(s.getValue()));
      }
      return network.optimizer().iterations();
    });
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("format_version", String.valueOf(FORMAT_VERSION));
    meta.put("network", loadable(network.spec(), file));
    meta.put("kinds", kindProviders(network.spec()));
    meta.put("data_type", network.dataType().name());
    meta.put("optimizer_iterations", String.valueOf(iterations));
    meta.put("completed_epochs", String.valueOf(progress.completedEpochs()));
    meta.put("history", history(progress.history()));
    if (runConfiguration != null) {
      meta.put(RUN, runConfiguration);
    }
    SafeTensors.write(file, tensors, meta);
  }

  /**
   * The network's description, refused when a kind in it is one that no provider registers: loading reads the
   * description with the kinds registered on the class path, so the file would be one nothing loads.
   */
  private static String loadable(NetworkSpec spec, Path file) {
    try {
      return NetworkSpecJson.writeReadable(spec);
    } catch (UnknownKindException e) {
      throw new IllegalArgumentException(file + ": not saved, as the network uses the " + e.category() + " kind '"
          + e.type() + "', which no KindProvider on the class path registers, so the model could not be loaded: "
          + "register it (a KindProvider named in META-INF/services/" + KindProvider.class.getName() + ")", e);
    }
  }

  /**
   * Which provider registered each kind the network uses, as JSON {@code {"layer/dense": "org.delta4j.spec.BuiltInKinds",
   * ...}}: a model whose kind is missing where it is loaded can then say what to add. The layers written inside a
   * layer (a block's nodes) count too, since a missing kind is missed wherever it is.
   */
  private static String kindProviders(NetworkSpec spec) {
    KindRegistry kinds = KindRegistry.standard();
    ObjectNode n = JSON.createObjectNode();
    for (JsonNode l : NetworkSpecJson.toJson(spec).get("layers")) {
      layerKinds(l, kinds, n);
    }
    n.put("loss/" + spec.loss().type(), String.valueOf(kinds.provider("loss", spec.loss().type())));
    n.put("optimizer/" + spec.optimizer().type(), String.valueOf(kinds.provider("optimizer", spec.optimizer().type())));
    return n.toString();
  }

  /**
   * The kind of a layer as written ({@link org.delta4j.spec.FieldWriter#layer}: a type and a name) and of every layer
   * written among its fields, at any depth.
   */
  private static void layerKinds(JsonNode layer, KindRegistry kinds, ObjectNode into) {
    String type = layer.get("type").asText();
    into.put("layer/" + type, String.valueOf(kinds.provider("layer", type)));
    nestedLayerKinds(layer, kinds, into);
  }

  private static void nestedLayerKinds(JsonNode node, KindRegistry kinds, ObjectNode into) {
    for (JsonNode child : node) {
      JsonNode type = child.get("type");
      if (child.isObject() && type != null && type.isTextual() && child.has("name")
          && kinds.provider("layer", type.asText()) != null) {
        layerKinds(child, kinds, into);
      } else if (child.isContainerNode()) {
        nestedLayerKinds(child, kinds, into);
      }
    }
  }

  private static String providerNamed(String kindsJson, String key) {
    if (kindsJson == null) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(kindsJson).get(key);
      // "null": a kind no provider registered, which models saved before such a save was refused recorded so
      return n == null || !n.isTextual() || n.asText().equals("null") ? null : n.asText();
    } catch (IOException e) {
      return null;
    }
  }

  private static SafeTensors.Entry entry(Tensor t) {
    return new SafeTensors.Entry(t.dataType(), t.shape().dims(), t.toDoubleArray());
  }

  /** Loads onto {@code engine} in the data type the model was saved in. */
  public static SavedModel load(Path file, Engine engine) throws IOException {
    return load(file, engine, null);
  }

  /** Loads onto {@code engine} in {@code dataType} (null: as saved), converting the values when the types differ. */
  public static SavedModel load(Path file, Engine engine, DataType dataType) throws IOException {
    Objects.requireNonNull(file, "file is null");
    Objects.requireNonNull(engine, "engine is null");
    SafeTensors.Contents c;
    try {
      c = SafeTensors.read(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "no saved model here");
    }
    Map<String, String> meta = c.metadata();
    if (!FORMAT.equals(meta.get("format"))) {
      throw new ModelFormatException(file, "not a Delta4j model (format " + quoted(meta.get("format"))
          + ", expected '" + FORMAT + "')");
    }
    int version = integer(file, meta, "format_version");
    if (version > FORMAT_VERSION) {
      throw new ModelFormatException(file, "format version " + version + " is newer than this Delta4j reads ("
          + FORMAT_VERSION + "): use a newer Delta4j");
    }
    NetworkSpec spec;
    try {
      spec = NetworkSpecJson.read(require(file, meta, "network"));
    } catch (UnknownKindException e) {
      String provider = providerNamed(meta.get("kinds"), e.category() + "/" + e.type());
      throw new ModelFormatException(file, "the model uses the " + e.category() + " kind " + quoted(e.type())
          + (provider == null ? "" : ", provided by " + Excerpt.of(provider) + ",") + " which is not on the class "
          + "path: add the library that registers it (a KindProvider in META-INF/services) to load this model", e);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file, "invalid network description: " + e.getMessage(), e);
    }
    DataType saved;
    try {
      saved = DataType.valueOf(require(file, meta, "data_type"));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file, "unknown data type " + quoted(meta.get("data_type")));
    }
    checkDeclaredTensors(file, spec, c);
    Network network = Network.create(spec, engine, dataType == null ? saved : dataType);
    Set<String> unused = new LinkedHashSet<>(c.tensors().keySet());
    for (Parameter p : network.parameters()) {
      fill(file, c, saved, p.name(), p.value(), unused);
    }
    for (Map.Entry<String, Tensor> b : network.buffers().entrySet()) {
      fill(file, c, saved, b.getKey(), b.getValue(), unused);
    }
    for (Map.Entry<String, Tensor> s : network.optimizer().state().entrySet()) {
      fill(file, c, saved, OPTIMIZER_PREFIX + s.getKey(), s.getValue(), unused);
    }
    if (!unused.isEmpty()) {
      // quoted, as a name may be empty or end in spaces; a few of them and how many more, as a forged header of
      // thousands made a line of hundreds of kilobytes
      List<String> named = new ArrayList<>(unused.stream().limit(5).map(n -> "'" + n + "'").toList());
      if (unused.size() > named.size()) {
        named.add("… " + (unused.size() - named.size()) + " more");
      }
      throw new ModelFormatException(file, "tensors " + named + " belong to no parameter or optimizer state of the "
          + "network it describes");
    }
    checkFinite(file, network);
    checkRefusedValues(file, network);
    long iterations = count(file, meta, "optimizer_iterations");
    network.optimizer().restore(iterations);
    int epochs = integer(file, meta, "completed_epochs");
    return new SavedModel(network, new TrainingProgress(epochs, history(file, meta.getOrDefault("history", "[]"))));
  }

  /**
   * The training run's configuration saved with the model (null when it was saved without one), read from the
   * metadata alone.
   */
  public static String runConfiguration(Path file) throws IOException {
    Objects.requireNonNull(file, "file is null");
    try {
      return SafeTensors.readMetadata(file).get(RUN);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "no saved model here");
    }
  }

  /**
   * Refuses a description whose layers declare a tensor the file does not hold, or holds in another shape, before any
   * is allocated: a forged description claiming more than the file holds allocates nothing.
   */
  private static void checkDeclaredTensors(Path file, NetworkSpec spec, SafeTensors.Contents c)
      throws ModelFormatException {
    // Each tensor the layers declare, by name and shape, before any is made: a kind of another version (a parameter
    // added or reshaped since the model was saved) is named as such, not as a count of values that differs
    List<LayerSpec> layers = spec.layers();
    List<Shape> inputs = spec.inputShapes();
    for (int l = 0; l < layers.size(); l++) {
      LayerSpec layer = layers.get(l);
      List<ParameterSpec> declared = new ArrayList<>(layer.parameters(inputs.get(l)));
      declared.addAll(layer.buffers(inputs.get(l)));
      for (ParameterSpec p : declared) {
        String name = layer.name() + "." + p.role();
        SafeTensors.Entry e = c.tensors().get(name);
        String kind = "the " + layer.type() + " layer '" + layer.name() + "' (" + layer.getClass().getName() + ")";
        if (e == null) {
          throw new ModelFormatException(file, "tensor '" + name + "' is missing: " + kind + " declares '" + p.role()
              + "' of shape " + p.shape() + ", which the file does not hold (saved by another version of the kind?)");
        }
        if (!Arrays.equals(e.shape(), p.shape().dims())) {
          throw new ModelFormatException(file, "tensor '" + name + "' has shape "
              + Excerpt.of(Arrays.toString(e.shape()))
              + " but the network needs " + p.shape() + ": " + kind + " declares '" + p.role() + "' so (saved by "
              + "another version of the kind?)");
        }
      }
    }
  }

  /** Refuses a NaN or infinite weight, buffer or optimizer state, naming the tensor and the index of the first one. */
  private static void checkFinite(Path file, Network network) throws ModelFormatException {
    String nonFinite = firstNonFinite(network);
    if (nonFinite != null) {
      throw new ModelFormatException(file, nonFinite + "; a model must hold finite numbers");
    }
  }

  /** Refuses a buffer or optimizer state value its kind refuses ({@link #firstRefusedValue}). */
  private static void checkRefusedValues(Path file, Network network) throws ModelFormatException {
    String refused = firstRefusedValue(network);
    if (refused != null) {
      throw new ModelFormatException(file, refused);
    }
  }

  /**
   * The first buffer value its layer's kind refuses ({@link LayerSpec#refusedBufferValue}), or optimizer state value
   * its rule refuses ({@link OptimizerSpec#refusedStateValue}), as "tensor 'name' holds v at index [i] (flat k): the
   * reason" — a negative running variance or second moment, say, which would make every output or update NaN; null
   * when none is refused.
   */
  private static String firstRefusedValue(Network network) {
    List<LayerSpec> layers = network.spec().layers();
    List<Shape> inputs = network.spec().inputShapes();
    for (int l = 0; l < layers.size(); l++) {
      LayerSpec layer = layers.get(l);
      for (ParameterSpec b : layer.buffers(inputs.get(l))) {
        String name = layer.name() + "." + b.role();
        Tensor t = network.buffers().get(name);
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
          String why = layer.refusedBufferValue(b.role(), v[i]);
          if (why != null) {
            return "tensor '" + name + "' holds " + v[i] + " at index " + t.shape().index(i) + " (flat " + i
                + "): " + why;
          }
        }
      }
    }
    OptimizerSpec rule = network.spec().optimizer();
    for (Map.Entry<String, Tensor> s : network.optimizer().state().entrySet()) {
      String key = s.getKey(); // parameterName/stateName: a parameter's name holds no '/'
      String state = key.substring(key.lastIndexOf('/') + 1);
      double[] v = s.getValue().toDoubleArray();
      for (int i = 0; i < v.length; i++) {
        String why = rule.refusedStateValue(state, v[i]);
        if (why != null) {
          return "tensor '" + OPTIMIZER_PREFIX + key + "' holds " + v[i] + " at index " + s.getValue().shape().index(i)
              + " (flat " + i + "): " + why;
        }
      }
    }
    return null;
  }

  /**
   * The first NaN or infinite weight, buffer or optimizer state value, as "tensor 'name' holds NaN at index [i, j] (flat k)";
   * null when every one is finite.
   */
  private static String firstNonFinite(Network network) {
    Map<String, Tensor> all = new LinkedHashMap<>();
    for (Parameter p : network.parameters()) {
      all.put(p.name(), p.value());
    }
    all.putAll(network.buffers()); // batch norm's running statistics: a NaN there makes every output NaN
    for (Map.Entry<String, Tensor> s : network.optimizer().state().entrySet()) {
      all.put(OPTIMIZER_PREFIX + s.getKey(), s.getValue());
    }
    return NonFinite.first(all);
  }

  private static void fill(Path file, SafeTensors.Contents c, DataType saved, String name, Tensor into,
      Set<String> unused) throws ModelFormatException {
    SafeTensors.Entry e = c.tensors().get(name);
    if (e == null) {
      throw new ModelFormatException(file, "tensor '" + name + "' is missing");
    }
    if (e.dataType() != saved) { // a model is saved in one type: F64 values in a FLOAT32 model were rounded unsaid
      throw new ModelFormatException(file, "tensor '" + name + "' is " + e.dataType() + " but the model's data_type "
          + "is " + saved);
    }
    if (!Arrays.equals(e.shape(), into.shape().dims())) {
      throw new ModelFormatException(file, "tensor '" + name + "' has shape " + Excerpt.of(Arrays.toString(e.shape()))
          + " but the network needs " + into.shape());
    }
    into.copyFrom(e.values());
    unused.remove(name);
  }

  private static String require(Path file, Map<String, String> meta, String key) throws ModelFormatException {
    String v = meta.get(key);
    if (v == null) {
      throw new ModelFormatException(file, "metadata '" + key + "' is missing");
    }
    return v;
  }

  private static int integer(Path file, Map<String, String> meta, String key) throws ModelFormatException {
    long n = count(file, meta, key);
    if (n > Integer.MAX_VALUE) {
      throw new ModelFormatException(file, "metadata '" + key + "' is " + n + ", more than " + Integer.MAX_VALUE);
    }
    return (int) n;
  }

  /** A whole number ≥ 0 read as a long: an optimizer's update count outgrows an int on a long enough run. */
  private static long count(Path file, Map<String, String> meta, String key) throws ModelFormatException {
    String v = require(file, meta, key);
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ModelFormatException(file, "metadata '" + key + "' is " + quoted(v) + ", not a whole number ≥ 0");
    }
  }

  private static String history(List<EpochResult> history) {
    ArrayNode a = JSON.createArrayNode();
    for (EpochResult r : history) {
      a.addObject().put("epoch", r.epoch()).put("training_loss", r.trainingLoss())
          .put("training_accuracy", r.trainingAccuracy()).put("validation_loss", r.validationLoss())
          .put("validation_accuracy", r.validationAccuracy()).put("learning_rate", r.learningRate())
          .put("seconds", r.seconds());
    }
    return a.toString();
  }

  private static List<EpochResult> history(Path file, String json) throws ModelFormatException {
    try {
      List<EpochResult> out = new ArrayList<>();
      JsonNode entries = JSON.readTree(json);
      checkHistory(file, entries);
      for (int i = 0; i < entries.size(); i++) {
        JsonNode n = entries.get(i);
        out.add(new EpochResult(n.get("epoch").asInt(), d(file, i, n, "training_loss"),
            d(file, i, n, "training_accuracy"), d(file, i, n, "validation_loss"), d(file, i, n, "validation_accuracy"),
            d(file, i, n, "learning_rate"), d(file, i, n, "seconds")));
      }
      return out;
    } catch (ModelFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException(file, "the training history is malformed: " + e.getMessage(), e);
    }
  }

  /** The history must be an array of objects, each with a whole-number epoch ≥ 1. */
  private static void checkHistory(Path file, JsonNode entries) throws ModelFormatException {
    if (entries == null || !entries.isArray()) {
      throw new ModelFormatException(file, "the training history is malformed: not a JSON array");
    }
    for (int i = 0; i < entries.size(); i++) {
      JsonNode epoch = entries.get(i).get("epoch");
      if (epoch == null || !epoch.canConvertToInt() || !epoch.isIntegralNumber() || epoch.asInt() < 1) {
        throw new ModelFormatException(file, "the training history is malformed: entry " + i
            + " has no whole-number 'epoch' ≥ 1 (" + Excerpt.of(entries.get(i).toString()) + ")");
      }
    }
  }

  /**
   * A double that may be NaN, which JSON writes as the string "NaN"; anything else that is not a number is refused
   * naming entry {@code entry}, the key and the value, where Java's parser said only "empty String".
   */
  private static double d(Path file, int entry, JsonNode n, String key) throws ModelFormatException {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return Double.NaN;
    } else if (v.isNumber()) {
      return v.asDouble();
    }
    try {
      if (v.isTextual()) {
        return Double.parseDouble(v.asText());
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new ModelFormatException(file, "the training history is malformed: entry " + entry + " has '" + key + "' "
        + Excerpt.of(v.toString()) + ", not a number");
  }
}
