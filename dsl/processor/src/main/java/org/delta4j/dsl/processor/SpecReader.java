package org.delta4j.dsl.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LayerKind;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossKind;
import org.delta4j.spec.LossSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerKind;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.SpecRules;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;

/**
 * Reads an annotated spec and checks all of it before anything is generated, reporting each problem as a compile
 * error on the element, annotation or annotation value at fault, with what to do. The rules on values and on the
 * network as a whole are {@link SpecRules}, the same the runtime applies. A layer with a wrong value still takes its
 * place in the network, so that the rules on the whole network judge what the user wrote and blame no other line.
 * Only a {@link Mirrors#resolved resolved} spec is read.
 */
final class SpecReader {
  /**
   * Members the generated class declares whatever its loss; a layer method of one of these names would clash. It
   * declares {@link #PROBABILITIES} as well for a loss that gives probabilities.
   */
  static final Set<String> GENERATED_MEMBERS = Set.of("create", "load", "save", "train", "predict", "outputs",
      "evaluate", "spec", "network");

  /** The generated method a spec has when its loss gives probabilities (see {@link Predictions#hasProbabilities}). */
  private static final String PROBABILITIES = "probabilities";

  /** The public methods of {@code Object} without parameters, which every interface declares implicitly. */
  private static final Set<String> OBJECT_METHODS = Set.of("getClass", "notify", "notifyAll", "wait", "hashCode",
      "toString");

  /** The most bytes of a file's name on common file systems (ext4, XFS, APFS; NTFS counts 255 UTF-16 units). */
  private static final int MAX_FILE_NAME_BYTES = 255;

  /** Identifiers no type may be named (JLS §3.9), which {@link SourceVersion#isKeyword} does not count. */
  private static final Set<String> RESTRICTED_TYPE_NAMES = Set.of("var", "yield", "record", "sealed", "permits");

  /**
   * A valid schedule of each type the optimizers read (the permitted kinds of the sealed {@link
   * LearningRateSchedule}): its fields stand in for a required one whose value was wrong, so that the next is judged.
   */
  private static final Map<String, LearningRateSchedule> SCHEDULE_EXAMPLES = Map.of(
      "constant", new LearningRateSchedule.Constant(),
      "step", new LearningRateSchedule.StepDecay(1, 1),
      "exponential", new LearningRateSchedule.ExponentialDecay(1, 1),
      "cosine", new LearningRateSchedule.CosineDecay(1, 0));

  private final Elements elements;
  /** javac's trees of the sources, or null under another compiler. */
  private final Trees trees;
  private final Messager messager;
  private final KindRegistry kinds;
  private final CompiledSources sources;
  /** The fields of each kind's example, by category and type name (see {@link #example}). */
  private final Map<String, ObjectNode> examples = new java.util.HashMap<>();
  /** The fields of each kind's example it requires, by category and type name (see {@link #required}). */
  private final Map<String, java.util.Optional<ObjectNode>> requiredFields = new java.util.HashMap<>();
  /** The {@code @BlockNodes} interfaces being read, outermost first: a block among its own nodes would never end. */
  private final List<TypeElement> openBlocks = new ArrayList<>();
  /** The errors reported, by place and message, shared by the readers of one compilation: each is reported once. */
  private final Set<List<Object>> reported;
  /** The {@code @BlockNodes} interfaces whose inheritance is judged: once, however many blocks take them. */
  private final Set<TypeElement> judgedNodes = new java.util.HashSet<>();
  /** The spec being read. */
  private TypeElement spec;
  private boolean failed;
  private int errors;

  /**
   * A reader that reads layers, losses and optimizers as the {@code kinds} registered on the processor path, and
   * reports a mistake in the declaration of a kind annotation on it when it is among the compilation's {@code
   * sources}; the errors {@code reported} are not reported again. {@code trees} are javac's trees of the sources, or
   * null under another compiler.
   */
  SpecReader(ProcessingEnvironment env, Trees trees, KindRegistry kinds, CompiledSources sources,
      Set<List<Object>> reported) {
    this.elements = env.getElementUtils();
    this.trees = trees;
    this.messager = env.getMessager();
    this.kinds = kinds;
    this.sources = sources;
    this.reported = reported;
  }

  /**
   * One layer as the user wrote it: the member and annotation it comes from, and whether it is the activation a
   * layer annotation's {@code activation} adds. A layer that could not be read stands in as an {@link Unread}.
   */
  private record Part(LayerSpec layer, ExecutableElement member, AnnotationMirror annotation, boolean addedActivation) {
    /** How a message names this layer: {@code hidden()}, or {@code the relu after hidden()}. */
    String describe() {
      String method = member.getSimpleName() + "()";
      return addedActivation ? "the " + layer.kindLabel() + " after " + method : method;
    }
  }

  /** The validated model, or null when anything was wrong (and reported, by this reader or by javac). */
  SpecModel read(TypeElement type) {
    spec = type;
    AnnotationMirror nn = Mirrors.find(type, "NeuralNetwork");
    if (type.getKind() != ElementKind.INTERFACE) {
      error("@NeuralNetwork goes on an interface whose methods are the layers; " + type.getSimpleName() + " is "
          + kindName(type.getKind()), type, nn, null);
      return null;
    }
    if (!type.getTypeParameters().isEmpty()) {
      error("a network spec cannot be generic: remove the type parameters of " + type.getSimpleName(), type, null, null);
    }
    for (Element outer = type.getEnclosingElement(); outer instanceof TypeElement t; outer = t.getEnclosingElement()) {
      if (t.getNestingKind() != NestingKind.TOP_LEVEL && !t.getModifiers().contains(Modifier.STATIC)
          && t.getKind() == ElementKind.CLASS) {
        error("a network spec cannot be nested in the inner (non-static) class " + t.getSimpleName()
            + ": make that class static or move the spec out", type, null, null);
      }
    }
    Map<String, AnnotationValue> settings = Mirrors.values(elements, nn);
    String pkg = elements.getPackageOf(type).getQualifiedName().toString();
    String className = className(type, nn, pkg, (String) settings.get("className").getValue());
    Shape input = input(type);
    inheritance(type);

    List<Part> parts = new ArrayList<>();
    List<SpecModel.Accessor> accessors = new ArrayList<>();
    int abstractMethods = 0;
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      AnnotationMirror from = Mirrors.find(method, "From");
      if (from != null) {
        error("@From names the inputs of a block's node, on a method of a @BlockNodes interface; "
            + method.getSimpleName() + "() is a layer of the network, which takes the layer before it: remove @From",
            method, from, null);
      }
      if (method.getModifiers().contains(Modifier.ABSTRACT)) {
        abstractMethods++;
      }
      List<Part> layer = declared(method, "network spec");
      if (layer == null) {
        continue;
      }
      String name = method.getSimpleName().toString();
      if (!checkName(method) && method.getParameters().isEmpty()) {
        accessors.add(accessor(name, parts.size(), layer.get(0).layer()));
      }
      parts.addAll(layer);
    }

    unusedNodes(type);
    List<AnnotationMirror> lossMirrors = one(type, KindAnnotation.Category.LOSS, "loss");
    AnnotationMirror lossMirror = lossMirrors.isEmpty() ? null : lossMirrors.get(0);
    LossSpec loss = lossMirror == null ? null : read(type, lossMirror, LossSpec.class);
    if (loss != null && Predictions.hasProbabilities(loss)) {
      accessors.stream().filter(a -> a.methodName().equals(PROBABILITIES)).forEach(a -> error("the generated class "
          + "has a method " + PROBABILITIES + "() of its own, as its loss " + loss.type() + " gives probabilities, so "
          + "this layer's accessor would clash with it: rename the method (e.g. " + PROBABILITIES + "Layer()), and "
          + "keep the layer's name with name = \"" + PROBABILITIES + "\"", parts.get(a.layerIndex()).member(), null,
          null));
    }
    networkRules(type, input, parts, loss, lossMirror, abstractMethods);
    OptimizerSpec optimizer = optimizer(type);
    if (failed) {
      return null;
    }
    NetworkSpec spec = new NetworkSpec(input, parts.stream().map(Part::layer).toList(), loss, optimizer,
        ((Number) settings.get("seed").getValue()).longValue());
    DataType dataType = DataType.valueOf(Mirrors.constant(settings.get("dataType")));
    // A type of the package named like a java.lang type hides it there: the generated code names that one in full.
    Set<String> qualified = new java.util.TreeSet<>();
    Set<String> javaLang = new java.util.TreeSet<>(NetworkClassWriter.JAVA_LANG_NAMES);
    if (accessors.stream().anyMatch(a -> !a.warnings().isEmpty())) {
      javaLang.add(NetworkClassWriter.SUPPRESS_WARNINGS.simpleName());
    }
    for (String name : javaLang) {
      if (elements.getTypeElement(pkg.isEmpty() ? name : pkg + "." + name) != null) {
        qualified.add(name);
      }
    }
    return new SpecModel(type, pkg, className, spec, dataType, accessors, qualified);
  }

  private static String kindName(ElementKind kind) {
    return switch (kind) {
      case ENUM -> "an enum";
      case ANNOTATION_TYPE -> "an annotation type";
      default -> "a " + kind.toString().toLowerCase(Locale.ROOT);
    };
  }

  /**
   * The generated class's simple name, checked: a valid name, no type of that name but an earlier output, and no
   * imported type the sources of the package name by it.
   */
  private String className(TypeElement type, AnnotationMirror nn, String pkg, String chosen) {
    String name = chosen.isEmpty() ? defaultName(type) : chosen;
    if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
      error("'" + name + "' is not a valid class name", type, nn, Mirrors.written(nn, "className"));
      return name;
    }
    if (RESTRICTED_TYPE_NAMES.contains(name)) {
      error("'" + name + "' is not a valid class name: Java restricts it as a type name (JLS §3.9)", type, nn,
          Mirrors.written(nn, "className"));
      return name;
    }
    int fileNameBytes = (name + ".class").getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (fileNameBytes > MAX_FILE_NAME_BYTES) {
      // javac would generate the source, and fail writing its class file: "error while writing".
      error("the generated class " + name + "'s class file name would be " + fileNameBytes + " bytes long (in UTF-8), "
          + "where file systems take at most " + MAX_FILE_NAME_BYTES + ": set a shorter className", type, nn,
          Mirrors.written(nn, "className"));
      return name;
    }
    if (NetworkClassWriter.JAVA_LANG_NAMES.contains(name)) {
      // Generated in a round with the other specs of the package, it would hide java.lang's from their classes too.
      error("a class named " + name + " would hide java.lang." + name + " from every class of "
          + (pkg.isEmpty() ? "the unnamed package" : "package " + pkg) + ", the generated ones among them, which name "
          + "it " + name + ": set another className", type, nn, Mirrors.written(nn, "className"));
      return name;
    }
    String qualified = pkg.isEmpty() ? name : pkg + "." + name;
    TypeElement existing = elements.getTypeElement(qualified);
    TypeElement nested = name.indexOf('$') < 0 ? null : classFileOf(elements.getPackageOf(type), name, false);
    TypeElement caseTwin = classFileOf(elements.getPackageOf(type), name, true);
    if (nested != null) {
      // Its class file is the generated class's; javac fails on the generated source, far from the spec.
      error("the generated class " + name + " would clash with the nested type " + nested.getQualifiedName()
          + ", whose class file is " + name + ".class: set another className", type, nn,
          Mirrors.written(nn, "className"));
    } else if (caseTwin != null) {
      // javac writes both, and on such a file system the second class file overwrites the first without a word.
      String twinFile = binaryName(caseTwin) + ".class";
      error("the generated class " + name + "'s class file " + name + ".class differs only in case from "
          + twinFile + ", of " + caseTwin.getQualifiedName() + ": on a case-insensitive file system (Windows, "
          + "macOS) they are one file, and one class would be lost; set another className", type, nn,
          Mirrors.written(nn, "className"));
    } else if (elements.getPackageElement(qualified) != null) {
      // javac refuses a class named as a package that has types (or subpackages of this compilation's sources).
      error("the generated class " + name + " would clash with the package " + qualified + ": javac takes no class "
          + "and package of one name; set @NeuralNetwork(className = \"...\")", type, nn,
          Mirrors.written(nn, "className"));
    } else if (existing != null && !generatedFrom(existing, type)) {
      error("the generated class " + name + " would clash with the existing type " + qualified
          + ": rename that type or set @NeuralNetwork(className = \"...\")", type, nn, Mirrors.written(nn, "className"));
    } else if (existing != null && sources.declares(existing)) {
      // An earlier output on a path is replaced; a source of this compilation cannot be (javac's Filer refuses).
      error("the generated class " + name + " would replace " + qualified + ", a source file of this compilation "
          + "that says it was generated from " + type.getSimpleName() + " (@GeneratedNetwork): delete that file (an "
          + "earlier output compiled again as a source, or a copy), or set @NeuralNetwork(className = \"...\")", type,
          nn, Mirrors.written(nn, "className"));
    } else if (existing == null) {
      String hidden = HiddenImports.hidden(trees, elements, sources, elements.getPackageOf(type), name);
      if (hidden != null) {
        // The class would compile, and the sources that name the imported type by its simple name would not.
        error("a class named " + name + " would hide " + hidden + ": set another className, or import that type "
            + "by its full name (a single-type import wins over the classes of the package)", type, nn,
            Mirrors.written(nn, "className"));
      }
    }
    return name;
  }

  /**
   * The type a source of this compilation declares in {@code pkg}, at any depth, whose class file would be the one of
   * a top-level class {@code name} of that package: a nested type whose binary name ({@code Outer$Inner}, its class
   * file's name) is {@code name}, or with {@code ignoringCase}, a type whose class file's name differs from it only in
   * case. Null when there is none. The package's other types are not read, which would compile a source path's files
   * unprocessed; a top-level type of the very name is judged by the caller.
   */
  private TypeElement classFileOf(PackageElement pkg, String name, boolean ignoringCase) {
    List<TypeElement> types = new ArrayList<>(sources.topLevelIn(elements, pkg));
    for (int i = 0; i < types.size(); i++) {
      TypeElement t = types.get(i);
      String file = binaryName(t);
      if (ignoringCase ? file.equalsIgnoreCase(name) && !file.equals(name)
          : t.getNestingKind() == NestingKind.MEMBER && file.equals(name)) {
        return t;
      }
      types.addAll(ElementFilter.typesIn(t.getEnclosedElements()));
    }
    return null;
  }

  /** The binary name of {@code type} without its package: its class file's name, {@code Outer$Inner}. */
  private String binaryName(TypeElement type) {
    String binary = elements.getBinaryName(type).toString();
    return binary.substring(binary.lastIndexOf('.') + 1);
  }

  /** Whether {@code existing} is what this processor generated from {@code spec} before (an incremental build). */
  private static boolean generatedFrom(TypeElement existing, TypeElement spec) {
    AnnotationMirror marker = Mirrors.find(existing, "GeneratedNetwork");
    if (marker == null) {
      return false;
    }
    Object from = Mirrors.written(marker, "value") == null ? null : Mirrors.written(marker, "value").getValue();
    return spec.getQualifiedName().contentEquals(String.valueOf(from));
  }

  private static String defaultName(TypeElement type) {
    String s = type.getSimpleName().toString();
    return (s.endsWith("Spec") && s.length() > 4 ? s.substring(0, s.length() - 4) : s) + "Network";
  }

  private Shape input(TypeElement type) {
    AnnotationMirror m = Mirrors.find(type, "Input");
    if (m == null) {
      error("the network has no input: add @Input(size) to " + type.getSimpleName() + ", e.g. @Input(784)", type,
          null, null);
      return null;
    }
    AnnotationValue value = Mirrors.values(elements, m).get("value");
    List<?> sizes = (List<?>) value.getValue();
    if (sizes.isEmpty()) {
      error("@Input needs at least one size", type, m, value);
      return null;
    }
    int[] dims = new int[sizes.size()];
    boolean wrong = false;
    for (int i = 0; i < dims.length; i++) {
      AnnotationValue size = (AnnotationValue) sizes.get(i);
      dims[i] = ((Number) size.getValue()).intValue();
      String problem = SpecRules.inputSize(dims[i]);
      if (problem != null) {
        error(problem, type, m, size); // each wrong size on its own value
        wrong = true;
      }
    }
    if (wrong) {
      return null;
    }
    long elementCount = 1;
    for (int dim : dims) {
      elementCount *= dim;
      if (elementCount > Integer.MAX_VALUE) {
        error("one input sample would have more than 2147483647 (2³¹ − 1) elements, more than an array holds", type,
            m, value);
        return null;
      }
    }
    return Shape.of(dims);
  }

  /**
   * A spec, or a block's nodes interface, declares every layer itself: layer annotations are not kept in class files,
   * so layers inherited from another interface could be lost unseen. Inherited abstract methods are reported once per
   * interface they come from, unless they carry a layer annotation outside a spec or nodes interface (reported where
   * they are, as misplaced).
   */
  private void inheritance(TypeElement type) {
    boolean nodes = Mirrors.find(type, "BlockNodes") != null && Mirrors.find(type, "NeuralNetwork") == null;
    String declarer = nodes ? "a block's nodes interface declares every node itself" : "a spec declares every layer "
        + "itself";
    Set<Element> reported = new java.util.HashSet<>();
    for (ExecutableElement m : ElementFilter.methodsIn(elements.getAllMembers(type))) {
      Element from = m.getEnclosingElement();
      boolean fromSpec = Mirrors.find(from, "NeuralNetwork") != null;
      boolean fromNodes = Mirrors.find(from, "BlockNodes") != null;
      if (from.equals(type) || from.getKind() != ElementKind.INTERFACE || !m.getModifiers().contains(Modifier.ABSTRACT)
          || redeclaresObjectMethod(m) // every object has it: nothing for the spec to declare
          || (!fromSpec && !fromNodes && KindAnnotation.hasDslAnnotation(m)) || !reported.add(from)) {
        continue;
      }
      String base = ((TypeElement) from).getQualifiedName().toString();
      error(fromSpec && !nodes
          ? "a network spec cannot extend another spec (" + base + "): declare all the layers in "
              + type.getSimpleName() + ", or build on the other network's SPEC"
          : fromNodes || fromSpec
          ? type.getSimpleName() + " inherits the " + (fromSpec ? "layers" : "nodes") + " of " + base + ", but "
              + declarer + ": declare them in " + type.getSimpleName() + (fromSpec ? ""
              : nodes ? ", or give the block the nodes of " + base
              : ", or take them as a block, @Block(nodes = " + from.getSimpleName() + ".class)")
          : type.getSimpleName() + " inherits the abstract method " + m.getSimpleName() + "() from " + base + ", but "
              + declarer + ": move " + (nodes ? "the nodes" : "the layers") + " into " + type.getSimpleName()
              + ", or make " + m.getSimpleName() + "() a default method", type, null, null);
    }
  }

  /**
   * Reports a layer method whose accessor would clash with a member of the generated class, or of every class; true
   * when it clashes. Methods javac itself rejects in an interface (Object's final ones) fail silently.
   */
  private boolean checkName(ExecutableElement method) {
    String name = method.getSimpleName().toString();
    TypeKind returns = method.getReturnType().getKind();
    boolean stringReturn = method.getReturnType().toString().equals("java.lang.String");
    if (GENERATED_MEMBERS.contains(name) || name.equals("clone") || name.equals("finalize")
        || (name.equals("hashCode") && returns == TypeKind.INT) || (name.equals("toString") && stringReturn)) {
      error("the generated class has a method " + name + "() of its own, so this layer's accessor would clash with it:"
          + " rename the method (e.g. " + name + "Layer()), and keep the layer's name with name = \"" + name + "\"",
          method, null, null);
      return true;
    }
    if (OBJECT_METHODS.contains(name) && method.getParameters().isEmpty()) {
      failed = true; // javac reports that the method cannot override Object's
      return true;
    }
    return false;
  }

  /** Whether {@code m} redeclares a public method of {@code Object}: equals(Object), hashCode() or toString(). */
  private static boolean redeclaresObjectMethod(ExecutableElement m) {
    String name = m.getSimpleName().toString();
    List<? extends javax.lang.model.element.VariableElement> parameters = m.getParameters();
    return parameters.isEmpty() && (name.equals("hashCode") || name.equals("toString")) || name.equals("equals")
        && parameters.size() == 1 && parameters.get(0).asType().toString().equals(Object.class.getName());
  }

  /**
   * The layers a method of a spec or of a block's nodes ({@code holder}) declares, after reporting how it is
   * misdeclared; null for a method that is not abstract (reported when annotated as a layer) or has no layer
   * annotation (reported). A method with two layer annotations stands as {@link Unread} layers.
   */
  private List<Part> declared(ExecutableElement method, String holder) {
    List<AnnotationMirror> layerAnnotations = KindAnnotation.on(method, KindAnnotation.Category.LAYER);
    String name = method.getSimpleName().toString();
    if (!method.getModifiers().contains(Modifier.ABSTRACT)) {
      String what = method.getModifiers().contains(Modifier.STATIC) ? "static"
          : method.getModifiers().contains(Modifier.DEFAULT) ? "default" : "private";
      for (AnnotationMirror a : layerAnnotations) {
        error("@" + Mirrors.simpleName(a) + " declares a layer only on an abstract method, and " + name + "() is "
            + what + ": remove its body and the " + what + " modifier, or the annotation", method, a, null);
      }
      return null;
    }
    if (layerAnnotations.isEmpty() && redeclaresObjectMethod(method)) {
      error("each abstract method of a " + holder + " is one layer, and " + name + (name.equals("equals")
          ? "(Object)" : "()") + " redeclares the method every object has, which "
          + "can be neither a layer (the generated class has it) nor a default method (Java gives no interface a body "
          + "for Object's methods): remove it", method, null, null);
      return null;
    }
    if (layerAnnotations.isEmpty()) {
      error("each abstract method of a " + holder + " is one layer: annotate " + name + "() with @Dense, @Dropout, "
          + "@Activation or another layer annotation, or make it a default method", method, null, null);
      return null;
    }
    if (!method.getParameters().isEmpty()) {
      error("a layer method takes no parameters: " + name + "() has " + method.getParameters().size(), method, null,
          null);
    }
    // The generated accessor declares neither; written here, they would be dropped without a word.
    if (!method.getTypeParameters().isEmpty()) {
      error("a layer method has no type parameters: remove <" + join(method.getTypeParameters()) + "> from " + name
          + "()", method, null, null);
    }
    if (!method.getThrownTypes().isEmpty()) {
      error("a layer method throws nothing: remove throws " + join(method.getThrownTypes()) + " from " + name + "()",
          method, null, null);
    }
    // Object's methods have their return types fixed by javac (and are reported as names that clash, or by javac).
    if (method.getReturnType().getKind() != TypeKind.VOID && !(OBJECT_METHODS.contains(name)
        && method.getParameters().isEmpty())) {
      error("a layer method returns nothing: make " + name + "() void (it returns " + method.getReturnType()
          + ", which no layer gives; the generated class's accessor returns the layer)", method, null, null);
    }
    for (AnnotationMirror extra : layerAnnotations.subList(1, layerAnnotations.size())) {
      error("a method is one layer: keep one of @" + Mirrors.simpleName(layerAnnotations.get(0)) + " and @"
          + Mirrors.simpleName(extra) + " on " + name + "()", method, extra, null);
    }
    List<Part> layer = layer(method, layerAnnotations.get(0));
    if (layerAnnotations.size() > 1) {
      layer = layer.stream().map(p -> new Part(new Unread(p.layer().name(), p.layer().type()), method,
          p.annotation(), p.addedActivation())).toList();
    }
    return layer;
  }

  /**
   * Reports each {@code @BlockNodes} interface nested in {@code type}, at any depth, that no block of the spec read:
   * its layers would be dropped and their mistakes never seen.
   */
  private void unusedNodes(TypeElement type) {
    for (TypeElement nested : ElementFilter.typesIn(type.getEnclosedElements())) {
      AnnotationMirror nodes = Mirrors.find(nested, "BlockNodes");
      if (nodes != null && !judgedNodes.contains(nested) && !openBlocks.contains(nested)) {
        error(nested.getSimpleName() + " declares a block's nodes, but no @Block of " + spec.getSimpleName()
            + " takes them: add @Block(nodes = " + nested.getSimpleName() + ".class) to a layer method of "
            + spec.getSimpleName() + ", or remove " + nested.getSimpleName(), nested, nodes, null);
      }
      if (Mirrors.find(nested, "NeuralNetwork") == null) {
        unusedNodes(nested);
      }
    }
  }

  /** Whether {@code e} is declared inside {@code outer}, at any depth. */
  private static boolean nestedIn(Element e, TypeElement outer) {
    for (Element at = e.getEnclosingElement(); at != null; at = at.getEnclosingElement()) {
      if (at.equals(outer)) {
        return true;
      }
    }
    return false;
  }

  /** The innermost {@code @NeuralNetwork} interface {@code e} is declared in, at any depth; null when there is none. */
  private static TypeElement specAround(Element e) {
    for (Element at = e.getEnclosingElement(); at != null; at = at.getEnclosingElement()) {
      if (at instanceof TypeElement t && Mirrors.find(t, "NeuralNetwork") != null) {
        return t;
      }
    }
    return null;
  }

  private static String join(List<?> things) {
    return String.join(", ", things.stream().map(Object::toString).toList());
  }

  /**
   * Writes a block's {@code nodes} field from the {@code @BlockNodes} interface its annotation names: a node for each
   * layer of each abstract method, in order, taking what the method's {@code @From} names or else the layer before it
   * (the block's input for the first); an activation a member adds takes its layer. False after reporting what is
   * wrong where it is: on the annotation's value, on a node's method or on its {@code @From} value.
   */
  private boolean nodes(ExecutableElement method, KindAnnotation k, AnnotationValue value) {
    TypeElement holder = value.getValue() instanceof DeclaredType d && d.asElement() instanceof TypeElement t ? t
        : null;
    if (holder == null || holder.getKind() != ElementKind.INTERFACE || Mirrors.find(holder, "BlockNodes") == null) {
      error(k.where() + " takes its nodes from an interface annotated @BlockNodes, whose abstract methods are the "
          + "block's layers, and " + value + " is not one", method, k.mirror, value);
      return false;
    }
    if (!nestedIn(holder, spec)) {
      error(k.where() + " takes its nodes from " + holder.getSimpleName() + ", which is declared outside "
          + spec.getSimpleName() + ": nest the @BlockNodes interface in " + spec.getSimpleName() + ", as the "
          + "generated class depends on the spec's own source alone (incremental builds recompile it with that "
          + "source only)", method, k.mirror, value);
      return false;
    }
    TypeElement otherSpec = specAround(holder);
    if (!otherSpec.equals(spec)) {
      // That spec reads them as its own (see unusedNodes), and would report them as nodes none of its blocks takes.
      error(k.where() + " takes its nodes from " + holder.getSimpleName() + ", which is declared in "
          + otherSpec.getSimpleName() + ", another spec: the nodes of a spec nested in " + spec.getSimpleName()
          + " are that spec's; nest the @BlockNodes interface in " + spec.getSimpleName() + " outside "
          + otherSpec.getSimpleName(), method, k.mirror, value);
      return false;
    }
    if (openBlocks.contains(holder)) {
      List<String> path = new ArrayList<>();
      openBlocks.subList(openBlocks.indexOf(holder), openBlocks.size()).forEach(t -> path.add(t.getSimpleName() + ""));
      path.add(holder.getSimpleName().toString());
      error(k.where() + " " + method.getSimpleName() + "() takes its nodes from " + holder.getSimpleName() + ", which "
          + "already holds it (" + String.join(" → ", path) + "): a block cannot contain itself; give it nodes of "
          + "another @BlockNodes interface", method, k.mirror, value);
      return false;
    }
    int before = errors;
    if (judgedNodes.add(holder)) {
      inheritance(holder);
      if (!holder.getTypeParameters().isEmpty()) {
        error("a block's nodes interface cannot be generic: remove the type parameters of " + holder.getSimpleName(),
            holder, null, null);
      }
    }
    List<List<Part>> layers = new ArrayList<>();
    openBlocks.add(holder);
    try {
      for (ExecutableElement m : ElementFilter.methodsIn(holder.getEnclosedElements())) {
        AnnotationMirror from = Mirrors.find(m, "From");
        if (from != null && !m.getModifiers().contains(Modifier.ABSTRACT)) {
          error("@From names the inputs of a node, an abstract method with a layer annotation, and " + m.getSimpleName()
              + "() is not one: remove @From, or make " + m.getSimpleName() + "() a node", m, from, null);
        }
        List<Part> layer = declared(m, "block's nodes interface");
        if (layer != null) {
          layers.add(layer);
        }
      }
    } finally {
      openBlocks.remove(openBlocks.size() - 1);
    }
    if (layers.isEmpty() && errors == before) {
      error("the block's nodes interface " + holder.getSimpleName() + " declares no layer: add abstract methods "
          + "annotated @Dense, @Conv2D or another layer annotation", method, k.mirror, value);
    }
    nodeNames(holder, layers);
    Set<String> names = new java.util.TreeSet<>();
    layers.forEach(l -> l.forEach(p -> names.add(p.layer().name())));
    ArrayNode nodes = JsonNodeFactory.instance.arrayNode();
    String previous = BlockSpec.INPUT;
    for (List<Part> layer : layers) {
      List<String> inputs = List.of(previous);
      String merge = BlockSpec.Merge.ADD.name();
      AnnotationMirror from = Mirrors.find(layer.get(0).member(), "From");
      if (from != null) {
        Map<String, AnnotationValue> v = Mirrors.values(elements, from);
        inputs = new ArrayList<>();
        for (Object o : (List<?>) v.get("value").getValue()) {
          AnnotationValue in = (AnnotationValue) o;
          String input = (String) in.getValue();
          if (!input.equals(BlockSpec.INPUT) && !names.contains(input)) {
            error("the node " + layer.get(0).member().getSimpleName() + "() takes '" + input + "', which is neither '"
                + BlockSpec.INPUT + "' nor a node of " + holder.getSimpleName() + " " + names, layer.get(0).member(),
                from, in);
          }
          inputs.add(input);
        }
        if (inputs.isEmpty()) {
          error("@From needs at least one input: '" + BlockSpec.INPUT + "' or a node of " + holder.getSimpleName(),
              layer.get(0).member(), from, v.get("value"));
        }
        merge = Mirrors.constant(v.get("merge"));
        AnnotationValue mergeWritten = Mirrors.written(from, "merge");
        if (mergeWritten != null && inputs.size() == 1) {
          error("merge combines the inputs of a node that takes several, and " + layer.get(0).member().getSimpleName()
              + "() takes one, '" + inputs.get(0) + "', so that merge = " + merge + " has no effect: remove it, or "
              + "name the other inputs in @From", layer.get(0).member(), from, mergeWritten);
        }
      }
      for (Part p : layer) {
        ObjectNode node = nodes.addObject();
        inputs.forEach(node.putArray("inputs")::add);
        node.put("merge", merge.toLowerCase(Locale.ROOT));
        if (!(p.layer() instanceof Unread)) {
          try {
            node.set("layer", json(kindCode(KindAnnotation.Category.LAYER, p.layer().type(), "writing its JSON",
                () -> NetworkSpecJson.writeLayer(p.layer()))));
          } catch (KindFailure failure) {
            error(failure.getMessage(), p.member(), p.annotation(), null);
          }
        }
        inputs = List.of(p.layer().name());
        merge = BlockSpec.Merge.ADD.name();
        previous = p.layer().name();
      }
    }
    if (errors != before) {
      return false;
    }
    k.put("nodes", "nodes", nodes);
    return true;
  }

  /**
   * Reports each node whose name the block kind would refuse, on that node rather than on the block: a name another
   * node of {@code holder} has (on the second, naming the first), the block input's own name, and one holding ':'.
   */
  private void nodeNames(TypeElement holder, List<List<Part>> layers) {
    Map<String, Part> seen = new java.util.HashMap<>();
    for (List<Part> layer : layers) {
      for (Part p : layer) {
        String name = p.layer().name();
        AnnotationValue written = Mirrors.written(p.annotation(), "name");
        Part first = seen.putIfAbsent(name, p);
        if (name.contains(":") && !p.addedActivation()) { // the activation it adds has its name, reported here
          error("node name '" + name + "' holds ':', which joins a node's name to the roles of its parameters: "
              + (written == null ? "rename " + p.describe() + ", or set" : "set") + " another with name = \"...\"",
              p.member(), p.annotation(), written);
        } else if (name.equals(BlockSpec.INPUT)) {
          error("a node cannot be named '" + BlockSpec.INPUT + "', the name by which @From takes the block's input: "
              + (written == null ? "rename " + p.describe() + ", or set" : "set") + " another with name = \"...\"",
              p.member(), p.annotation(), written);
        } else if (first != null) {
          error("duplicate node name '" + name + "' (also " + first.describe() + "): the names of a block's nodes "
              + "must be unique; set another with name = \"...\"", p.member(), p.annotation(), written);
        }
      }
    }
  }

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a layer's own JSON does not parse: " + text, e);
    }
  }

  /**
   * The layers one annotated member stands for: its kind's, read from the annotation, and the activation its {@code
   * activation} member adds. A layer that cannot be read is reported and stands in as an {@link Unread}.
   */
  private List<Part> layer(ExecutableElement method, AnnotationMirror a) {
    KindAnnotation k = KindAnnotation.read(elements, a);
    AnnotationValue nameValue = k.convention("name");
    String written = nameValue == null ? "" : (String) nameValue.getValue();
    String name = written.isEmpty() ? method.getSimpleName().toString() : written;
    k.json.put("name", name);
    AnnotationValue nodes = k.convention("nodes");
    if (nodes != null && !nodes(method, k, nodes)) {
      return List.of(new Part(new Unread(name, k.type), method, a, false));
    }
    AnnotationValue activation = k.convention("activation");
    // Beside the activation the layer is (@Activation's value), alpha is that activation's slope, as written.
    AnnotationValue ownAlpha = activation == null ? k.writtenConvention("alpha") : null;
    if (ownAlpha != null && checkAlpha(k.type, true, method, a, ownAlpha, k.typeFrom)) {
      k.put("alpha", "alpha", KindAnnotation.json(ownAlpha.getValue()));
    } else if (ownAlpha == null) {
      checkAlpha(k.type, k.json.has("alpha"), method, a, Mirrors.written(a, "alpha"), "value");
      AnnotationValue declared = activation == null ? k.convention("alpha") : null;
      if (declared != null && k.type.equals(ActivationFunction.LEAKY_RELU.label())) {
        k.put("alpha", "alpha", KindAnnotation.json(declared.getValue())); // left out, its declared default
      }
    }
    LayerSpec layer = read(method, k, LayerSpec.class);
    Part main = new Part(layer == null ? new Unread(name, k.type) : layer, method, a, false);
    if (activation == null || Mirrors.constant(activation).equals(ActivationFunction.IDENTITY.name())) {
      if (k.writtenConvention("alpha") != null && activation != null) {
        checkAlpha(ActivationFunction.IDENTITY.label(), true, method, a, k.writtenConvention("alpha"), "activation");
      }
      return List.of(main);
    }
    String function = Mirrors.constant(activation).toLowerCase(Locale.ROOT);
    ObjectNode json = JsonNodeFactory.instance.objectNode().put("type", function).put("name", name + "_" + function);
    AnnotationValue alpha = k.writtenConvention("alpha");
    if (alpha != null && checkAlpha(function, true, method, a, alpha, "activation")) {
      json.put("alpha", KindAnnotation.decimal((Number) alpha.getValue()));
    } else if (alpha == null && k.convention("alpha") != null
        && function.equals(ActivationFunction.LEAKY_RELU.label())) {
      // Left out, the slope is the member's declared default, as any member's is (a kind's own may differ).
      json.put("alpha", KindAnnotation.decimal((Number) k.convention("alpha").getValue()));
    }
    LayerSpec added;
    try {
      added = readKind(KindAnnotation.Category.LAYER, function, json, "@" + Mirrors.simpleName(a), LayerSpec.class);
    } catch (IllegalArgumentException e) {
      error(e.getMessage(), method, a, alpha);
      added = new Unread(name + "_" + function, function);
    }
    return List.of(main, new Part(added, method, a, true));
  }

  /**
   * Reports {@code alpha} given to an activation other than leaky ReLU, which would ignore it; true when it is fine.
   * A leaky slope's own range is the kind's rule.
   */
  private boolean checkAlpha(String type, boolean given, Element at, AnnotationMirror a, AnnotationValue alpha,
      String functionMember) {
    boolean activation = Arrays.stream(ActivationFunction.values()).anyMatch(f -> f.label().equals(type));
    if (given && activation && !type.equals(ActivationFunction.LEAKY_RELU.label())) {
      error("alpha is leaky ReLU's slope, and " + type + " takes none: remove it, or set " + functionMember
          + " = LEAKY_RELU", at, a, alpha);
      return false;
    }
    return true;
  }

  /**
   * The spec a kind annotation on {@code at} describes, read by its registered kind from the annotation's JSON; null
   * after reporting what is wrong on the value it concerns (or the annotation), or an unknown kind with what to do.
   */
  private <T> T read(Element at, AnnotationMirror a, Class<T> spec) {
    return read(at, KindAnnotation.read(elements, a), spec);
  }

  private <T> T read(Element at, KindAnnotation k, Class<T> spec) {
    if (!k.declaration.isEmpty()) {
      declarationProblems(at, k);
      return null;
    }
    k.problems.forEach((member, problem) -> error(problem, at, k.mirror, Mirrors.written(k.mirror, member)));
    if (k.problems.containsKey(null) || k.type.isEmpty()) {
      return null;
    }
    String word = k.category.word;
    List<String> known = switch (k.category) {
      case LAYER -> kinds.layerKinds().stream().map(LayerKind::type).toList();
      case LOSS -> kinds.lossKinds().stream().map(LossKind::type).toList();
      default -> kinds.optimizerKinds().stream().map(OptimizerKind::type).toList();
    };
    if (!known.contains(k.type)) {
      error("no " + word + " kind '" + k.type + "' is registered on the annotation processor path (registered: "
          + String.join(", ", known) + "): correct the type name of " + k.where() + ", or add the module that "
          + "provides the kind to the processor path (annotationProcessorPaths)", at, k.mirror, null);
      return null;
    }
    try {
      ObjectNode example = example(k.category, k.type);
      Function<ObjectNode, T> reader = json -> readKind(k.category, k.type, json, k.where(), spec);
      defaults(at, k, example, reader);
      T read = readEach(at, k, example, reader);
      if (read != null) {
        writable(k.category, k.type, read);
      }
      return read;
    } catch (KindFailure failure) {
      error(failure.getMessage(), at, k.mirror, null);
      return null;
    }
  }

  /** What reading a kind's JSON gave: the value read, or the kind's refusal (its IllegalArgumentException). */
  private record Outcome<T>(T value, String refusal) {}

  private static <T> Outcome<T> attempt(Function<ObjectNode, T> reader, ObjectNode json) {
    try {
      return new Outcome<>(reader.apply(json), null);
    } catch (IllegalArgumentException e) {
      return new Outcome<>(null, String.valueOf(e.getMessage()));
    }
  }

  /**
   * Reads the fields of {@code k} with {@code reader}, reporting each refusal on the value at fault, then reads again
   * with the fields that error involves {@link #takenOut taken out}, so that all the mistakes of one annotation are
   * reported at once, each once. Each unknown field is an error on its own value. The fields of members whose
   * problems were reported are taken out from the start. The value read, or null when anything was wrong.
   */
  private <T> T readEach(Element at, KindAnnotation k, ObjectNode example, Function<ObjectNode, T> reader) {
    ObjectNode json = k.readable();
    Set<String> taken = new java.util.HashSet<>();
    for (String field : k.fieldsOfProblems()) {
      json = takenOut(json, field, example, reader);
      taken.add(field);
    }
    boolean wrong = !k.problems.isEmpty();
    while (true) {
      Outcome<T> outcome = attempt(reader, json);
      if (outcome.refusal() == null) {
        return wrong ? null : withoutKindDefaults(k, json, reader, outcome.value());
      }
      String message = outcome.refusal();
      List<String> unknown = k.unknownFields(message, json);
      if (!unknown.isEmpty()) {
        for (String field : unknown) {
          error(k.unknownField(message, field), at, k.mirror, k.valueOf(field));
          json.remove(field);
          taken.add(field);
        }
        wrong = true;
        continue;
      }
      String field = culprit(k, json, taken, example, reader, message);
      if (field == null) {
        if (!wrong) {
          error(message, at, k.mirror, null); // about no one value: the whole annotation
        }
        return null; // once wrong, an error about no value left follows from what was stood in for
      }
      error(message, at, k.mirror, k.valueOf(field));
      wrong = true;
      // Every value the mistake involves is stood in for, so that none of them is blamed again for it.
      for (String other : involved(k, json, taken, example, reader, message, field)) {
        json = takenOut(json, other, example, reader);
        taken.add(other);
      }
    }
  }

  /**
   * The field {@code message} is about: the one whose value, stood in for by the example's, no longer gives that
   * error; the field the text names is tried first, then each field the user wrote, in source order. Null when no
   * field (that was not stood in for already) is at fault alone.
   */
  private <T> String culprit(KindAnnotation k, ObjectNode json, Set<String> taken, ObjectNode example,
      Function<ObjectNode, T> reader, String message) {
    List<String> candidates = new ArrayList<>();
    JsonNode name = json.get("name");
    String guess = k.guess(message, name == null ? null : name.asText());
    if (guess != null) {
      candidates.add(guess);
    }
    k.writtenFields().stream().filter(f -> !candidates.contains(f)).forEach(candidates::add);
    for (String field : candidates) {
      if (!taken.contains(field) && json.has(field)
          && !message.equals(attempt(reader, standIn(json, field, example)).refusal())) {
        return field;
      }
    }
    return null;
  }

  /** The fields besides {@code culprit} whose values {@code message} depends on, with the culprit itself. */
  private <T> List<String> involved(KindAnnotation k, ObjectNode json, Set<String> taken, ObjectNode example,
      Function<ObjectNode, T> reader, String message, String culprit) {
    List<String> out = new ArrayList<>(List.of(culprit));
    for (java.util.Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!field.equals(culprit) && !field.equals("name") && !taken.contains(field)
          && !message.equals(attempt(reader, standIn(json, field, example)).refusal())) {
        out.add(field);
      }
    }
    return out;
  }

  /**
   * {@code json} without {@code field}, for the kind's default to stand in, which agrees with the other fields (a
   * block's output is its last node); for a field the kind requires, with the example's value.
   */
  private static ObjectNode takenOut(ObjectNode json, String field, ObjectNode example,
      Function<ObjectNode, ?> reader) {
    ObjectNode without = json.deepCopy();
    without.remove(field);
    String refusal = attempt(reader, without).refusal();
    return refusal != null && refusal.contains("." + field + " is missing") ? standIn(json, field, example) : without;
  }

  /** {@code json} with {@code field} set to the example's value, or without it when the example has none. */
  private static ObjectNode standIn(ObjectNode json, String field, ObjectNode example) {
    ObjectNode out = json.deepCopy();
    if (example.has(field)) {
      out.set(field, example.get(field).deepCopy());
    } else {
      out.remove(field);
    }
    return out;
  }

  /**
   * {@code read}, after taking out of {@code k}'s JSON each declared default that reads as the kind's own default,
   * so that the JSON holds what the user's annotation changes and no more.
   */
  private static <T> T withoutKindDefaults(KindAnnotation k, ObjectNode json, Function<ObjectNode, T> reader, T read) {
    for (String field : k.defaults()) {
      if (json.has(field)) {
        ObjectNode without = json.deepCopy();
        without.remove(field);
        if (read.equals(attempt(reader, without).value())) {
          k.json.remove(field);
          json = without;
        }
      }
    }
    return read;
  }

  /**
   * The fields of a valid object of the kind — its registered example, or for a schedule the one of {@link
   * #SCHEDULE_EXAMPLES} — without its type; empty when there is none. Each field the kind requires is in it.
   */
  private ObjectNode example(KindAnnotation.Category category, String type) {
    ObjectNode cached = examples.get(category + " " + type);
    if (cached != null) {
      return cached;
    }
    JsonNode written;
    try {
      written = json(kindCode(category, type, "giving its example", () -> switch (category) {
        case LAYER -> NetworkSpecJson.writeLayer(kinds.layerKind(type, type).example().spec().withName("example"));
        case LOSS -> NetworkSpecJson.writeLoss(kinds.lossKind(type, type).example());
        case OPTIMIZER -> NetworkSpecJson.writeOptimizer(kinds.optimizerKind(type, type).example());
        case SCHEDULE -> SCHEDULE_EXAMPLES.containsKey(type) ? NetworkSpecJson.writeOptimizer(
            new OptimizerSpec.Sgd(1, 0, SCHEDULE_EXAMPLES.get(type))) : "{}";
      }));
    } catch (IllegalArgumentException e) {
      written = null; // no example to go by: the fields are judged as they are
    }
    if (category == KindAnnotation.Category.SCHEDULE && written != null) {
      written = written.get("schedule");
    }
    ObjectNode fields = written instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
    fields.remove("type");
    examples.put(category + " " + type, fields);
    return fields;
  }

  /**
   * The example's fields the kind requires (each other one taken out, as it reads without it), to judge a field by
   * itself; null when the example does not read, so that nothing can be judged against it.
   */
  private ObjectNode required(KindAnnotation k, ObjectNode example, Function<ObjectNode, ?> reader) {
    return requiredFields.computeIfAbsent(k.category + " " + k.type, key -> {
      if (attempt(reader, example).refusal() != null) {
        return java.util.Optional.empty();
      }
      ObjectNode out = example.deepCopy();
      List<String> fields = new ArrayList<>();
      example.fieldNames().forEachRemaining(fields::add);
      for (String field : fields) {
        ObjectNode without = out.deepCopy();
        without.remove(field);
        if (attempt(reader, without).refusal() == null) {
          out = without;
        }
      }
      return java.util.Optional.of(out);
    }).orElse(null);
  }

  /**
   * Decides what each member of {@code k} left at its default stands for, as Java reads an annotation: its declared
   * default, written into the JSON — unless it is an empty array or string, the conventional "not set" that leaves the
   * kind's own default. A member that cannot be written, or whose field the kind does not have, never has an effect;
   * a default the kind refuses (judged with the example's required fields alone) is wrong wherever it is left out.
   * Each is an error on the member's declaration (see {@link #onDeclaration}), and the default is not written. The
   * default of a member this use writes is judged as well when the declaration is a source of this compilation.
   */
  private void defaults(Element at, KindAnnotation k, ObjectNode example, Function<ObjectNode, ?> reader) {
    if (k.unwritten.isEmpty() && k.overridden.isEmpty()) {
      return;
    }
    ObjectNode required = required(k, example, reader);
    List<KindAnnotation.DeclaredDefault> kept = new ArrayList<>();
    for (KindAnnotation.DeclaredDefault d : k.unwritten) {
      String member = "the member " + d.member().getSimpleName() + "() of " + k.where();
      if (d.value() == null) {
        onDeclaration(at, k, d.member(), null, null, member + " cannot be written as JSON, so that no kind reads it "
            + "(even left at its default): use numbers, booleans, strings, enum constants or arrays of them");
        continue;
      }
      String refusal = required == null ? null : attempt(reader, with(required, d.field(), d.value())).refusal();
      if (refusal != null && refusal.contains("unknown field")) { // the rest is valid, so the field is the one unknown
        onDeclaration(at, k, d.member(), null, null, member + " stands for the field '" + d.field() + "', which "
            + "the " + k.category.word + " kind '" + k.type + "' does not have, so that it never has an effect "
            + "(" + refusal + "): remove " + d.member().getSimpleName() + "(), or give it the @Field of a "
            + "field the kind has");
      } else if (!notSet(d.value())) {
        kept.add(d);
      }
    }
    List<KindAnnotation.DeclaredDefault> judged = new ArrayList<>(kept);
    if (required != null && sources.declares((TypeElement) k.mirror.getAnnotationType().asElement())) {
      k.overridden.stream().filter(d -> d.value() != null && !notSet(d.value())).filter(d -> {
        String refusal = attempt(reader, with(required, d.field(), d.value())).refusal();
        return refusal == null || !refusal.contains("unknown field"); // a field written is judged on the use
      }).forEach(judged::add);
    }
    ObjectNode all = required == null ? null : required.deepCopy();
    judged.forEach(d -> {
      if (all != null) {
        all.set(d.field(), d.value());
      }
    });
    if (all != null && attempt(reader, all).refusal() != null) {
      // Together they are refused: each refused alone is at fault (one refused only beside another shows on the use).
      for (KindAnnotation.DeclaredDefault d : judged) {
        String refusal = attempt(reader, with(required, d.field(), d.value())).refusal();
        if (refusal != null) {
          onDeclaration(at, k, d.member(), null, null, "the member " + d.member().getSimpleName() + "() of "
              + k.where() + " defaults to " + d.member().getDefaultValue() + ", which the " + k.category.word
              + " kind '" + k.type + "' refuses (" + refusal + "), so that every use leaving it out is wrong: "
              + "declare a default the kind accepts, or none");
          kept.remove(d);
        }
      }
    }
    kept.forEach(d -> k.putDefault(d.field(), d.member(), d.value()));
  }

  /** An empty array or string: the conventional "not set" of an annotation member, which Java cannot leave null. */
  private static boolean notSet(JsonNode value) {
    return value.isArray() && value.isEmpty() || value.isTextual() && value.asText().isEmpty();
  }

  private static ObjectNode with(ObjectNode json, String field, JsonNode value) {
    ObjectNode out = json.deepCopy();
    out.set(field, value.deepCopy());
    return out;
  }

  /** Reports what is wrong with the declaration of the kind annotation {@code k} (see {@link #onDeclaration}). */
  private void declarationProblems(Element at, KindAnnotation k) {
    TypeElement type = (TypeElement) k.mirror.getAnnotationType().asElement();
    k.declaration.forEach(p -> onDeclaration(at, k, type, p.meta(), p.value(), p.message()));
  }

  /**
   * Reports a mistake in the declaration of the kind annotation {@code k} used on {@code at}: on that declaration
   * ({@code declared}, with its annotation and value at fault, if any) when this compilation compiles it, once
   * however many uses it has; otherwise, as the declaration cannot be pointed at, on the use.
   */
  private void onDeclaration(Element at, KindAnnotation k, Element declared, AnnotationMirror mirror,
      AnnotationValue value, String message) {
    if (sources.declares((TypeElement) k.mirror.getAnnotationType().asElement())) {
      failed = true;
      errors++;
      sources.reportOnce(messager, message, declared, mirror, value);
    } else {
      error(message, at, k.mirror, null);
    }
  }

  /**
   * Reads {@code json} (without its type) as the registered kind does; its rules throw what is wrong, and anything
   * else it throws is a {@link KindFailure}.
   */
  private <T> T readKind(KindAnnotation.Category category, String type, ObjectNode json, String where,
      Class<T> spec) {
    return kindCode(category, type, "reading " + where, () -> {
      FieldReader fields = new FieldReader(json, where);
      fields.has("type"); // the type is the annotation's, not a field
      return spec.cast(switch (category) {
        case LAYER -> fields.read(kinds.layerKind(type, where)::read);
        case LOSS -> fields.read(kinds.lossKind(type, where)::read);
        default -> fields.read(kinds.optimizerKind(type, where)::read);
      });
    });
  }

  /**
   * The accessor of the layer {@code layerIndex}, {@code layer}, named {@code method}: its class (see {@link
   * #layerClass}) with the type parameters and deprecation the compilation sees on it, which would otherwise be
   * warnings in the generated code (a raw type, the use of a deprecated class) that its user cannot change.
   */
  private SpecModel.Accessor accessor(String method, int layerIndex, LayerSpec layer) {
    String layerClass = layerClass(layer);
    TypeElement type = elements.getTypeElement(layerClass);
    Deprecated deprecated = type == null ? null : type.getAnnotation(Deprecated.class);
    List<String> warnings = deprecated == null ? List.of() : List.of(deprecated.forRemoval() ? "removal"
        : "deprecation");
    return new SpecModel.Accessor(method, layerIndex, layerClass, type == null ? 0 : type.getTypeParameters().size(),
        warnings);
  }

  /**
   * The accessor's return type: the class of the layer the spec's {@code build} declares, when the compilation can
   * see it (a kind's module may be on the processor path alone), or else {@code Layer}.
   */
  private String layerClass(LayerSpec layer) {
    Class<?> built = kindCode(KindAnnotation.Category.LAYER, layer.type(), "naming the class its build returns", () -> {
      try {
        return layer.getClass().getMethod("build", LayerContext.class).getReturnType();
      } catch (NoSuchMethodException e) {
        return Layer.class; // every LayerSpec has build; Layer is the answer without it
      }
    });
    // A class of the unnamed package is named by no class of a package, the generated one among them.
    boolean nameable = !built.getPackageName().isEmpty() || elements.getPackageOf(spec).isUnnamed();
    if (Layer.class.isAssignableFrom(built) && java.lang.reflect.Modifier.isPublic(built.getModifiers())
        && built.getEnclosingClass() == null && nameable && elements.getTypeElement(built.getName()) != null) {
      return built.getName();
    }
    return Layer.class.getName();
  }

  /**
   * A layer that could not be read, standing in for it so that the rules on the whole network still see its name and
   * kind; its shape is unknown.
   */
  private record Unread(String name, String type) implements LayerSpec {
    @Override
    public LayerSpec withName(String name) {
      return new Unread(name, type);
    }

    @Override
    public Shape outputShape(Shape input) {
      throw new IllegalStateException("the layer '" + name + "' could not be read");
    }

    @Override
    public Layer build(LayerContext context) {
      throw new IllegalStateException("the layer '" + name + "' could not be read");
    }

    @Override
    public void writeFields(FieldWriter out) {
      throw new IllegalStateException("the layer '" + name + "' could not be read");
    }
  }

  /** The annotations of {@code category} on the spec, each after the first reported in source order. */
  private List<AnnotationMirror> one(TypeElement type, KindAnnotation.Category category, String what) {
    List<AnnotationMirror> found = KindAnnotation.on(type, category);
    for (AnnotationMirror extra : found.subList(Math.min(1, found.size()), found.size())) {
      error("more than one " + what + ": keep one of @" + Mirrors.simpleName(found.get(0)) + " and @"
          + Mirrors.simpleName(extra), type, extra, null);
    }
    return found;
  }

  /**
   * {@link SpecRules#networkProblems} on the layers as written, each problem reported on the member it concerns. The
   * shapes after a layer that could not be read, or whose shape is in error, are consequences of that error, and so
   * is whether the loss fits a network with any layer in error: those stay unjudged, while the problems that do not
   * depend on them (names, the place of a softmax) are reported.
   */
  private void networkRules(TypeElement type, Shape input, List<Part> parts, LossSpec loss,
      AnnotationMirror lossMirror, int abstractMethods) {
    shapesOfTheKinds(input, parts);
    List<LayerSpec> layers = parts.stream().map(Part::layer).toList();
    boolean layerInError = parts.stream().anyMatch(p -> p.layer() instanceof Unread);
    boolean shapesInError = false;
    List<SpecRules.Problem> problems;
    try {
      problems = SpecRules.networkProblems(input, layers, loss);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      if (loss == null) {
        throw e;
      }
      // The layers' own code answered above, so what fails here is the loss judging whether it fits them.
      error(kindFailure(KindAnnotation.Category.LOSS, loss.type(), "judging whether it fits the network", e)
          .getMessage(), type, lossMirror, null);
      return;
    }
    for (SpecRules.Problem p : problems) {
      switch (p.attribute()) {
        case "input" -> { } // reported on its own
        case "layers" -> {
          if (abstractMethods == 0) {
            error("the network has no layers: add abstract methods annotated @Dense, @Dropout, @Activation or another "
                + "layer annotation", type, null, null);
          }
        }
        case "loss" -> {
          if (lossMirror == null) {
            error("the network has no loss: add @Loss(...) or another loss annotation to " + type.getSimpleName(), type,
                null, null);
          } else if (loss != null && !layerInError) {
            error(p.message(), type, lossMirror, Mirrors.written(lossMirror, "value"));
          }
        }
        case "name" -> {
          Part at = parts.get(p.layerIndex());
          Part first = parts.stream().filter(q -> q.layer().name().equals(at.layer().name())).findFirst().orElseThrow();
          error("duplicate layer name '" + at.layer().name() + "' (also " + first.describe() + "): layer names must be "
              + "unique; set another with name = \"...\"", at.member(), at.annotation(),
              Mirrors.written(at.annotation(), "name"));
        }
        case "function" -> {
          Part at = parts.get(p.layerIndex());
          String message = p.message();
          int but = message.indexOf(", but layer ");
          if (but >= 0 && p.layerIndex() + 1 < parts.size()) {
            message = message.substring(0, but) + ", but " + parts.get(p.layerIndex() + 1).describe() + " follows it";
          }
          error(message, at.member(), at.annotation(),
              Mirrors.written(at.annotation(), at.addedActivation() ? "activation" : "value"));
          layerInError = true;
        }
        default -> {
          Part at = parts.get(p.layerIndex());
          if (!shapesInError && !(at.layer() instanceof Unread)) {
            error(p.message(), at.member(), at.annotation(), null);
          }
          shapesInError = true; // the shapes after it follow from it
          layerInError = true;
        }
      }
    }
  }

  /**
   * Asks each layer, in order, its output shape and parameters as the network's rules and the generated class will,
   * with its kind's failures caught: a layer whose kind fails is reported on its annotation and stands as an {@link
   * Unread}. A layer's refusal of its input is left to the rules, which report it with the shapes.
   */
  private void shapesOfTheKinds(Shape input, List<Part> parts) {
    Shape shape = input;
    for (int i = 0; i < parts.size() && shape != null; i++) {
      Part p = parts.get(i);
      if (p.layer() instanceof Unread) {
        return;
      }
      Shape in = shape;
      try {
        shape = kindCode(KindAnnotation.Category.LAYER, p.layer().type(), "computing its output shape", () -> {
          Shape out = p.layer().outputShape(in);
          if (out != null) {
            p.layer().parameters(in);
          }
          return out;
        });
      } catch (IllegalArgumentException refused) {
        return;
      } catch (KindFailure failure) {
        error(failure.getMessage(), p.member(), p.annotation(), null);
        parts.set(i, new Part(new Unread(p.layer().name(), p.layer().type()), p.member(), p.annotation(),
            p.addedActivation()));
        return;
      }
    }
  }

  /**
   * The one optimizer annotation with the one schedule, read by the optimizer's kind; Adam with its defaults when
   * there is none. Extra optimizers or schedules are reported in source order, each naming the first.
   */
  private OptimizerSpec optimizer(TypeElement type) {
    List<AnnotationMirror> optimizers = one(type, KindAnnotation.Category.OPTIMIZER, "optimizer");
    List<AnnotationMirror> schedules = one(type, KindAnnotation.Category.SCHEDULE, "learning-rate schedule");
    KindAnnotation optimizer = optimizers.isEmpty() ? null : KindAnnotation.read(elements, optimizers.get(0));
    ObjectNode json = optimizer == null ? JsonNodeFactory.instance.objectNode() : optimizer.json;
    if (!schedules.isEmpty()) {
      ObjectNode schedule = schedule(type, KindAnnotation.read(elements, schedules.get(0)));
      if (schedule != null) {
        json.set("schedule", schedule);
      }
    }
    if (optimizer == null) {
      return readKind(KindAnnotation.Category.OPTIMIZER, OptimizerSpec.Adam.TYPE, json, "the default optimizer",
          OptimizerSpec.class);
    }
    return read(type, optimizer, OptimizerSpec.class);
  }

  /**
   * The schedule object of the optimizer, read from the schedule annotation {@code k} on the spec {@code type}; null
   * after reporting each of its mistakes. It is read alone, in an optimizer whose own settings are valid, so that its
   * errors are its own.
   */
  private ObjectNode schedule(TypeElement type, KindAnnotation k) {
    if (!k.declaration.isEmpty()) {
      declarationProblems(type, k);
      return null;
    }
    k.problems.forEach((member, problem) -> error(problem, type, k.mirror, Mirrors.written(k.mirror, member)));
    if (k.problems.containsKey(null)) {
      return null;
    }
    Function<ObjectNode, ObjectNode> reader = fields -> {
      ObjectNode schedule = fields.deepCopy().put("type", k.type);
      ObjectNode probe = JsonNodeFactory.instance.objectNode().put("learning_rate", 1);
      probe.set("schedule", schedule);
      readKind(KindAnnotation.Category.OPTIMIZER, OptimizerSpec.Sgd.TYPE, probe, k.where(), OptimizerSpec.class);
      return schedule;
    };
    try {
      ObjectNode example = example(KindAnnotation.Category.SCHEDULE, k.type);
      defaults(type, k, example, reader);
      return readEach(type, k, example, reader);
    } catch (KindFailure failure) {
      error(failure.getMessage(), type, k.mirror, null);
      return null;
    }
  }

  /**
   * Reports {@code message} on the place given, once: a mistake read again — the nodes of a {@code @BlockNodes}
   * interface two blocks take — is not reported again.
   */
  private void error(String message, Element at, AnnotationMirror mirror, AnnotationValue value) {
    failed = true;
    errors++;
    if (reported.add(java.util.Arrays.asList(at, mirror, value, message))) {
      Mirrors.error(messager, message, at, mirror, value);
    }
  }

  /**
   * A kind's own code failing in a way no spec explains — an exception other than its refusal, an error linking it,
   * its stack overflowing — described with the kind, its class and the exception, to be reported where it is used.
   */
  private static final class KindFailure extends RuntimeException {
    private static final long serialVersionUID = 1;

    KindFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Calls {@code code} of the {@code category} kind {@code type}: its refusal (an IllegalArgumentException) passes,
   * anything else it throws is the kind's failure, not the processor's, and becomes a {@link KindFailure}.
   */
  private <T> T kindCode(KindAnnotation.Category category, String type, String doing, Supplier<T> code) {
    try {
      return code.get();
    } catch (IllegalArgumentException | KindFailure e) {
      throw e;
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      throw kindFailure(category, type, doing, e);
    }
  }

  /** The failure {@code e} of the {@code category} kind {@code type}'s code while {@code doing} something. */
  private KindFailure kindFailure(KindAnnotation.Category category, String type, String doing, Throwable e) {
    String word = category == KindAnnotation.Category.SCHEDULE ? "optimizer" : category.word;
    String kindClass = null;
    try {
      kindClass = switch (category) {
        case LAYER -> kinds.layerKind(type, type).example().spec().getClass().getName();
        case LOSS -> kinds.lossKind(type, type).example().getClass().getName();
        default -> kinds.optimizerKind(type, type).example().getClass().getName();
      };
    } catch (RuntimeException | LinkageError unknown) {
      // named by its provider alone
    }
    String provider = kinds.provider(word, type);
    StackTraceElement at = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
    return new KindFailure("the " + word + " kind '" + type + "' (" + (kindClass == null ? "" : kindClass + ", ")
        + "registered by " + provider + ") failed " + doing + ": " + e + (at == null ? "" : " at " + at)
        + "; the fault is the kind's, not the spec's: report it to the kind's authors, or take its module off the "
        + "annotation processor path", e);
  }

  /**
   * Makes the kind of {@code read} answer what the generated class's writer asks of it — its JSON, its label and
   * summary, a loss's targets — so that a kind failing there is reported on its use, not as the processor's failure.
   */
  private void writable(KindAnnotation.Category category, String type, Object read) {
    kindCode(category, type, "writing its JSON", () -> {
      if (read instanceof LayerSpec l) {
        return NetworkSpecJson.writeLayer(l) + l.kindLabel() + l.summary();
      } else if (read instanceof LossSpec l) {
        return NetworkSpecJson.writeLoss(l) + l.targets() + l.takesLogits();
      }
      return read instanceof OptimizerSpec o ? NetworkSpecJson.writeOptimizer(o) : "";
    });
  }
}
