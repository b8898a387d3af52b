package org.delta4j.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The fields of one JSON object of a network description, as a kind reads its spec from them: each getter takes the
 * field's name and its default, and every error names the place in the document ({@code layers[2].units}). The reader
 * remembers which fields were asked for, so that a field nobody reads is reported as unknown, with the known ones,
 * instead of being dropped. Not thread-safe; one reader per object.
 */
public final class FieldReader {
  private final JsonNode node;
  private final String where;
  private final KindRegistry kinds;
  private final Set<String> read = new LinkedHashSet<>();
  /** The error this object gave for a missing field, the one a misspelt field explains, and that field's name. */
  private IllegalArgumentException missing;
  private String missingName;

  /** Reads {@code node}, which must be a JSON object; {@code where} names it in messages. */
  public FieldReader(JsonNode node, String where) {
    this(node, where, null);
  }

  /** Reads {@code node}, whose nested layers are of the kinds in {@code kinds} (null: the standard registry). */
  public FieldReader(JsonNode node, String where, KindRegistry kinds) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + ": expected a JSON object, got " + shown(node));
    }
    this.node = node;
    this.where = where;
    this.kinds = kinds;
  }

  /** Where this object is in the document, e.g. {@code layers[2]}. */
  public String where() {
    return where;
  }

  /**
   * The spec {@code reader} makes of these fields for the {@code category} kind {@code type}, which must be of that
   * type: one rule for the layer, loss and optimizer kinds. A refusal of what the description says passes as it is;
   * any other failure is the reader's own bug (a null unboxed, an index), named with the kind and the place, where the
   * JVM's words alone named neither.
   */
  <T> T readKind(String category, String type, Function<FieldReader, T> reader, Function<T, String> typeOf) {
    T spec;
    try {
      spec = reader.apply(this);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalStateException(category + " kind '" + type + "': its reader failed at " + where + ": " + e, e);
    }
    // the registry checked the example's type; a reader making another kind's spec would read one kind as another
    if (spec == null || !type.equals(typeOf.apply(spec))) {
      throw new IllegalStateException(category + " kind '" + type + "': its reader made " + (spec == null ? "null"
          : "a spec of type '" + typeOf.apply(spec) + "'") + " at " + where + "; a kind's reader must make specs of "
          + "the kind's type");
    }
    return spec;
  }

  /** Whether the field is present and not null. */
  public boolean has(String name) {
    read.add(name);
    JsonNode n = node.get(name);
    return n != null && !n.isNull();
  }

  /** The layer's (or other object's) {@code name} field, or null when it is not given. */
  public String name() {
    JsonNode n = get("name");
    if (n != null && !n.isTextual()) {
      throw new IllegalArgumentException(where + ".name must be a string, got " + shown(n));
    }
    return n == null ? null : n.asText();
  }

  /** A string field, as written; {@code fallback} when absent. A required field is one whose fallback is null. */
  public String text(String name, String fallback) {
    JsonNode n = get(name);
    if (n == null) {
      return requireFallback(name, fallback);
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException(where + "." + name + " must be a string, got " + shown(n));
    }
    return n.asText();
  }

  /** A number field; {@code fallback} when absent, or an error when the fallback is NaN (the field is required). */
  public double number(String name, double fallback) {
    JsonNode n = get(name);
    if (n == null) {
      if (Double.isNaN(fallback)) {
        throw missing(name);
      }
      return fallback;
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isTextual() && List.of("NaN", "Infinity", "-Infinity").contains(n.asText())) {
      return Double.parseDouble(n.asText());
    }
    throw new IllegalArgumentException(where + "." + name + " must be a number, got " + shown(n));
  }

  /** A whole-number field that fits an int; {@code fallback} when absent, null fallback: required. */
  public int integer(String name, Integer fallback) {
    JsonNode n = get(name);
    if (n == null) {
      return requireFallback(name, fallback);
    }
    return integer(n, where + "." + name);
  }

  /** A whole-number field; {@code fallback} when absent, null fallback: required. */
  public long longInteger(String name, Long fallback) {
    JsonNode n = get(name);
    if (n == null) {
      return requireFallback(name, fallback);
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new IllegalArgumentException(where + "." + name + " must be a whole number"
          + range(n, Long.MIN_VALUE, Long.MAX_VALUE) + ", got " + shown(n));
    }
    return n.asLong();
  }

  /** A true/false field; {@code fallback} when absent. */
  public boolean bool(String name, boolean fallback) {
    JsonNode n = get(name);
    if (n == null) {
      return fallback;
    }
    if (!n.isBoolean()) {
      throw new IllegalArgumentException(where + "." + name + " must be true or false, got " + shown(n));
    }
    return n.asBoolean();
  }

  /**
   * An array of whole numbers (sizes, strides), or one whole number for an array of one ({@code "kernel": 3} as {@code
   * [3]}, which a window takes as 3×3, as the DSL's {@code kernel = 3}); {@code fallback} when absent, null fallback:
   * required.
   */
  public int[] integers(String name, int[] fallback) {
    JsonNode n = get(name);
    if (n == null) {
      return requireFallback(name, fallback);
    }
    if (n.isNumber()) {
      return new int[] {integer(n, where + "." + name)};
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException(where + "." + name + " must be an array of whole numbers, got " + shown(n));
    }
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = integer(n.get(i), where + "." + name + "[" + i + "]");
    }
    return out;
  }

  /** A constant of an enum, named case-insensitively; {@code fallback} when absent, null fallback: required. */
  public <E extends Enum<E>> E enumValue(String name, Class<E> type, E fallback) {
    JsonNode n = get(name);
    if (n == null) {
      return requireFallback(name, fallback);
    }
    return enumValue(type, n, where + "." + name);
  }

  /** An {@link Initializer}: a kind's name or {@code {"kind": ..., "scale": ...}}; {@code fallback} when absent. */
  public Initializer initializer(String name, Initializer fallback) {
    JsonNode n = get(name);
    if (n == null) {
      return requireFallback(name, fallback);
    }
    String at = where + "." + name;
    if (n.isTextual()) {
      Initializer.Kind kind = enumValue(Initializer.Kind.class, n, at);
      return new Initializer(kind, kind == Initializer.Kind.ZEROS ? 0 : 1);
    }
    FieldReader f = new FieldReader(n, at);
    Initializer.Kind kind = f.enumValue("kind", Initializer.Kind.class, null);
    Initializer init = new Initializer(kind, f.number("scale", kind == Initializer.Kind.ZEROS ? 0 : 1));
    f.finish();
    return init;
  }

  /**
   * A learning-rate schedule object; {@code fallback} when absent. Read as a kind's object is ({@link #read}): a
   * misspelt field is named where it leaves one missing, and a refused value is named at the schedule's place.
   */
  public LearningRateSchedule schedule(String name, LearningRateSchedule fallback) {
    JsonNode n = get(name);
    if (n == null) {
      return requireFallback(name, fallback);
    }
    return new FieldReader(n, where + "." + name).read(LearningRateSchedule::read);
  }

  /** A nested object, to read with its own reader. */
  public FieldReader object(String name) {
    JsonNode n = get(name);
    if (n == null) {
      throw missing(name);
    }
    return new FieldReader(n, where + "." + name, kinds);
  }

  /** An array of objects, each to read with its own reader; required. */
  public List<FieldReader> objects(String name) {
    JsonNode n = get(name);
    if (n == null) {
      throw missing(name);
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException(where + "." + name + " must be an array of objects, got " + shown(n));
    }
    List<FieldReader> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      out.add(new FieldReader(n.get(i), where + "." + name + "[" + i + "]", kinds));
    }
    return out;
  }

  /** An array of strings; {@code fallback} when absent, null fallback: required. */
  public List<String> texts(String name, List<String> fallback) {
    JsonNode n = get(name);
    if (n == null) {
      return requireFallback(name, fallback);
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException(where + "." + name + " must be an array of strings, got " + shown(n));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isTextual()) {
        throw new IllegalArgumentException(where + "." + name + "[" + i + "] must be a string, got " + shown(n.get(i)));
      }
      out.add(n.get(i).asText());
    }
    return out;
  }

  /** A nested layer object, read by the kind its {@code type} names. */
  public LayerSpec layer(String name) {
    return object(name).asLayer();
  }

  /** This object as a layer: its {@code type} names the registered kind, whose reader reads the rest. */
  public LayerSpec asLayer() {
    String type = text("type", null).toLowerCase(Locale.ROOT);
    KindRegistry registry = kinds != null ? kinds : KindRegistry.standard();
    return read(registry.layerKind(type, where + ".type")::read);
  }

  /**
   * Checks that every field present was read: an unknown (misspelt, or meant for another kind) field is an error
   * naming it and the fields this object knows.
   */
  public void finish() {
    List<String> unknown = unknown();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(where + ": unknown field" + (unknown.size() > 1 ? "s " : " ")
          + few(unknown, "", "[", ", ", "]") + "; known here: " + List.copyOf(read));
    }
  }

  /** A value as a message quotes it: a string or array of megabytes, which a spec file of 16 MiB holds, cut. */
  private static String shown(JsonNode n) {
    return Excerpt.of(String.valueOf(n));
  }

  /** The most names of fields a message gives. */
  private static final int NAMED = 5;

  /**
   * The first {@link #NAMED} of {@code names}, each quoted and cut as an {@link Excerpt}, joined,
   * then how many more there are: an object of a million unknown fields (a 16 MiB file holds one), or of names tens
   * of thousands of characters long, made a message of megabytes.
   */
  private static String few(List<String> names, String quote, String open, String between, String close) {
    StringBuilder out = new StringBuilder(open);
    for (int i = 0; i < Math.min(NAMED, names.size()); i++) {
      String n = names.get(i);
      out.append(i == 0 ? "" : between).append(quote).append(Excerpt.of(n)).append(quote);
    }
    if (names.size() > NAMED) {
      out.append(between).append("… ").append(names.size() - NAMED).append(" more");
    }
    return out.append(close).toString();
  }

  /**
   * Reads this object's spec with {@code reader}, then {@link #finish()}es. A field of this object that is missing is
   * reported as such, with any field nobody read whose name is close to it ({@code "unit"} for {@code units}: equal
   * but for case and underscores, or within two edits) as the likely cause: "layers[0].units is missing (is 'unit'
   * it, misspelt?)". Fields not read yet are not blamed otherwise: they may be the kind's own, which the reader had
   * not reached ({@code weights} and {@code bias} were reported as unknown when {@code units} was missing). Any other
   * failure (a bad value, an unknown kind in a nested object) names this object's place, unless it does already.
   */
  public <T> T read(java.util.function.Function<FieldReader, T> reader) {
    T value;
    try {
      value = reader.apply(this);
    } catch (IllegalArgumentException e) {
      if (e == missing) {
        List<String> close = misspellings(missingName);
        if (close.isEmpty()) {
          throw e;
        }
        throw new IllegalArgumentException(e.getMessage() + " (is " + few(close, "'", "", " or ", "")
            + " it, misspelt?)", e);
      }
      // A spec's own check ("dense layer: units must be at least 1") knows no place in the document: add it.
      String message = String.valueOf(e.getMessage());
      if (e instanceof UnknownKindException || message.startsWith(where)) {
        throw e;
      }
      throw new IllegalArgumentException(where + ": " + message, e);
    }
    finish();
    return value;
  }

  /** The fields nobody read whose names are close enough to {@code name} to be it misspelt. */
  private List<String> misspellings(String name) {
    List<String> close = new ArrayList<>();
    String wanted = name.toLowerCase(Locale.ROOT);
    for (String field : unknown()) {
      String f = field.toLowerCase(Locale.ROOT);
      if (f.replace("_", "").equals(wanted.replace("_", "")) || editDistance(f, wanted) <= 2) {
        close.add(field);
      }
    }
    return close;
  }

  /** Levenshtein's distance: the fewest insertions, deletions and substitutions of a character from a to b. */
  private static int editDistance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 2) {
      return Integer.MAX_VALUE; // farther than counts, without the quadratic work on a long (hostile) name
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  private List<String> unknown() {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String n = it.next();
      if (!read.contains(n)) {
        unknown.add(n);
      }
    }
    return unknown;
  }

  private JsonNode get(String name) {
    read.add(name);
    JsonNode n = node.get(name);
    return n == null || n.isNull() ? null : n;
  }

  private IllegalArgumentException missing(String name) {
    missing = new IllegalArgumentException(where + "." + name + " is missing");
    missingName = name;
    return missing;
  }

  private <T> T requireFallback(String name, T fallback) {
    if (fallback == null) {
      throw missing(name);
    }
    return fallback;
  }

  static int integer(JsonNode n, String where) {
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new IllegalArgumentException(where + " must be a whole number" + range(n, Integer.MIN_VALUE,
          Integer.MAX_VALUE) + ", got " + shown(n));
    }
    return n.asInt();
  }

  /** The range a whole number given past it must be in, for the message; nothing for a value not whole. */
  private static String range(JsonNode n, long min, long max) {
    return n.isIntegralNumber() ? String.format(Locale.ROOT, " from %,d to %,d", min, max) : "";
  }

  static <E extends Enum<E>> E enumValue(Class<E> type, JsonNode n, String where) {
    String text = n.asText().toUpperCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(text)) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException(where + (n.isTextual() ? ": unknown value '" + Excerpt.of(n.asText()) + "'"
        : ": must be a string, got " + shown(n)) + "; one of " + names);
  }
}
