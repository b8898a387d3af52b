package org.delta4j.dsl.processor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import org.delta4j.dsl.AvgPool2D;
import org.delta4j.dsl.Dense;
import org.delta4j.dsl.Dropout;
import org.delta4j.dsl.Input;
import org.delta4j.dsl.Loss;
import org.delta4j.dsl.MaxPool2D;
import org.delta4j.dsl.NeuralNetwork;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.spec.Pool2D;
import org.delta4j.spec.SpecRules;
import org.delta4j.spec.Window2D;
import org.delta4j.tensor.Shape;

/**
 * Reads an annotated spec and checks all of it before anything is generated, reporting each problem as a compile
 * error on the element, annotation or annotation value at fault, with what to do. The rules on values and on the
 * network as a whole are {@link SpecRules}, the same the runtime applies.
 */
final class SpecReader {
  private static final String PKG = "org.delta4j.dsl.";
  private static final String[] LAYERS = {"Dense", "Dropout", "Conv2D", "MaxPool2D", "AvgPool2D",
      "GlobalAveragePool2D", "Flatten", "BatchNorm"};
  private static final String[] OPTIMIZERS = {"Sgd", "Momentum", "Nesterov", "AdaGrad", "RmsProp", "Adam", "AdamW"};

  private final ProcessingEnvironment env;
  private final Messager messager;
  private boolean failed;

  SpecReader(ProcessingEnvironment env) {
    this.env = env;
    this.messager = env.getMessager();
  }

  /** The validated model, or null when anything was wrong (and reported). */
  SpecModel read(Element element) {
    if (element.getKind() != ElementKind.INTERFACE) {
      error("@NeuralNetwork goes on an interface whose methods are the layers; " + element.getSimpleName() + " is a "
          + element.getKind().toString().toLowerCase(java.util.Locale.ROOT), element, mirror(element, "NeuralNetwork"),
          null);
      return null;
    }
    TypeElement type = (TypeElement) element;
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
    AnnotationMirror nn = mirror(type, "NeuralNetwork");
    NeuralNetwork network = type.getAnnotation(NeuralNetwork.class);
    String pkg = env.getElementUtils().getPackageOf(type).getQualifiedName().toString();
    String name = network.className().isEmpty() ? defaultName(type) : network.className();
    if (!javax.lang.model.SourceVersion.isIdentifier(name) || javax.lang.model.SourceVersion.isKeyword(name)) {
      error("'" + name + "' is not a valid class name", type, nn, value(nn, "className"));
    } else if (env.getElementUtils().getTypeElement(pkg.isEmpty() ? name : pkg + "." + name) != null) {
      error("the generated class " + name + " would clash with the existing type " + (pkg.isEmpty() ? "" : pkg + ".")
          + name + ": rename that type or set @NeuralNetwork(className = \"...\")", type, nn,
          value(nn, "className"));
    }

    Shape input = input(type);
    List<LayerSpec> layers = new ArrayList<>();
    List<Element> origins = new ArrayList<>(); // the member each layer comes from
    List<SpecModel.Accessor> accessors = new ArrayList<>();
    int members = 0;
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() != ElementKind.METHOD || member.getModifiers().contains(Modifier.DEFAULT)
          || member.getModifiers().contains(Modifier.STATIC)) {
        continue;
      }
      ExecutableElement method = (ExecutableElement) member;
      members++;
      List<AnnotationMirror> kinds = new ArrayList<>();
      for (String kind : LAYERS) {
        AnnotationMirror m = mirror(method, kind);
        if (m != null) {
          kinds.add(m);
        }
      }
      if (kinds.size() != 1) {
        error("each method of a network spec is one layer: annotate " + method.getSimpleName() + "() with exactly one "
            + "of @" + String.join(", @", LAYERS), method, null, null);
        continue;
      }
      if (!method.getParameters().isEmpty()) {
        error("a layer method takes no parameters: " + method.getSimpleName() + " has " + method.getParameters().size(),
            method, null, null);
      }
      String methodName = method.getSimpleName().toString();
      AnnotationMirror at = kinds.get(0);
      String kind = simpleName(at);
      if (kind.equals("Dense")) {
        Dense d = method.getAnnotation(Dense.class);
        String layerName = d.name().isEmpty() ? methodName : d.name();
        String unitsProblem = SpecRules.units(d.units());
        if (unitsProblem != null) {
          error(unitsProblem + ": give the layer at least one unit", method, at, value(at, "units"));
          continue;
        }
        accessors.add(new SpecModel.Accessor(methodName, layers.size(), "org.delta4j.nn.layers.DenseLayer"));
        layers.add(new LayerSpec.Dense(layerName, d.units(), initializer(d.init()), Initializer.zeros()));
        origins.add(method);
        activation(d.activation(), layerName, method, layers, origins);
      } else if (kind.equals("Dropout")) {
        Dropout d = method.getAnnotation(Dropout.class);
        String layerName = d.name().isEmpty() ? methodName : d.name();
        String rateProblem = SpecRules.dropoutRate(d.value());
        if (rateProblem != null) {
          error(rateProblem + ": drop a fraction of the units, 0 ≤ rate < 1", method, at, value(at, "value"));
          continue;
        }
        accessors.add(new SpecModel.Accessor(methodName, layers.size(), "org.delta4j.nn.layers.DropoutLayer"));
        layers.add(new LayerSpec.Dropout(layerName, d.value()));
        origins.add(method);
      } else {
        LayerSpec spec;
        try {
          spec = imageLayer(kind, method, methodName);
        } catch (IllegalArgumentException e) {
          error(e.getMessage(), method, at, null);
          continue;
        }
        accessors.add(new SpecModel.Accessor(methodName, layers.size(), "org.delta4j.nn.layers." + switch (kind) {
          case "Conv2D" -> "Conv2DLayer";
          case "MaxPool2D", "AvgPool2D", "GlobalAveragePool2D" -> "Pool2DLayer";
          case "Flatten" -> "FlattenLayer";
          default -> "BatchNormLayer";
        }));
        layers.add(spec);
        origins.add(method);
        if (kind.equals("Conv2D")) {
          activation(method.getAnnotation(org.delta4j.dsl.Conv2D.class).activation(), spec.name(), method, layers,
              origins);
        }
      }
    }
    AnnotationMirror lossMirror = mirror(type, "Loss");
    Loss loss = type.getAnnotation(Loss.class);
    if (loss == null) {
      error("the network has no loss: add @Loss(...) to " + type.getSimpleName(), type, null, null);
    }
    for (SpecRules.Problem p : SpecRules.networkProblems(input, layers, loss == null ? null : loss.value())) {
      switch (p.attribute()) {
        case "input", "loss" -> { } // reported above, on their own annotations, or below
        case "layers" -> {
          if (members == 0) {
            error("the network has no layers: add methods annotated @Dense, @Conv2D, ...", type, null, null);
          }
        }
        default -> {
          Element at = origins.get(p.layerIndex());
          AnnotationMirror m = layerMirror(at);
          error(p.message() + (p.attribute().equals("name") ? ": set another name with name = \"...\"" : ""), at, m,
              value(m, p.attribute().equals("function") ? "activation" : p.attribute()));
        }
      }
      if (p.attribute().equals("loss") && loss != null) {
        error(p.message(), type, lossMirror, value(lossMirror, "value"));
      }
    }
    OptimizerSpec optimizer = optimizer(type, network);
    if (failed) {
      return null;
    }
    NetworkSpec spec = new NetworkSpec(input, layers, loss.value(), optimizer, network.seed());
    return new SpecModel(type, pkg, name, spec, accessors);
  }

  /** The layer of a convolutional annotation; its constructors' checks throw {@link IllegalArgumentException}. */
  private static LayerSpec imageLayer(String kind, ExecutableElement method, String methodName) {
    switch (kind) {
      case "Conv2D" -> {
        org.delta4j.dsl.Conv2D c = method.getAnnotation(org.delta4j.dsl.Conv2D.class);
        int[] k = pair("kernel", c.kernel());
        int[] s = pair("stride", c.stride());
        int[] d = pair("dilation", c.dilation());
        int[] p = pair("pad", c.pad());
        return new org.delta4j.spec.Conv2D(named(c.name(), methodName), c.filters(), new Window2D(k[0], k[1], s[0],
            s[1], d[0], d[1], new Padding(c.padding(), p[0], p[1])), initializer(c.init()), c.bias(),
            Initializer.zeros());
      }
      case "MaxPool2D" -> {
        MaxPool2D m = method.getAnnotation(MaxPool2D.class);
        return pool(Pool2D.Kind.MAX, named(m.name(), methodName), m.kernel(), m.stride(), m.padding(), m.pad());
      }
      case "AvgPool2D" -> {
        AvgPool2D a = method.getAnnotation(AvgPool2D.class);
        return pool(Pool2D.Kind.AVERAGE, named(a.name(), methodName), a.kernel(), a.stride(), a.padding(), a.pad());
      }
      case "GlobalAveragePool2D" -> {
        return new org.delta4j.spec.GlobalAveragePool2D(named(
            method.getAnnotation(org.delta4j.dsl.GlobalAveragePool2D.class).name(), methodName));
      }
      case "Flatten" -> {
        return new org.delta4j.spec.Flatten(named(method.getAnnotation(org.delta4j.dsl.Flatten.class).name(),
            methodName));
      }
      default -> {
        org.delta4j.dsl.BatchNorm b = method.getAnnotation(org.delta4j.dsl.BatchNorm.class);
        return new org.delta4j.spec.BatchNorm(named(b.name(), methodName), b.momentum(), b.epsilon());
      }
    }
  }

  private static Pool2D pool(Pool2D.Kind kind, String name, int[] kernel, int[] stride, Padding.Mode padding,
      int[] pad) {
    int[] k = pair("kernel", kernel);
    int[] s = stride.length == 0 ? k : pair("stride", stride);
    int[] p = pair("pad", pad);
    return new Pool2D(name, kind, new Window2D(k[0], k[1], s[0], s[1], 1, 1, new Padding(padding, p[0], p[1])));
  }

  /** {height, width} from one value (both) or two. */
  private static int[] pair(String what, int[] v) {
    if (v.length == 1) {
      return new int[] {v[0], v[0]};
    }
    if (v.length != 2) {
      throw new IllegalArgumentException(what + " takes {height, width} or one value for both, got "
          + java.util.Arrays.toString(v));
    }
    return v;
  }

  private static String named(String name, String methodName) {
    return name.isEmpty() ? methodName : name;
  }

  private static Initializer initializer(Initializer.Kind kind) {
    return new Initializer(kind, kind == Initializer.Kind.ZEROS ? 0 : 1);
  }

  /** The layer's activation as a layer of its own, unless it is the identity. */
  private static void activation(ActivationFunction f, String layerName, Element method, List<LayerSpec> layers,
      List<Element> origins) {
    if (f != ActivationFunction.IDENTITY) {
      layers.add(new LayerSpec.Activation(f).withName(layerName + "_" + f.label()));
      origins.add(method);
    }
  }

  /** The layer annotation on an element. */
  private AnnotationMirror layerMirror(Element e) {
    for (String kind : LAYERS) {
      AnnotationMirror m = mirror(e, kind);
      if (m != null) {
        return m;
      }
    }
    return null;
  }

  private static String defaultName(TypeElement type) {
    String s = type.getSimpleName().toString();
    return (s.endsWith("Spec") && s.length() > 4 ? s.substring(0, s.length() - 4) : s) + "Network";
  }

  private Shape input(TypeElement type) {
    AnnotationMirror m = mirror(type, "Input");
    Input in = type.getAnnotation(Input.class);
    if (in == null) {
      error("the network has no input: add @Input(size) to " + type.getSimpleName() + ", e.g. @Input(784)", type,
          null, null);
      return null;
    }
    if (in.value().length == 0) {
      error("@Input needs at least one size", type, m, value(m, "value"));
      return null;
    }
    for (int size : in.value()) {
      String problem = SpecRules.inputSize(size);
      if (problem != null) {
        error(problem, type, m, value(m, "value"));
        return null;
      }
    }
    return Shape.of(in.value());
  }

  /** The one optimizer annotation, validated; Adam with learning rate 1e-3 when there is none. */
  private OptimizerSpec optimizer(TypeElement type, NeuralNetwork network) {
    AnnotationMirror found = null;
    for (String o : OPTIMIZERS) {
      AnnotationMirror m = mirror(type, o);
      if (m != null) {
        if (found != null) {
          error("more than one optimizer: keep one of @" + simpleName(found) + " and @" + o, type, m, null);
          return null;
        }
        found = m;
      }
    }
    if (found == null) {
      return new OptimizerSpec.Adam(1e-3);
    }
    Map<String, Double> v = new HashMap<>();
    env.getElementUtils().getElementValuesWithDefaults(found).forEach(
        (k, val) -> v.put(k.getSimpleName().toString(), ((Number) val.getValue()).doubleValue()));
    check(SpecRules.learningRate(v.get("learningRate")), type, found, "learningRate");
    check(SpecRules.weightDecay(v.get("weightDecay")), type, found, "weightDecay");
    for (String decay : new String[] {"beta1", "beta2", "momentum", "rho"}) {
      if (v.containsKey(decay)) {
        check(SpecRules.decay(decay, v.get(decay)), type, found, decay);
      }
    }
    if (v.containsKey("epsilon")) {
      check(SpecRules.epsilon(v.get("epsilon")), type, found, "epsilon");
    }
    if (failed) {
      return null;
    }
    double lr = v.get("learningRate");
    double wd = v.get("weightDecay");
    LearningRateSchedule constant = new LearningRateSchedule.Constant();
    return switch (simpleName(found)) {
      case "Sgd" -> new OptimizerSpec.Sgd(lr, wd, constant);
      case "Momentum" -> new OptimizerSpec.Momentum(lr, v.get("momentum"), wd, constant);
      case "Nesterov" -> new OptimizerSpec.Nesterov(lr, v.get("momentum"), wd, constant);
      case "AdaGrad" -> new OptimizerSpec.AdaGrad(lr, v.get("epsilon"), wd, constant);
      case "RmsProp" -> new OptimizerSpec.RmsProp(lr, v.get("rho"), v.get("epsilon"), wd, constant);
      case "Adam" -> new OptimizerSpec.Adam(lr, v.get("beta1"), v.get("beta2"), v.get("epsilon"), wd, constant);
      default -> new OptimizerSpec.AdamW(lr, v.get("beta1"), v.get("beta2"), v.get("epsilon"), wd, constant);
    };
  }

  private void check(String problem, Element at, AnnotationMirror m, String attribute) {
    if (problem != null) {
      error(problem, at, m, value(m, attribute));
    }
  }

  private static String simpleName(AnnotationMirror m) {
    return m.getAnnotationType().asElement().getSimpleName().toString();
  }

  private AnnotationMirror mirror(Element e, String simpleName) {
    for (AnnotationMirror m : e.getAnnotationMirrors()) {
      TypeElement t = (TypeElement) m.getAnnotationType().asElement();
      if (t.getQualifiedName().contentEquals(PKG + simpleName)) {
        return m;
      }
    }
    return null;
  }

  /** The value as written (so the error points at it), or null when the attribute was left at its default. */
  private static AnnotationValue value(AnnotationMirror m, String attribute) {
    if (m == null) {
      return null;
    }
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : m.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(attribute)) {
        return e.getValue();
      }
    }
    return null;
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
