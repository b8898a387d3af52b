package org.delta4j.dsl.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
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
  static final Set<String> LAYERS = Set.of("Dense", "Dropout", "Activation");
  static final Set<String> OPTIMIZERS = Set.of("Sgd", "Momentum", "Nesterov", "AdaGrad", "RmsProp", "Adam", "AdamW");
  static final Set<String> SCHEDULES = Set.of("StepDecay", "ExponentialDecay", "CosineDecay");
  /** Members the generated class declares itself; a layer method of one of these names would clash. */
  static final Set<String> GENERATED_MEMBERS = Set.of("create", "load", "save", "train", "probabilities", "predict",
      "outputs", "evaluate", "spec", "network");

  private final Elements elements;
  private final Messager messager;
  private boolean failed;

  SpecReader(ProcessingEnvironment env) {
    this.elements = env.getElementUtils();
    this.messager = env.getMessager();
  }

  /**
   * One layer as the user wrote it: the member and annotation it comes from, whether it is the activation a
   * {@code @Dense} adds, and whether a wrong value left its shape unknown (it then stands in with one unit).
   */
  private record Part(LayerSpec layer, ExecutableElement member, AnnotationMirror annotation, boolean addedActivation,
      boolean shapeUnknown) {
    /** How a message names this layer: {@code hidden()}, or {@code the relu after hidden()}. */
    String describe() {
      String method = member.getSimpleName() + "()";
      return addedActivation ? "the " + layer.kindLabel() + " after " + method : method;
    }
  }

  /** The validated model, or null when anything was wrong (and reported, by this reader or by javac). */
  SpecModel read(TypeElement type) {
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
      List<AnnotationMirror> layerAnnotations = method.getAnnotationMirrors().stream()
          .filter(m -> Mirrors.name(m).startsWith(Mirrors.PACKAGE) && LAYERS.contains(Mirrors.simpleName(m)))
          .map(m -> (AnnotationMirror) m).toList();
      String name = method.getSimpleName().toString();
      if (!method.getModifiers().contains(Modifier.ABSTRACT)) {
        String what = method.getModifiers().contains(Modifier.STATIC) ? "static"
            : method.getModifiers().contains(Modifier.DEFAULT) ? "default" : "private";
        for (AnnotationMirror a : layerAnnotations) {
          error("@" + Mirrors.simpleName(a) + " declares a layer only on an abstract method, and " + name + "() is "
              + what + ": remove its body and the " + what + " modifier, or the annotation", method, a, null);
        }
        continue;
      }
      abstractMethods++;
      if (layerAnnotations.isEmpty()) {
        error("each abstract method of a network spec is one layer: annotate " + name + "() with @Dense, @Dropout or "
            + "@Activation, or make it a default method", method, null, null);
        continue;
      }
      boolean clash = checkName(method);
      if (!method.getParameters().isEmpty()) {
        error("a layer method takes no parameters: " + name + "() has " + method.getParameters().size(), method, null,
            null);
      }
      for (AnnotationMirror extra : layerAnnotations.subList(1, layerAnnotations.size())) {
        error("a method is one layer: keep one of @" + Mirrors.simpleName(layerAnnotations.get(0)) + " and @"
            + Mirrors.simpleName(extra) + " on " + name + "()", method, extra, null);
      }
      List<Part> layer = layer(method, layerAnnotations.get(0));
      if (layerAnnotations.size() > 1) {
        layer = layer.stream().map(p -> new Part(p.layer(), method, p.annotation(), p.addedActivation(), true)).toList();
      }
      if (!clash && method.getParameters().isEmpty()) {
        accessors.add(new SpecModel.Accessor(name, parts.size(), layerClass(layer.get(0).layer())));
      }
      parts.addAll(layer);
    }

    AnnotationMirror lossMirror = Mirrors.find(type, "Loss");
    LossFunction loss = lossMirror == null ? null
        : LossFunction.valueOf(Mirrors.constant(Mirrors.values(elements, lossMirror).get("value")));
    networkRules(type, input, parts, loss, lossMirror, abstractMethods);
    OptimizerSpec optimizer = optimizer(type);
    if (failed) {
      return null;
    }
    NetworkSpec spec = new NetworkSpec(input, parts.stream().map(Part::layer).toList(), loss, optimizer,
        ((Number) settings.get("seed").getValue()).longValue());
    DataType dataType = DataType.valueOf(Mirrors.constant(settings.get("dataType")));
    return new SpecModel(type, pkg, className, spec, dataType, accessors);
  }

  private static String kindName(ElementKind kind) {
    return switch (kind) {
      case ENUM -> "an enum";
      case ANNOTATION_TYPE -> "an annotation type";
      default -> "a " + kind.toString().toLowerCase(Locale.ROOT);
    };
  }

  /** The generated class's simple name, checked: a valid name, and no type of that name but an earlier output. */
  private String className(TypeElement type, AnnotationMirror nn, String pkg, String chosen) {
    String name = chosen.isEmpty() ? defaultName(type) : chosen;
    if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
      error("'" + name + "' is not a valid class name", type, nn, Mirrors.written(nn, "className"));
      return name;
    }
    String qualified = pkg.isEmpty() ? name : pkg + "." + name;
    TypeElement existing = elements.getTypeElement(qualified);
    if (existing != null && !generatedFrom(existing, type)) {
      error("the generated class " + name + " would clash with the existing type " + qualified
          + ": rename that type or set @NeuralNetwork(className = \"...\")", type, nn, Mirrors.written(nn, "className"));
    }
    return name;
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
    long elementCount = 1;
    for (int i = 0; i < dims.length; i++) {
      AnnotationValue size = (AnnotationValue) sizes.get(i);
      dims[i] = ((Number) size.getValue()).intValue();
      String problem = SpecRules.inputSize(dims[i]);
      if (problem != null) {
        error(problem, type, m, size);
        return null;
      }
      elementCount *= dims[i];
      if (elementCount > Integer.MAX_VALUE) {
        error("one input sample would have more than 2147483647 (2³¹ − 1) elements, more than an array holds", type,
            m, value);
        return null;
      }
    }
    return Shape.of(dims);
  }

  /**
   * A spec declares every layer itself: layer annotations are not kept in class files, so layers inherited from
   * another interface could be lost unseen. Inherited abstract methods are reported once per interface they come
   * from, unless they carry a layer annotation (reported where they are, as misplaced).
   */
  private void inheritance(TypeElement type) {
    Set<Element> reported = new java.util.HashSet<>();
    for (ExecutableElement m : ElementFilter.methodsIn(elements.getAllMembers(type))) {
      Element from = m.getEnclosingElement();
      if (from.equals(type) || from.getKind() != ElementKind.INTERFACE || !m.getModifiers().contains(Modifier.ABSTRACT)
          || (Mirrors.find(from, "NeuralNetwork") == null && Mirrors.hasDslAnnotation(m)) || !reported.add(from)) {
        continue;
      }
      String base = ((TypeElement) from).getQualifiedName().toString();
      error(Mirrors.find(from, "NeuralNetwork") != null
          ? "a network spec cannot extend another spec (" + base + "): declare all the layers in "
              + type.getSimpleName() + ", or build on the other network's SPEC"
          : type.getSimpleName() + " inherits the abstract method " + m.getSimpleName() + "() from " + base + ", but a "
              + "spec declares every layer itself: move the layers into " + type.getSimpleName() + ", or make "
              + m.getSimpleName() + "() a default method", type, null, null);
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
    if (Set.of("getClass", "notify", "notifyAll", "wait", "hashCode", "toString").contains(name)
        && method.getParameters().isEmpty()) {
      failed = true; // javac reports that the method cannot override Object's
      return true;
    }
    return false;
  }

  /** The layers one annotated member stands for: one, or two for a dense layer with an activation. */
  private List<Part> layer(ExecutableElement method, AnnotationMirror a) {
    Map<String, AnnotationValue> v = Mirrors.values(elements, a);
    String written = (String) v.get("name").getValue();
    String name = written.isEmpty() ? method.getSimpleName().toString() : written;
    switch (Mirrors.simpleName(a)) {
      case "Dense" -> {
        int units = ((Number) v.get("units").getValue()).intValue();
        boolean unitsWrong = check(SpecRules.units(units), ": give the layer at least one unit", method, a, "units");
        Initializer weights = initializer(method, a, v, "init", "initScale");
        Initializer bias = initializer(method, a, v, "bias", "biasScale");
        ActivationFunction f = ActivationFunction.valueOf(Mirrors.constant(v.get("activation")));
        double alpha = alpha(f, method, a, v, "activation");
        Part dense = new Part(new LayerSpec.Dense(name, unitsWrong ? 1 : units, weights, bias), method, a, false,
            unitsWrong);
        if (f == ActivationFunction.IDENTITY) {
          return List.of(dense);
        }
        return List.of(dense, new Part(new LayerSpec.Activation(name + "_" + f.label(), f, alpha), method, a, true,
            false));
      }
      case "Dropout" -> {
        double rate = ((Number) v.get("value").getValue()).doubleValue();
        boolean wrong = check(SpecRules.dropoutRate(rate), ": drop a fraction of the units, 0 ≤ rate < 1", method, a,
            "value");
        return List.of(new Part(new LayerSpec.Dropout(name, wrong ? 0 : rate), method, a, false, false));
      }
      default -> {
        ActivationFunction f = ActivationFunction.valueOf(Mirrors.constant(v.get("value")));
        return List.of(new Part(new LayerSpec.Activation(name, f, alpha(f, method, a, v, "value")), method, a, false,
            false));
      }
    }
  }

  /** Leaky ReLU's slope, checked; 0 for the other functions, which must not be given one. */
  private double alpha(ActivationFunction f, ExecutableElement method, AnnotationMirror a,
      Map<String, AnnotationValue> v, String functionMember) {
    double alpha = ((Number) v.get("alpha").getValue()).doubleValue();
    if (f != ActivationFunction.LEAKY_RELU) {
      if (Mirrors.written(a, "alpha") != null) {
        error("alpha is leaky ReLU's slope, and " + f.label() + " takes none: remove it, or set " + functionMember
            + " = LEAKY_RELU", method, a, Mirrors.written(a, "alpha"));
      }
      return 0;
    }
    return check(SpecRules.leakySlope(alpha), "", method, a, "alpha") ? 0.01 : alpha;
  }

  /** The initializer of the kind and scale members; a valid stand-in after reporting a wrong scale. */
  private Initializer initializer(ExecutableElement method, AnnotationMirror a, Map<String, AnnotationValue> v,
      String kindMember, String scaleMember) {
    Initializer.Kind kind = Initializer.Kind.valueOf(Mirrors.constant(v.get(kindMember)));
    double scale = ((Number) v.get(scaleMember).getValue()).doubleValue();
    if (kind == Initializer.Kind.ZEROS) {
      if (Mirrors.written(a, scaleMember) != null) {
        error(scaleMember + " has no effect on ZEROS: remove it, or choose another " + kindMember, method, a,
            Mirrors.written(a, scaleMember));
      }
      return Initializer.zeros();
    }
    try {
      return new Initializer(kind, scale);
    } catch (IllegalArgumentException e) {
      error(e.getMessage(), method, a, Mirrors.written(a, scaleMember));
      return new Initializer(kind, 1);
    }
  }

  private static String layerClass(LayerSpec layer) {
    String simple = layer instanceof LayerSpec.Dense ? "DenseLayer"
        : layer instanceof LayerSpec.Dropout ? "DropoutLayer" : "ActivationLayer";
    return "org.delta4j.nn.layers." + simple;
  }

  /** {@link SpecRules#networkProblems} on the layers as written, each problem reported on the member it concerns. */
  private void networkRules(TypeElement type, Shape input, List<Part> parts, LossFunction loss,
      AnnotationMirror lossMirror, int abstractMethods) {
    List<LayerSpec> layers = parts.stream().map(Part::layer).toList();
    boolean lastShapeKnown = parts.isEmpty() || !parts.get(parts.size() - 1).shapeUnknown() && parts.stream()
        .filter(p -> p.layer() instanceof LayerSpec.Dense).reduce((first, second) -> second)
        .map(p -> !p.shapeUnknown()).orElse(true);
    for (SpecRules.Problem p : SpecRules.networkProblems(input, layers, loss)) {
      switch (p.attribute()) {
        case "input" -> { } // reported on its own
        case "layers" -> {
          if (abstractMethods == 0) {
            error("the network has no layers: add abstract methods annotated @Dense, @Dropout or @Activation", type,
                null, null);
          }
        }
        case "loss" -> {
          if (loss == null) {
            error("the network has no loss: add @Loss(...) to " + type.getSimpleName(), type, null, null);
          } else if (lastShapeKnown) {
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
        }
        default -> {
          Part at = parts.get(p.layerIndex());
          error(p.message(), at.member(), at.annotation(), Mirrors.written(at.annotation(), p.attribute()));
        }
      }
    }
  }

  /**
   * The one optimizer annotation with the one schedule, validated; Adam with learning rate 1e-3 when there is none.
   * Extra optimizers or schedules are reported in source order, each naming the first.
   */
  private OptimizerSpec optimizer(TypeElement type) {
    AnnotationMirror found = null;
    AnnotationMirror scheduleMirror = null;
    for (AnnotationMirror m : type.getAnnotationMirrors()) {
      String simple = Mirrors.simpleName(m);
      if (!Mirrors.name(m).startsWith(Mirrors.PACKAGE)) {
        continue;
      }
      if (OPTIMIZERS.contains(simple)) {
        if (found != null) {
          error("more than one optimizer: keep one of @" + Mirrors.simpleName(found) + " and @" + simple, type, m, null);
        } else {
          found = m;
        }
      } else if (SCHEDULES.contains(simple)) {
        if (scheduleMirror != null) {
          error("more than one learning-rate schedule: keep one of @" + Mirrors.simpleName(scheduleMirror) + " and @"
              + simple, type, m, null);
        } else {
          scheduleMirror = m;
        }
      }
    }
    LearningRateSchedule schedule = schedule(type, scheduleMirror);
    if (found == null) {
      return new OptimizerSpec.Adam(1e-3, 0.9, 0.999, 1e-8, 0, schedule);
    }
    Map<String, Double> v = new java.util.HashMap<>();
    Mirrors.values(elements, found).forEach((k, val) -> v.put(k, ((Number) val.getValue()).doubleValue()));
    check(SpecRules.learningRate(v.get("learningRate")), "", type, found, "learningRate");
    check(SpecRules.weightDecay(v.get("weightDecay")), "", type, found, "weightDecay");
    for (String decay : new String[] {"beta1", "beta2", "momentum", "rho"}) {
      if (v.containsKey(decay)) {
        check(SpecRules.decay(decay, v.get(decay)), "", type, found, decay);
      }
    }
    if (v.containsKey("epsilon")) {
      check(SpecRules.epsilon(v.get("epsilon")), "", type, found, "epsilon");
    }
    if (failed) {
      return null;
    }
    double lr = v.get("learningRate");
    double wd = v.get("weightDecay");
    return switch (Mirrors.simpleName(found)) {
      case "Sgd" -> new OptimizerSpec.Sgd(lr, wd, schedule);
      case "Momentum" -> new OptimizerSpec.Momentum(lr, v.get("momentum"), wd, schedule);
      case "Nesterov" -> new OptimizerSpec.Nesterov(lr, v.get("momentum"), wd, schedule);
      case "AdaGrad" -> new OptimizerSpec.AdaGrad(lr, v.get("epsilon"), wd, schedule);
      case "RmsProp" -> new OptimizerSpec.RmsProp(lr, v.get("rho"), v.get("epsilon"), wd, schedule);
      case "Adam" -> new OptimizerSpec.Adam(lr, v.get("beta1"), v.get("beta2"), v.get("epsilon"), wd, schedule);
      default -> new OptimizerSpec.AdamW(lr, v.get("beta1"), v.get("beta2"), v.get("epsilon"), wd, schedule);
    };
  }

  /** The schedule annotation's schedule, constant without one; its own constructor's rules, reported on it. */
  private LearningRateSchedule schedule(TypeElement type, AnnotationMirror m) {
    if (m == null) {
      return new LearningRateSchedule.Constant();
    }
    Map<String, AnnotationValue> v = Mirrors.values(elements, m);
    try {
      return switch (Mirrors.simpleName(m)) {
        case "StepDecay" -> new LearningRateSchedule.StepDecay(whole(v, "stepSize"), number(v, "gamma"));
        case "ExponentialDecay" -> new LearningRateSchedule.ExponentialDecay(whole(v, "decaySteps"),
            number(v, "gamma"));
        default -> new LearningRateSchedule.CosineDecay(whole(v, "totalSteps"), number(v, "minFraction"));
      };
    } catch (IllegalArgumentException e) {
      error(e.getMessage(), type, m, null);
      return new LearningRateSchedule.Constant();
    }
  }

  private static long whole(Map<String, AnnotationValue> v, String member) {
    return ((Number) v.get(member).getValue()).longValue();
  }

  private static double number(Map<String, AnnotationValue> v, String member) {
    return ((Number) v.get(member).getValue()).doubleValue();
  }

  /** Reports {@code problem} (with {@code advice}) on the member's value; true when there was one. */
  private boolean check(String problem, String advice, Element at, AnnotationMirror m, String member) {
    if (problem != null) {
      error(problem + advice, at, m, Mirrors.written(m, member));
    }
    return problem != null;
  }

  private void error(String message, Element at, AnnotationMirror mirror, AnnotationValue value) {
    failed = true;
    if (value != null) {
      messager.printMessage(Diagnostic.Kind.ERROR, message, at, mirror, value);
    } else if (mirror != null) {
      messager.printMessage(Diagnostic.Kind.ERROR, message, at, mirror);
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, message, at);
    }
  }
}
