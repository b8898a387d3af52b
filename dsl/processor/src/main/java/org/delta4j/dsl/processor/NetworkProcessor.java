package org.delta4j.dsl.processor;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;
import org.delta4j.spec.KindRegistry;

/**
 * Turns each interface annotated with {@code @NeuralNetwork} into a ready network class. It first reads and validates
 * the whole spec ({@link SpecReader}), reporting every problem on the element, annotation or value at fault; only a
 * spec without problems is generated ({@link NetworkClassWriter}). A spec that refers to something not yet resolved
 * (a constant or type another processor generates, or a misspelt name) waits for a later round; if it is never
 * resolved, javac reports the cause and the processor adds nothing. DSL annotations outside a spec are reported where
 * they are. Isolating: each generated class depends on its spec alone, which is its originating element.
 *
 * <p>It claims the DSL's annotations, and the kind annotations of the user's own that the option {@value
 * #KIND_ANNOTATIONS} names: javac lets a processor claim only the annotation types it names before it sees any, by
 * name or package, and claiming every type ({@code "*"}) would take them from other processors.
 *
 * <p>This class loads without the libraries the others need (Jackson, the API, JavaPoet): a processor path that lacks
 * one is one error naming it.
 */
@SupportedAnnotationTypes("org.delta4j.dsl.*")
public final class NetworkProcessor extends AbstractProcessor {
  /**
   * The processor option ({@code -Adelta4j.kindAnnotations=com.example.Swish,com.example.kinds.*}) that names the
   * kind annotations declared outside the DSL's package, each type by its qualified name or a package of them as
   * {@code <package>.*}, for the processor to claim them: otherwise javac's {@code -Xlint:processing} warns that no
   * processor claimed them.
   */
  static final String KIND_ANNOTATIONS = "delta4j.kindAnnotations";

  /**
   * A class of each library the processor's other classes need, with the library's name: this class itself needs
   * none of them to load, so that a processor path without one is an error saying so, not javac's crash.
   */
  private static final Map<String, String> LIBRARIES = Map.of(
      "com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.core:jackson-databind",
      "com.fasterxml.jackson.core.JsonFactory", "com.fasterxml.jackson.core:jackson-core",
      "com.fasterxml.jackson.annotation.JsonInclude", "com.fasterxml.jackson.core:jackson-annotations",
      "org.delta4j.spec.KindRegistry", "org.delta4j:delta4j-api",
      "com.palantir.javapoet.JavaFile", "com.palantir.javapoet:javapoet");

  private final CompiledSources sources = new CompiledSources();
  private final Set<String> deferred = new LinkedHashSet<>();
  /** The classes generated in this compilation, each with the spec it came from. */
  private final Map<String, String> generated = new HashMap<>();
  /** The errors the readers of the specs reported, by place and message: a mistake read twice is reported once. */
  private final Set<List<Object>> reportedErrors = new java.util.HashSet<>();
  /** The misplaced annotations reported, as written in the source (javac's trees compare by identity). */
  private final Set<Tree> reported = new java.util.HashSet<>();
  private final ClassLoader kindsLoader;
  /** The interfaces the blocks of this round's specs take their nodes from; the reader judges where they are. */
  private final Set<Element> taken = new java.util.HashSet<>();
  /** The libraries missing from the processor path, as found in the first round (see {@link #LIBRARIES}). */
  private List<String> missingLibraries;
  private Trees trees;
  private KindRegistry kinds;
  private String kindsProblem;

  /** The processor, reading the kinds registered on its own class loader: the annotation processor path. */
  public NetworkProcessor() {
    this(NetworkProcessor.class.getClassLoader());
  }

  /** The processor, reading the kinds {@code kindsLoader} registers. */
  NetworkProcessor(ClassLoader kindsLoader) {
    this.kindsLoader = kindsLoader;
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    try {
      trees = Trees.instance(env);
    } catch (IllegalArgumentException notJavac) {
      trees = null; // then only the annotations the compiler resolved are seen
    }
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(KIND_ANNOTATIONS);
  }

  /** The DSL's package, and the kind annotations {@value #KIND_ANNOTATIONS} names (javac asks after {@link #init}). */
  @Override
  public Set<String> getSupportedAnnotationTypes() {
    Set<String> types = new LinkedHashSet<>(super.getSupportedAnnotationTypes());
    String named = processingEnv == null ? null : processingEnv.getOptions().get(KIND_ANNOTATIONS);
    if (named != null) {
      for (String type : named.split(",")) {
        if (namesAnnotationTypes(type.strip())) {
          types.add(type.strip()); // the others are reported by process: javac would blame the processor for them
        }
      }
    }
    return types;
  }

  /**
   * Whether {@code named}, a value of {@value #KIND_ANNOTATIONS}, names annotation types as javac reads them: a
   * qualified name, or a package's as {@code <package>.*}, either after a module's name and a slash. {@code *} alone
   * would claim every annotation type, taking them from other processors.
   */
  private static boolean namesAnnotationTypes(String named) {
    int slash = named.indexOf('/');
    String type = named.substring(slash + 1);
    return (slash < 0 || SourceVersion.isName(named.substring(0, slash)))
        && SourceVersion.isName(type.endsWith(".*") ? type.substring(0, type.length() - 2) : type);
  }

  /** Reports the values of {@value #KIND_ANNOTATIONS} that name no annotation types, which are not claimed. */
  private void reportMalformedKindAnnotations() {
    String named = processingEnv.getOptions().get(KIND_ANNOTATIONS);
    List<String> malformed = named == null ? List.of() : java.util.Arrays.stream(named.split(","))
        .map(String::strip).filter(t -> !t.isEmpty() && !namesAnnotationTypes(t)).toList();
    if (!malformed.isEmpty()) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "-A" + KIND_ANNOTATIONS + " names "
          + String.join(", ", malformed.stream().map(t -> "'" + t + "'").toList()) + ", which "
          + (malformed.size() == 1 ? "is" : "are") + " neither the qualified name of a kind annotation nor a package "
          + "of them as <package>.* (* alone would take every annotation from the other processors): correct "
          + (malformed.size() == 1 ? "it" : "them") + ", or remove " + (malformed.size() == 1 ? "it" : "them"));
    }
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    if (missingLibraries == null) {
      reportMalformedKindAnnotations(); // in the first round, once
      missingLibraries = missingLibraries();
      if (!missingLibraries.isEmpty()) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "the Delta4j processor cannot run: the "
            + "annotation processor path lacks " + String.join(", ", missingLibraries) + ", which the processor "
            + "needs (Maven's annotationProcessorPaths brings them with delta4j-dsl-processor, as its dependencies; "
            + "with javac's -processorpath, add their jars)");
      }
    }
    if (!missingLibraries.isEmpty()) {
      return true; // reported once; without them nothing can be read, and the annotations are the DSL's
    }
    Elements elements = processingEnv.getElementUtils();
    List<TypeElement> specs = new ArrayList<>();
    for (String name : deferred) {
      TypeElement t = elements.getTypeElement(name);
      if (t != null) {
        specs.add(t);
      }
    }
    deferred.clear();
    TypeElement marker = elements.getTypeElement(Mirrors.PACKAGE + "NeuralNetwork");
    if (marker != null) {
      specs.addAll(ElementFilter.typesIn(round.getElementsAnnotatedWith(marker)));
    }
    taken.clear();
    specs.forEach(this::collectTakenNodes);
    round.getRootElements().forEach(sources::add);
    for (Element root : round.getRootElements()) {
      reportMisplaced(root);
      reportLocalSpecs(root);
    }
    for (TypeElement spec : specs) {
      try {
        if (!resolved(spec)) {
          deferred.add(spec.getQualifiedName().toString()); // javac reports the cause if it stays unresolved
        } else if (!round.processingOver()) {
          generate(spec);
        }
      } catch (RuntimeException | LinkageError | StackOverflowError | AssertionError e) {
        StackTraceElement at = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "the Delta4j processor failed on "
            + spec.getSimpleName() + " (" + e + (at == null ? "" : " at " + at) + "); please report this, with the "
            + "spec", spec);
      }
    }
    // The layer, loss and optimizer annotations are read through the spec they sit in. An annotation the option
    // names that declares no kind is not claimed (nor, javac claiming all or none, the others), so that it still
    // reaches the processors that read it.
    List<String> foreign = annotations.stream().filter(a -> !a.getQualifiedName().toString()
        .startsWith(Mirrors.PACKAGE) && !KindAnnotation.declaresKind(a)).map(a -> a.getQualifiedName().toString())
        .toList();
    if (!foreign.isEmpty()) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.WARNING, "-A" + KIND_ANNOTATIONS + " names " + foreign
          + ", which declare no layer, loss, optimizer or schedule: the Delta4j processor claims no annotation in "
          + "this round, so that other processors see them; name only kind annotations");
    }
    return foreign.isEmpty();
  }

  /** The libraries of {@link #LIBRARIES} the processor's class loader cannot load, in a stable order. */
  private static List<String> missingLibraries() {
    List<String> missing = new ArrayList<>();
    for (String type : new java.util.TreeSet<>(LIBRARIES.keySet())) {
      try {
        Class.forName(type, false, NetworkProcessor.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        missing.add(LIBRARIES.get(type));
      }
    }
    return missing;
  }

  private void generate(TypeElement spec) {
    if (kinds == null && kindsProblem == null) {
      try {
        kinds = KindRegistry.load(kindsLoader);
      } catch (RuntimeException | LinkageError | StackOverflowError e) {
        kindsProblem = String.valueOf(e.getMessage());
      }
    }
    if (kindsProblem != null) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "the layer, loss and optimizer kinds on the "
          + "annotation processor path cannot be loaded: " + kindsProblem, spec);
      return;
    }
    SpecModel model = new SpecReader(processingEnv, trees, kinds, sources, reportedErrors).read(spec);
    if (model == null) {
      return; // every problem has been reported where it is
    }
    String qualified = model.packageName().isEmpty() ? model.className()
        : model.packageName() + "." + model.className();
    String other = generated.putIfAbsent(qualified, spec.getQualifiedName().toString());
    if (other != null && !other.contentEquals(spec.getQualifiedName())) {
      AnnotationMirror nn = Mirrors.find(spec, "NeuralNetwork");
      AnnotationValue chosen = Mirrors.written(nn, "className");
      String message = "the generated class " + qualified + " would clash with the one generated from " + other
          + ": set @NeuralNetwork(className = \"...\") on " + spec.getSimpleName() + " or on that spec";
      Mirrors.error(processingEnv.getMessager(), message, spec, nn, chosen);
      return;
    }
    String twin = generated.keySet().stream().filter(g -> g.equalsIgnoreCase(qualified) && !g.equals(qualified))
        .findFirst().orElse(null);
    if (twin != null) {
      // javac writes both, and on such a file system the second class file overwrites the first without a word.
      generated.remove(qualified);
      AnnotationMirror nn = Mirrors.find(spec, "NeuralNetwork");
      String message = "the generated class " + qualified + " differs only in case from " + twin + ", generated from "
          + generated.get(twin) + ": on a case-insensitive file system (Windows, macOS) their class files are one "
          + "file, and one class would be lost; set @NeuralNetwork(className = \"...\") on " + spec.getSimpleName()
          + " or on that spec";
      Mirrors.error(processingEnv.getMessager(), message, spec, nn, Mirrors.written(nn, "className"));
      return;
    }
    try {
      NetworkClassWriter.writeTo(model, processingEnv.getFiler());
    } catch (IOException e) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          "cannot write " + model.packageName() + "." + model.className() + ": " + e.getMessage(), spec);
    }
  }

  /**
   * Whether the spec, its super-interfaces and its methods' annotations are free of anything javac left unresolved,
   * and so are the types nested in it, at any depth: the {@code @BlockNodes} interfaces its blocks read are among them.
   */
  private boolean resolved(TypeElement spec) {
    Elements elements = processingEnv.getElementUtils();
    if (!Mirrors.resolved(elements, spec) || !allAnnotationsKnown(spec)) {
      return false;
    }
    for (TypeMirror t : spec.getInterfaces()) {
      if (t.getKind() == TypeKind.ERROR) {
        return false;
      }
    }
    for (Element member : spec.getEnclosedElements()) {
      if (member instanceof TypeElement nested ? !resolved(nested)
          : !Mirrors.resolved(elements, member) || !allAnnotationsKnown(member)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether javac knows every annotation written on {@code e}: one whose type it cannot resolve (a misspelt name) has
   * an erroneous type, or (javac before 25) is missing from the element, and only the source shows it was there.
   * A repeated annotation is written as many times as its container holds it, and one of types (TYPE_USE) before a
   * method's return type is that type's (an array's elements'). The source is compared only for a type or an
   * abstract method, where an annotation unseen would be an error of the reader's: a constructor's type annotations
   * are javac's to place.
   */
  private boolean allAnnotationsKnown(Element e) {
    Tree tree = trees == null ? null : trees.getTree(e);
    ModifiersTree modifiers = tree instanceof ClassTree c ? c.getModifiers()
        : tree instanceof MethodTree m && e.getModifiers().contains(Modifier.ABSTRACT) ? m.getModifiers() : null;
    int known = Mirrors.annotations(e).size();
    for (TypeMirror t = e instanceof ExecutableElement m ? m.getReturnType() : null; t != null;
        t = t instanceof ArrayType a ? a.getComponentType() : null) {
      known += t.getAnnotationMirrors().size();
    }
    return e.getAnnotationMirrors().stream().noneMatch(m -> m.getAnnotationType().getKind() == TypeKind.ERROR)
        && (modifiers == null || modifiers.getAnnotations().size() <= known);
  }

  /**
   * Reports each DSL annotation — of the DSL's package, or a kind annotation — on an element of {@code e} where it
   * declares nothing: outside a {@code @NeuralNetwork} or {@code @BlockNodes} type, a layer annotation on a type, a
   * loss, optimizer or schedule on a method, and what only a spec reads on a block's nodes interface. Annotations
   * inside a spec are the reader's; a type whose own annotations javac could not resolve is left to javac. Reports as
   * well what is wrong with the declaration of each kind annotation type in {@code e}.
   */
  private void reportMisplaced(Element e) {
    if (e instanceof PackageElement) {
      reportOffMember(e, "the package " + e);
    }
    if (!(e instanceof TypeElement type) || !allAnnotationsKnown(type)) {
      return;
    }
    if (type.getKind() == ElementKind.ANNOTATION_TYPE) {
      for (KindAnnotation.DeclarationProblem p : KindAnnotation.declarationProblems(processingEnv.getElementUtils(),
          type)) {
        sources.reportOnce(processingEnv.getMessager(), p.message(), type, p.meta(), p.value());
      }
    }
    for (TypeParameterElement p : type.getTypeParameters()) {
      reportOffMember(p, "the type parameter " + p + " of " + type.getSimpleName());
    }
    boolean network = Mirrors.find(type, "NeuralNetwork") != null;
    AnnotationMirror nodes = Mirrors.find(type, "BlockNodes");
    boolean spec = network || nodes != null;
    // A spec's own @BlockNodes, where no spec it is nested in takes it, would be dropped without a word.
    boolean enclosedInSpec = type.getEnclosingElement() instanceof TypeElement outer && inSpec(outer);
    if (nodes != null && !enclosedInSpec && !taken.contains(type)) {
      misplaced(type, nodes, network ? type.getSimpleName() + " is a network spec, and @BlockNodes on it declares a "
          + "block's nodes that no @Block takes (a block takes the nodes of an interface nested in its spec): remove "
          + "@BlockNodes"
          : type.getSimpleName() + " declares a block's nodes, but is in no @NeuralNetwork interface, so no @Block "
          + "can take them: nest it in the spec whose block it is");
    }
    for (AnnotationMirror m : Mirrors.annotations(type)) {
      KindAnnotation.Category category = KindAnnotation.category(m);
      if (network && KindAnnotation.ambiguous(m)) {
        continue; // the reader reports it where it is used
      } else if (category == KindAnnotation.Category.LAYER) {
        misplaced(type, m, "@" + Mirrors.simpleName(m) + " declares a layer, on an abstract method of a spec, not on a "
            + "type: move it onto a method of " + type.getSimpleName());
      } else if (!network && nodes != null && !Mirrors.name(m).equals(Mirrors.PACKAGE + "BlockNodes")
          && (category != null || isSpecAnnotation(m))) {
        // The block's nodes are read for their methods alone: the input, loss and optimizer are the network's.
        misplaced(type, m, "@" + Mirrors.simpleName(m) + " is only read on a @NeuralNetwork interface, and "
            + type.getSimpleName() + " declares a block's nodes, where it would be ignored: move it onto the spec, "
            + "or remove it");
      } else if (!spec && (category != null || isSpecAnnotation(m))) {
        misplaced(type, m, notInSpec(m, type, "the annotation"));
      }
    }
    Elements elements = processingEnv.getElementUtils();
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() == ElementKind.RECORD_COMPONENT || elements.getOrigin(member) != Elements.Origin.EXPLICIT) {
        continue; // a record component's annotations are reported where they propagate and javac gives a position
      }
      if (member instanceof ExecutableElement executable) {
        String owner = member.getKind() == ElementKind.CONSTRUCTOR ? "the constructor of " + type.getSimpleName()
            : member.getSimpleName() + "()";
        for (VariableElement p : executable.getParameters()) {
          reportOffMember(p, "the parameter " + p.getSimpleName() + " of " + owner);
        }
        for (TypeParameterElement p : executable.getTypeParameters()) {
          reportOffMember(p, "the type parameter " + p + " of " + owner);
        }
      }
      if (member.getKind() == ElementKind.METHOD && (type.getKind() != ElementKind.ANNOTATION_TYPE
          || !KindAnnotation.declaresKind(type))) {
        reportField(member, type);
      }
      if (member instanceof TypeElement) {
        reportMisplaced(member);
      } else if (member.getKind() != ElementKind.METHOD || type.getKind() == ElementKind.ANNOTATION_TYPE) {
        reportOffMember(member, member.getKind() == ElementKind.METHOD
            ? "the member " + member.getSimpleName() + "() of the annotation type " + type.getSimpleName()
            : member.getKind() == ElementKind.CONSTRUCTOR ? "the constructor of " + type.getSimpleName()
            : "the " + member.getKind().toString().toLowerCase(Locale.ROOT).replace('_', ' ') + " "
                + member.getSimpleName());
      } else {
        for (AnnotationMirror m : Mirrors.annotations(member)) {
          KindAnnotation.Category category = KindAnnotation.category(m);
          if (spec && KindAnnotation.ambiguous(m)) {
            continue; // the reader reports it where it is used
          } else if (category != null && category != KindAnnotation.Category.LAYER) {
            misplaced(member, m, "@" + Mirrors.simpleName(m) + " declares the network's " + category.word + ", on the "
                + "spec interface, not on a method: move it onto " + type.getSimpleName());
          } else if (!spec && (category != null || isSpecAnnotation(m))) {
            misplaced(member, m, notInSpec(m, type, member.getSimpleName() + "()"));
          }
        }
      }
    }
  }

  /** Adds the types the {@code nodes} values of the layer annotations in {@code type}, at any depth, name. */
  private void collectTakenNodes(TypeElement type) {
    for (Element member : type.getEnclosedElements()) {
      if (member instanceof TypeElement nested) {
        collectTakenNodes(nested);
      }
      for (AnnotationMirror m : member.getAnnotationMirrors()) {
        AnnotationValue value = Mirrors.written(m, "nodes");
        if (value != null && value.getValue() instanceof DeclaredType d) {
          taken.add(d.asElement());
        }
      }
    }
  }

  /** Whether {@code type} is a {@code @NeuralNetwork} interface or nested in one, at any depth. */
  private static boolean inSpec(TypeElement type) {
    for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
      if (Mirrors.find(t, "NeuralNetwork") != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reports {@code @NeuralNetwork} on a type declared in a method, lambda or initializer under {@code root}: javac
   * enters such types after annotation processing, so no processor ever sees them, and the spec would generate
   * nothing without a word. Their annotations are not resolved yet, so the name is matched as the compilation unit's
   * imports resolve it.
   */
  private void reportLocalSpecs(Element root) {
    TreePath rootPath = trees == null || !(root instanceof TypeElement) ? null : trees.getPath(root);
    if (rootPath == null) {
      return;
    }
    CompilationUnitTree unit = rootPath.getCompilationUnit();
    String marker = Mirrors.PACKAGE + "NeuralNetwork";
    boolean imported = unit.getPackageName() != null && unit.getPackageName().toString().equals(
        marker.substring(0, marker.lastIndexOf('.')));
    boolean shadowed = false;
    for (ImportTree i : unit.getImports()) {
      String name = i.getQualifiedIdentifier().toString();
      if (!i.isStatic() && (name.equals(marker) || name.equals(Mirrors.PACKAGE + "*"))) {
        imported = true;
      } else if (!i.isStatic() && name.endsWith(".NeuralNetwork")) {
        shadowed = true;
      }
    }
    boolean simpleNameIsOurs = imported && !shadowed;
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitClass(ClassTree node, Void unused) {
        Tree parent = getCurrentPath().getParentPath().getLeaf();
        boolean local = !(parent instanceof ClassTree) && !(parent instanceof CompilationUnitTree);
        // A member of a local or anonymous class is entered with it, as hidden from processors.
        boolean inLocal = false;
        for (TreePath p = getCurrentPath().getParentPath(); p != null; p = p.getParentPath()) {
          inLocal |= !(p.getLeaf() instanceof ClassTree) && !(p.getLeaf() instanceof CompilationUnitTree);
        }
        for (AnnotationTree a : local || inLocal ? node.getModifiers().getAnnotations() : List.<AnnotationTree>of()) {
          String name = a.getAnnotationType().toString();
          if (name.equals(marker) || name.equals("NeuralNetwork") && simpleNameIsOurs) {
            trees.printMessage(Diagnostic.Kind.ERROR, "@NeuralNetwork cannot go on " + node.getSimpleName() + (local
                ? ", declared in a method: javac shows annotation processors no local type; move "
                    + node.getSimpleName() + " out of the method, into a class or a file of its own"
                : ", nested in a local or anonymous class: javac shows annotation processors no such type; move "
                    + node.getSimpleName() + " into a class or a file of its own"), a, unit);
          }
        }
        return super.visitClass(node, unused);
      }
    }.scan(rootPath, null);
  }

  /**
   * Reports each kind annotation on {@code e} — a field, parameter, constructor, annotation member, type parameter or
   * package — where no layer, loss, optimizer or schedule is ever read (a kind annotation without {@code @Target}
   * may sit there), so that it is not silently ignored.
   */
  private void reportOffMember(Element e, String what) {
    for (AnnotationMirror m : Mirrors.annotations(e)) {
      KindAnnotation.Category category = m.getAnnotationType().getKind() == TypeKind.ERROR ? null
          : KindAnnotation.category(m);
      if (category == KindAnnotation.Category.LAYER) {
        misplaced(e, m, "@" + Mirrors.simpleName(m) + " declares a layer, on an abstract method of a spec, not on "
            + what + ": move it onto a method of a spec");
      } else if (category != null) {
        misplaced(e, m, "@" + Mirrors.simpleName(m) + " declares the network's " + category.word + ", on the spec "
            + "interface, not on " + what + ": move it onto the spec");
      }
    }
  }

  /** Reports {@code @Field} on {@code method} of {@code type}, which is no kind annotation type: it has no effect. */
  private void reportField(Element method, TypeElement type) {
    AnnotationMirror field = Mirrors.find(method, "Field");
    if (field != null) {
      misplaced(method, field, "@Field names the JSON field a member of a kind annotation type (one annotated "
          + "@LayerAnnotation, @LossAnnotation, @OptimizerAnnotation or @ScheduleAnnotation) writes, and "
          + method.getSimpleName() + "() of " + type.getSimpleName() + " is none, where it has no effect: remove "
          + "@Field" + (type.getKind() == ElementKind.ANNOTATION_TYPE ? ", or meta-annotate " + type.getSimpleName()
              + " as a kind" : ""));
    }
  }

  /** {@code @Input} and the like: DSL annotations read only on a spec. */
  private static boolean isSpecAnnotation(AnnotationMirror m) {
    String name = Mirrors.name(m);
    return name.startsWith(Mirrors.PACKAGE) && !name.equals(Mirrors.PACKAGE + "NeuralNetwork")
        && !name.equals(Mirrors.PACKAGE + "GeneratedNetwork") && !name.equals(Mirrors.PACKAGE + "Field")
        && !name.endsWith("Annotation");
  }

  private static String notInSpec(AnnotationMirror m, TypeElement holder, String what) {
    return "@" + Mirrors.simpleName(m) + " is only read in an interface annotated @NeuralNetwork, and "
        + holder.getSimpleName() + " is not one: annotate " + holder.getSimpleName() + " with @NeuralNetwork, or move "
        + what + " into a spec";
  }

  private void misplaced(Element at, AnnotationMirror m, String message) {
    if (trees != null) {
      Tree written = trees.getTree(at, m);
      if (written == null || !reported.add(written)) {
        return; // a record component's annotation, propagated to its field, accessor and parameter: reported once
      }
    }
    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, at, m);
  }
}
