package org.delta4j.dsl.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;

/**
 * One use of an annotation whose type is meta-annotated with a kind's type name ({@code @LayerAnnotation},
 * {@code @LossAnnotation}, {@code @OptimizerAnnotation} or {@code @ScheduleAnnotation}), as the kind's JSON object: the
 * type name, and a field for each member the user wrote (under its {@code @Field} name or its name in snake case),
 * with the declared defaults of the others the reader keeps. On a layer, the conventional members are taken out:
 * {@code name}, {@code activation} with {@code alpha}, {@code nodes} (a block's, written by the reader) and the scale
 * of each initializer kind. It remembers which member wrote which field, so that an error about a field points at
 * the value, and which members were left at their defaults, so that one the kind cannot read is reported rather than
 * never seen.
 */
final class KindAnnotation {
  /** What a kind annotation declares, by the meta-annotation on its type. */
  enum Category {
    LAYER("LayerAnnotation", "layer"),
    LOSS("LossAnnotation", "loss"),
    OPTIMIZER("OptimizerAnnotation", "optimizer"),
    SCHEDULE("ScheduleAnnotation", "schedule");

    final String meta;
    final String word;

    Category(String meta, String word) {
      this.meta = meta;
      this.word = word;
    }
  }

  /** A mistake in the declaration of a kind annotation: its meta-annotation, the value at fault or null, and why. */
  record DeclarationProblem(AnnotationMirror meta, AnnotationValue value, String message) {}

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  final AnnotationMirror mirror;
  final Category category;
  final String type;
  /** The member whose value is the type name, or empty when the meta-annotation gives it. */
  String typeFrom = "";
  final ObjectNode json = JSON.objectNode();
  /** The member each field came from. */
  private final Map<String, String> members = new LinkedHashMap<>();
  /** Members read by convention rather than written as fields. */
  private final Map<String, AnnotationValue> conventions = new LinkedHashMap<>();
  /** What cannot be written as JSON, by member (reported by the caller). */
  final Map<String, String> problems = new LinkedHashMap<>();
  /** What is wrong with the annotation type's declaration; when anything is, nothing else is read. */
  final List<DeclarationProblem> declaration;
  /**
   * The members left at their defaults, each standing for its declared default (the reader decides which are written,
   * see {@code SpecReader#defaults}); one whose field the kind does not have, or that cannot be written at all, is a
   * member that never has an effect, and is reported.
   */
  final List<DeclaredDefault> unwritten = new ArrayList<>();
  /**
   * The members the user wrote that declare a default, with that default: a default the kind refuses is a mistake of
   * the declaration, whatever this use writes.
   */
  final List<DeclaredDefault> overridden = new ArrayList<>();
  /** The fields set from declared defaults rather than written by the user. */
  private final Set<String> defaults = new LinkedHashSet<>();

  /** A member's declared default: the member, the field it stands for, and the default as JSON (null: not JSON). */
  record DeclaredDefault(ExecutableElement member, String field, JsonNode value) {}

  private KindAnnotation(AnnotationMirror mirror, Category category, String type,
      List<DeclarationProblem> declaration) {
    this.mirror = mirror;
    this.category = category;
    this.type = type;
    this.declaration = declaration;
  }

  /** The category of the annotation, from the meta-annotation on its type, or null for any other annotation. */
  static Category category(AnnotationMirror m) {
    return metaOf(m) == null ? null : Category.valueOf(metaName(metaOf(m)));
  }

  private static AnnotationMirror metaOf(AnnotationMirror m) {
    for (AnnotationMirror meta : m.getAnnotationType().asElement().getAnnotationMirrors()) {
      String name = Mirrors.name(meta);
      for (Category c : Category.values()) {
        if (name.equals(Mirrors.PACKAGE + c.meta)) {
          return meta;
        }
      }
    }
    return null;
  }

  private static String metaName(AnnotationMirror meta) {
    String simple = Mirrors.simpleName(meta);
    for (Category c : Category.values()) {
      if (c.meta.equals(simple)) {
        return c.name();
      }
    }
    throw new IllegalArgumentException(simple);
  }

  /** Whether {@code e} carries an annotation of the DSL's package or a kind annotation. */
  static boolean hasDslAnnotation(Element e) {
    return Mirrors.annotations(e).stream().anyMatch(m -> Mirrors.name(m).startsWith(Mirrors.PACKAGE)
        || category(m) != null);
  }

  /**
   * The annotations of {@code category} on {@code e}, in source order; one annotated as several kinds counts as each,
   * so that the reader finds it where it is used and reports it.
   */
  static List<AnnotationMirror> on(Element e, Category category) {
    return Mirrors.annotations(e).stream().filter(m -> metas(m).contains(category.meta))
        .map(m -> (AnnotationMirror) m).toList();
  }

  /** Whether {@code annotationType} is meta-annotated as a kind ({@code @LayerAnnotation}, ...). */
  static boolean declaresKind(TypeElement annotationType) {
    return annotationType.getAnnotationMirrors().stream().anyMatch(KindAnnotation::isMeta);
  }

  private static boolean isMeta(AnnotationMirror a) {
    return Arrays.stream(Category.values()).anyMatch(c -> Mirrors.name(a).equals(Mirrors.PACKAGE + c.meta));
  }

  /**
   * What is wrong with the declaration of the kind annotation type {@code annotationType}, whatever its uses: a kind
   * meta-annotation that gives no type name, or gives two ({@code type} and {@code typeFrom}), or takes it from a
   * member the type does not declare, or from one whose values are no type names (neither strings nor enum constants).
   * Nothing while javac has not resolved the type's own annotations (it reports what it could not).
   */
  static List<DeclarationProblem> declarationProblems(Elements elements, TypeElement annotationType) {
    List<DeclarationProblem> out = new ArrayList<>();
    if (!Mirrors.resolved(elements, annotationType)) {
      return out; // javac reports what it could not resolve
    }
    String name = annotationType.getSimpleName().toString();
    List<ExecutableElement> members = ElementFilter.methodsIn(annotationType.getEnclosedElements());
    for (AnnotationMirror meta : annotationType.getAnnotationMirrors()) {
      if (!isMeta(meta)) {
        continue;
      }
      String on = "@" + Mirrors.simpleName(meta) + " on @" + name;
      AnnotationValue typeValue = Mirrors.written(meta, "type");
      AnnotationValue fromValue = Mirrors.written(meta, "typeFrom");
      String type = typeValue == null ? "" : (String) typeValue.getValue();
      String from = fromValue == null ? "" : (String) fromValue.getValue();
      ExecutableElement source = members.stream().filter(m -> m.getSimpleName().contentEquals(from)).findFirst()
          .orElse(null);
      if (!type.isEmpty() && !from.isEmpty()) {
        out.add(new DeclarationProblem(meta, fromValue, on + " sets both type and typeFrom, but a kind annotation "
            + "takes its kind's type name from one: keep type = \"" + type + "\" or typeFrom = \"" + from + "\""));
      } else if (type.isEmpty() && from.isEmpty()) {
        out.add(new DeclarationProblem(meta, null, on + " names no type: set type = \"...\", the kind's JSON type "
            + "name, or typeFrom = \"<member>\", the member of " + name + " whose value is the type name"));
      } else if (!from.isEmpty() && source == null) {
        out.add(new DeclarationProblem(meta, fromValue, on + " takes the type name from the member " + from + "(), "
            + "which " + name + " does not declare (its members: " + members.stream()
                .map(m -> m.getSimpleName() + "()").toList() + "): declare " + from + "(), or name another member"));
      } else if (source != null && !namesKinds(source.getReturnType())) {
        out.add(new DeclarationProblem(meta, fromValue, on + " takes the type name from the member " + from + "(), "
            + "of type " + source.getReturnType() + ", but a type name is a String or an enum constant: name such a "
            + "member, or set type = \"...\""));
      }
    }
    return out;
  }

  private static boolean namesKinds(TypeMirror type) {
    return type.toString().equals(String.class.getName()) || type.getKind() == TypeKind.DECLARED
        && ((javax.lang.model.type.DeclaredType) type).asElement().getKind() == ElementKind.ENUM;
  }

  /** Whether the annotation's type is meta-annotated as more than one kind (an error where it is used). */
  static boolean ambiguous(AnnotationMirror m) {
    return metas(m).size() > 1;
  }

  /** The simple names of the kind meta-annotations on the annotation's type, in source order. */
  private static List<String> metas(AnnotationMirror m) {
    return m.getAnnotationType().asElement().getAnnotationMirrors().stream().filter(KindAnnotation::isMeta)
        .map(Mirrors::simpleName).toList();
  }

  /**
   * Reads a resolved kind annotation; {@link #declaration} says what is wrong with its type (then nothing else is
   * read), {@link #problems} what of it could not be written.
   */
  static KindAnnotation read(Elements elements, AnnotationMirror m) {
    AnnotationMirror meta = metaOf(m);
    Category category = Category.valueOf(metaName(meta));
    TypeElement annotationType = (TypeElement) m.getAnnotationType().asElement();
    List<DeclarationProblem> declaration = declarationProblems(elements, annotationType);
    if (!declaration.isEmpty()) {
      return new KindAnnotation(m, category, "", declaration);
    }
    Map<String, AnnotationValue> metaValues = Mirrors.values(elements, meta);
    String typeFrom = (String) metaValues.get("typeFrom").getValue();
    Map<String, AnnotationValue> values = Mirrors.values(elements, m);
    String type = (String) metaValues.get("type").getValue();
    if (!typeFrom.isEmpty()) {
      Object v = values.get(typeFrom).getValue();
      type = v instanceof VariableElement c ? c.getSimpleName().toString().toLowerCase(Locale.ROOT) : String.valueOf(v);
    }
    KindAnnotation k = new KindAnnotation(m, category, type, List.of());
    k.typeFrom = typeFrom;
    List<String> metas = metas(m);
    if (metas.size() > 1) {
      // Read as the first, it would declare what the other says it is not, without a word.
      k.problems.put(null, "@" + Mirrors.simpleName(m) + " is annotated both @" + String.join(" and @", metas)
          + ", but a kind annotation declares one kind: keep one of them on " + Mirrors.simpleName(m));
    } else if (type.isEmpty()) {
      k.problems.put(typeFrom, "@" + Mirrors.simpleName(m) + " takes its kind's type name from " + typeFrom + "(), "
          + "which is empty here: set " + typeFrom + " to the kind's JSON type name");
    }
    List<ExecutableElement> declared = ElementFilter.methodsIn(annotationType.getEnclosedElements());
    Map<String, String> claimed = new LinkedHashMap<>(); // field → the member that writes it
    for (ExecutableElement member : declared) {
      String name = member.getSimpleName().toString();
      AnnotationValue written = Mirrors.written(m, name);
      if (name.equals(typeFrom)) {
        String ignored = ignoredField(elements, m, member, "gives the kind's type name (typeFrom)");
        if (ignored != null) {
          k.problems.putIfAbsent(name, ignored);
        }
        continue;
      }
      if (category == Category.LAYER && (name.equals("name") || name.equals("activation") || name.equals("nodes")
          || name.equals("alpha") && (has(declared, "activation") || namesActivation(declared, typeFrom))
          || isScale(declared, name))) {
        String wrongType = conventionType(m, member);
        String ignored = ignoredField(elements, m, member, "is read by convention, as @Dense's " + name + "() is");
        if (wrongType == null && ignored == null) {
          k.conventions.put(name, values.get(name));
        } else {
          k.problems.put(name, wrongType != null ? wrongType : ignored);
        }
        continue;
      }
      // Two members of one field, or a member of a field the reader writes itself, would lose a value unseen.
      String field = field(elements, member);
      String other = claimed.putIfAbsent(field, name);
      if (other != null || field.equals("type") || category == Category.LAYER && field.equals("name")) {
        k.problems.put(name, "the member " + name + "() of @" + Mirrors.simpleName(m) + " writes the field '" + field
            + "', which " + (other != null ? "its member " + other + "() writes too"
                : field.equals("type") ? "holds the kind's type name" : "holds the layer's name, from name()")
            + ": give it another @Field");
        continue;
      }
      if (isInitializerKind(member)) {
        AnnotationValue scale = Mirrors.written(m, name + "Scale");
        if (scale != null && !(scale.getValue() instanceof Number)) {
          scale = null; // a scale that is no number is a problem of its own member
        }
        // A scale left out stands for its declared default, as any member does; without a scale member, 1.
        AnnotationValue declaredScale = isScale(declared, name + "Scale") ? values.get(name + "Scale") : null;
        double defaultScale = declaredScale != null && declaredScale.getValue() instanceof Number n
            ? decimal(n) : 1;
        if (written != null || scale != null) {
          k.members.put(field(elements, member), name);
          k.json.set(field(elements, member), k.initializer(name, values.get(name), scale, defaultScale));
          if (member.getDefaultValue() != null) {
            k.overridden.add(new DeclaredDefault(member, field, initializerJson(member.getDefaultValue(),
                defaultScale)));
          }
        } else {
          k.unwritten.add(new DeclaredDefault(member, field, initializerJson(values.get(name), defaultScale)));
        }
        continue;
      }
      if (written == null) {
        k.unwritten.add(new DeclaredDefault(member, field, json(values.get(name).getValue())));
      } else {
        if (member.getDefaultValue() != null) {
          k.overridden.add(new DeclaredDefault(member, field, json(member.getDefaultValue().getValue())));
        }
        JsonNode node = json(written.getValue());
        if (node == null) {
          k.problems.put(name, "the member " + name + "() of @" + Mirrors.simpleName(m) + " cannot be written as "
              + "JSON: use numbers, booleans, strings, enum constants or arrays of them");
        } else {
          k.members.put(field(elements, member), name);
          k.json.set(field(elements, member), node);
        }
      }
    }
    return k;
  }

  /**
   * Why a conventional member of a layer annotation has a type the convention cannot read ({@code int name()}), or
   * null when it has the convention's type. A scale outside a layer annotation is an ordinary field.
   */
  private static String conventionType(AnnotationMirror m, ExecutableElement member) {
    String name = member.getSimpleName().toString();
    TypeMirror type = member.getReturnType();
    String expected;
    boolean fits;
    if (name.equals("name")) {
      expected = "the layer's name, a String";
      fits = type.toString().equals(String.class.getName());
    } else if (name.equals("activation")) {
      expected = "the activation added after the layer, an " + ActivationFunction.class.getSimpleName();
      fits = type.toString().equals(ActivationFunction.class.getCanonicalName());
    } else if (name.equals("nodes")) {
      return null; // a value that names no @BlockNodes interface is reported on the value itself
    } else {
      expected = (name.equals("alpha") ? "leaky ReLU's slope" : "the scale of "
          + name.substring(0, name.length() - "Scale".length()) + "()") + ", a number";
      fits = type.getKind().isPrimitive() && type.getKind() != TypeKind.BOOLEAN && type.getKind() != TypeKind.CHAR;
    }
    return fits ? null : "the member " + name + "() of @" + Mirrors.simpleName(m) + " is of type " + type + ", but a "
        + "layer annotation's " + name + "() is read by convention as " + expected + ": declare it so, or rename it";
  }

  /**
   * Why the {@code @Field} of {@code member}, which the reader takes as {@code how} rather than as a field, would have
   * no effect; null without one.
   */
  private static String ignoredField(Elements elements, AnnotationMirror m, ExecutableElement member, String how) {
    if (Mirrors.find(member, "Field") == null) {
      return null;
    }
    String name = member.getSimpleName().toString();
    return "the member " + name + "() of @" + Mirrors.simpleName(m) + " " + how + ", and writes no field, so that "
        + "its @Field(\"" + field(elements, member) + "\") has no effect: remove that @Field, or rename " + name + "()";
  }

  /** Whether {@code typeFrom} is a member whose value is an activation function: the layer is that activation. */
  private static boolean namesActivation(List<ExecutableElement> members, String typeFrom) {
    return members.stream().anyMatch(m -> m.getSimpleName().contentEquals(typeFrom)
        && m.getReturnType().toString().equals(ActivationFunction.class.getCanonicalName()));
  }

  private static boolean has(List<ExecutableElement> members, String name) {
    return members.stream().anyMatch(m -> m.getSimpleName().contentEquals(name));
  }

  /** Whether {@code name} is the scale of an initializer-kind member ({@code initScale} of {@code init}). */
  private static boolean isScale(List<ExecutableElement> members, String name) {
    return name.endsWith("Scale") && members.stream().anyMatch(m -> isInitializerKind(m)
        && m.getSimpleName().contentEquals(name.substring(0, name.length() - "Scale".length())));
  }

  private static boolean isInitializerKind(ExecutableElement member) {
    return member.getReturnType().getKind() == TypeKind.DECLARED
        && member.getReturnType().toString().equals(Initializer.Kind.class.getCanonicalName());
  }

  /** The JSON field a member writes: its {@code @Field}, or its name in snake case. */
  private static String field(Elements elements, ExecutableElement member) {
    for (AnnotationMirror a : member.getAnnotationMirrors()) {
      if (Mirrors.name(a).equals(Mirrors.PACKAGE + "Field")) {
        return (String) Mirrors.values(elements, a).get("value").getValue();
      }
    }
    return snakeCase(member.getSimpleName().toString());
  }

  static String snakeCase(String camel) {
    StringBuilder out = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * An initializer object from a kind member and its written scale ({@code defaultScale} when not written, 0 for
   * ZEROS), checked by the initializer's own rules: a wrong scale, or one given to ZEROS, is a problem of the scale
   * member.
   */
  private ObjectNode initializer(String member, AnnotationValue kind, AnnotationValue scale, double defaultScale) {
    Initializer.Kind k = Initializer.Kind.valueOf(Mirrors.constant(kind));
    double value = k == Initializer.Kind.ZEROS ? 0 : scale == null ? defaultScale
        : decimal((Number) scale.getValue());
    if (k == Initializer.Kind.ZEROS && scale != null) {
      problems.put(member + "Scale", member + "Scale has no effect on ZEROS: remove it, or choose another " + member);
    } else {
      try {
        new Initializer(k, value);
      } catch (IllegalArgumentException e) {
        problems.put(member + "Scale", e.getMessage());
      }
    }
    return initializerJson(kind, value);
  }

  /** The initializer object of a kind member's value and a scale (0 for ZEROS, which takes none). */
  private static ObjectNode initializerJson(AnnotationValue kind, double scale) {
    Initializer.Kind k = Initializer.Kind.valueOf(Mirrors.constant(kind));
    return JSON.objectNode().put("kind", k.name().toLowerCase(Locale.ROOT))
        .put("scale", k == Initializer.Kind.ZEROS ? 0 : scale);
  }

  /**
   * The double a number of an annotation stands for: a float as the decimal it was written as, its shortest (0.1f is
   * 0.1, where widening it would give the kind 0.10000000149011612).
   */
  static double decimal(Number n) {
    return n instanceof Float f ? Double.parseDouble(Float.toString(f)) : n.doubleValue();
  }

  /** A resolved annotation value as JSON, or null for a class or an annotation. */
  static JsonNode json(Object value) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return JSON.numberNode(((Number) value).intValue());
    } else if (value instanceof Long l) {
      return JSON.numberNode(l);
    } else if (value instanceof Number n) {
      double d = decimal(n);
      return Double.isFinite(d) ? JSON.numberNode(d) : JSON.textNode(n.toString());
    } else if (value instanceof Boolean b) {
      return JSON.booleanNode(b);
    } else if (value instanceof String || value instanceof Character) {
      return JSON.textNode(value.toString());
    } else if (value instanceof VariableElement c && c.getKind() == ElementKind.ENUM_CONSTANT) {
      return JSON.textNode(c.getSimpleName().toString().toLowerCase(Locale.ROOT));
    } else if (value instanceof List<?> list) {
      ArrayNode a = JSON.arrayNode();
      for (Object o : list) {
        JsonNode n = json(((AnnotationValue) o).getValue());
        if (n == null) {
          return null;
        }
        a.add(n);
      }
      return a;
    }
    return null;
  }

  /**
   * The fields of members whose {@link #problems} are reported and whose values are nonetheless written: an
   * initializer whose scale is wrong. Read with that value, the kind would report the same mistake again.
   */
  List<String> fieldsOfProblems() {
    List<String> out = new ArrayList<>();
    for (String member : problems.keySet()) {
      if (member != null && member.endsWith("Scale")) {
        String kind = member.substring(0, member.length() - "Scale".length());
        members.forEach((field, m) -> {
          if (m.equals(kind)) {
            out.add(field);
          }
        });
      }
    }
    return out;
  }

  /** The fields to read: the JSON object without {@link #fieldsOfProblems()}, the kind's defaults in their place. */
  ObjectNode readable() {
    ObjectNode out = json.deepCopy();
    fieldsOfProblems().forEach(out::remove);
    return out;
  }

  /** Sets {@code field} of the JSON object to what {@code member} stands for, so that errors about it point there. */
  void put(String field, String member, JsonNode value) {
    members.put(field, member);
    json.set(field, value);
  }

  /** A conventional member's value (with its default), or null when the annotation type has no such member. */
  AnnotationValue convention(String member) {
    return conventions.get(member);
  }

  /** A conventional member's value as the user wrote it, or null when left at its default or not readable. */
  AnnotationValue writtenConvention(String member) {
    return conventions.containsKey(member) ? Mirrors.written(mirror, member) : null;
  }

  /** Where the object is, as the kind's messages name it: {@code @Dense}. */
  String where() {
    return "@" + Mirrors.simpleName(mirror);
  }

  /** Where this annotation's own fields are, as messages name it: {@link #where}, a schedule's in its optimizer. */
  private String place() {
    return category == Category.SCHEDULE ? where() + ".schedule" : where();
  }

  /**
   * The field an error message most likely concerns, by its text: the one its place names ({@code @Dense.weights:
   * ...}), else the one it names first as a whole word — as written, with spaces for underscores ({@code learning
   * rate}), or by member — the longest at one place. Only the message after the identity the kind prefixes is
   * searched ({@code @Conv2D: conv2d layer 'kernel': }, {@code @Momentum: momentum: }), whose names are no field.
   * Null when it names none; a guess, which the reader verifies.
   */
  String guess(String message, String layerName) {
    String place = place();
    if (message.startsWith(place + ".")) {
      String path = message.substring(place.length() + 1);
      String best = null;
      for (String field : members.keySet()) {
        if (path.startsWith(field) && (path.length() == field.length() || ".[: ".indexOf(path.charAt(field.length()))
            >= 0) && (best == null || field.length() > best.length())) {
          best = field;
        }
      }
      if (best != null) {
        return best;
      }
    }
    String text = withoutIdentity(message, layerName);
    String best = null;
    int bestAt = Integer.MAX_VALUE;
    for (String field : members.keySet()) {
      for (String name : new String[] {field, field.replace('_', ' '), members.get(field)}) {
        int at = wholeWord(text, name);
        if (at >= 0 && (at < bestAt || at == bestAt && field.length() > best.length())) {
          best = field;
          bestAt = at;
        }
      }
    }
    return best;
  }

  /**
   * The message without the identity the reader and the kind prefix it with: the annotation ({@code @Dense: }), then
   * a label that names the kind's type or, on a layer, ends with its quoted name ({@code conv2d layer 'kernel': },
   * {@code momentum: }, {@code step decay: }).
   */
  private String withoutIdentity(String message, String layerName) {
    String text = message.startsWith(place() + ": ") ? message.substring(place().length() + 2) : message;
    String quoted = layerName == null ? null : " '" + layerName + "': ";
    int named = quoted == null ? -1 : text.indexOf(quoted);
    if (named >= 0 && text.substring(0, named).indexOf(':') < 0) {
      return text.substring(named + quoted.length());
    }
    int colon = text.indexOf(": ");
    String label = colon < 0 ? "" : text.substring(0, colon);
    boolean namesKind = !type.isEmpty() && (label.contains(type) || label.contains(type.replace('_', ' ')));
    return namesKind && label.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == ' ' || c == '_')
        ? text.substring(colon + 2) : text;
  }

  /** Where {@code word} first stands in {@code text} as a whole word (not inside a longer name), or -1. */
  private static int wholeWord(String text, String word) {
    if (word == null || word.isEmpty()) {
      return -1;
    }
    for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      int after = at + word.length();
      boolean startsWord = at == 0 || !isNameChar(text.charAt(at - 1));
      if (startsWord && (after == text.length() || !isNameChar(text.charAt(after)))) {
        return at;
      }
    }
    return -1;
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /**
   * The fields of {@code json} an error of this annotation's object calls unknown ({@code @Weird: unknown fields [c,
   * f]; known here: [...]}), in the order it names them; empty for any other error, or one about a nested object.
   */
  List<String> unknownFields(String message, JsonNode json) {
    String list = unknownList(message);
    if (list == null) {
      return List.of();
    }
    String names = list.substring(1, list.length() - 1);
    List<String> out = new ArrayList<>();
    for (String name : names.split(", ", -1)) {
      if (json.has(name) && !out.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /** The error about one unknown {@code field} of those {@code message} names, with what it says of the others. */
  String unknownField(String message, String field) {
    String list = unknownList(message);
    return place() + ": unknown field [" + field + "]" + message.substring(message.indexOf(list) + list.length());
  }

  /** The bracketed list of unknown fields in an error about this annotation's own object, or null. */
  private String unknownList(String message) {
    for (String prefix : new String[] {place() + ": unknown field [", place() + ": unknown fields ["}) {
      if (message.startsWith(prefix)) {
        int open = prefix.length() - 1;
        int close = message.indexOf(']', open);
        return close < 0 ? null : message.substring(open, close + 1);
      }
    }
    return null;
  }

  /** The fields the user wrote, in the order written in the source. */
  List<String> writtenFields() {
    List<String> out = new ArrayList<>();
    for (ExecutableElement member : mirror.getElementValues().keySet()) {
      members.forEach((field, name) -> {
        if (member.getSimpleName().contentEquals(name) && !defaults.contains(field) && !out.contains(field)) {
          out.add(field);
        }
      });
    }
    return out;
  }

  /** Sets {@code field} to the declared default of {@code member}, which the user left out. */
  void putDefault(String field, ExecutableElement member, JsonNode value) {
    members.put(field, member.getSimpleName().toString());
    defaults.add(field);
    json.set(field, value);
  }

  /** The fields set from members' declared defaults. */
  Set<String> defaults() {
    return defaults;
  }

  /**
   * The value the user wrote for {@code field} — for an initializer written by its scale alone, the scale — or null
   * (a default, a field of no member, or none).
   */
  AnnotationValue valueOf(String field) {
    String member = field == null ? null : members.get(field);
    if (member == null || defaults.contains(field)) {
      return null;
    }
    AnnotationValue written = Mirrors.written(mirror, member);
    return written != null ? written : Mirrors.written(mirror, member + "Scale");
  }
}
