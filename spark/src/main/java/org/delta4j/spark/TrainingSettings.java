package org.delta4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What decides the bits of a {@link SparkTrainer} run, saved in its checkpoints (the model file's run metadata) so that
 * a resumed run can be held to them: the network (its spec as JSON, which holds the optimizer, its schedule and the
 * initialisation seed), the engine, the data type, the shuffle seed, the global batch size, the blocks per batch,
 * whether the data is shuffled, and the data itself ({@link TrainingData#fingerprint}: its rows in their order; null
 * until the data is read, and in checkpoints written before it was recorded). The number of workers is not among
 * them: the bits depend on the blocks, not the workers. Immutable.
 */
record TrainingSettings(String network, String engine, String dataType, long seed, int batchSize, int blocks,
    boolean shuffle, String data) {
  private static final ObjectMapper JSON = new ObjectMapper();

  TrainingSettings {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(dataType, "dataType");
  }

  /** The settings by name, in the order a difference is reported. */
  Map<String, String> values() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("engine", engine);
    v.put("data type", dataType);
    v.put("seed", String.valueOf(seed));
    v.put("batch size", String.valueOf(batchSize));
    v.put("blocks", String.valueOf(blocks));
    v.put("shuffle", String.valueOf(shuffle));
    if (data != null) {
      v.put("data", data);
    }
    v.put("network", network); // last: a spec holds the seed too, and "seed 5, this one seed 6" says more
    return v;
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(values());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write training settings as JSON", e);
    }
  }

  /** The settings of a checkpoint's run metadata; {@code where} names the checkpoint in errors. */
  static TrainingSettings fromJson(String json, String where) {
    if (json == null) {
      throw new IllegalArgumentException(where + " records no Spark training settings: it is not a checkpoint of "
          + "SparkTrainer");
    }
    try {
      Map<String, String> v = JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
      return new TrainingSettings(v.get("network"), v.get("engine"), v.get("data type"), Long.parseLong(v.get("seed")),
          Integer.parseInt(v.get("batch size")), Integer.parseInt(v.get("blocks")),
          Boolean.parseBoolean(v.get("shuffle")), v.get("data"));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException(where + " has unreadable Spark training settings (" + e.getMessage()
          + "): " + json, e);
    }
  }

  /** These settings with the data's fingerprint. */
  TrainingSettings withData(String fingerprint) {
    return new TrainingSettings(network, engine, dataType, seed, batchSize, blocks, shuffle, fingerprint);
  }

  /**
   * Refuses to continue the run of {@code saved} (read from {@code where}) with these settings when any differs,
   * naming the first that does and both values; the data only where both record it.
   */
  void requireSameAs(TrainingSettings saved, String where) {
    Map<String, String> mine = values();
    for (Map.Entry<String, String> s : saved.values().entrySet()) {
      String given = mine.get(s.getKey());
      if (s.getKey().equals("data") && given == null) {
        continue; // this run's data not yet read: held to the checkpoint's once it is
      }
      if (!s.getValue().equals(given)) {
        throw new IllegalArgumentException("cannot resume from " + where + ": its run used " + s.getKey() + " "
            + s.getValue() + ", this one " + s.getKey() + " " + given + "; resume with the same " + s.getKey()
            + " or start a new run");
      }
    }
  }
}
