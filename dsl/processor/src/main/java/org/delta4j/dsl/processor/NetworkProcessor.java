package org.delta4j.dsl.processor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * Turns each interface annotated with {@code @NeuralNetwork} into a ready network class. It first reads and validates
 * the whole spec ({@link SpecReader}), reporting every problem on the element, annotation or value at fault; only a
 * spec without problems is generated ({@link NetworkClassWriter}). A spec that refers to something not yet resolved
 * (a constant or type another processor generates, or a misspelt name) waits for a later round; if it is never
 * resolved, javac reports the cause and the processor adds nothing. DSL annotations outside a spec are reported where
 * they are. Isolating: each generated class depends on its spec alone, which is its originating element.
 */
@SupportedAnnotationTypes("org.delta4j.dsl.*")
public final class NetworkProcessor extends AbstractProcessor {
  private final Set<String> deferred = new LinkedHashSet<>();
  private Trees trees;

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
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
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
    reportMisplaced(annotations, round);
    for (TypeElement spec : specs) {
      try {
        if (!resolved(spec)) {
          deferred.add(spec.getQualifiedName().toString()); // javac reports the cause if it stays unresolved
        } else if (!round.processingOver()) {
          generate(spec);
        }
      } catch (RuntimeException | AssertionError e) {
        StackTraceElement at = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "the Delta4j processor failed on "
            + spec.getSimpleName() + " (" + e + (at == null ? "" : " at " + at) + "); please report this, with the "
            + "spec", spec);
      }
    }
    return true; // the layer, loss and optimizer annotations are read through the spec they sit in
  }

  private void generate(TypeElement spec) {
    SpecModel model = new SpecReader(processingEnv).read(spec);
    if (model == null) {
      return; // every problem has been reported where it is
    }
    try {
      NetworkClassWriter.write(model).writeTo(processingEnv.getFiler());
    } catch (IOException e) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
          "cannot write " + model.packageName() + "." + model.className() + ": " + e.getMessage(), spec);
    }
  }

  /** Whether the spec, its super-interfaces and its methods' annotations are free of anything javac left unresolved. */
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
      if (!Mirrors.resolved(elements, member) || !allAnnotationsKnown(member)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether javac knows every annotation written on {@code e}: one whose type it cannot resolve (a misspelt name) is
   * missing from the element, and only the source shows it was there.
   */
  private boolean allAnnotationsKnown(Element e) {
    Tree tree = trees == null ? null : trees.getTree(e);
    ModifiersTree modifiers = tree instanceof ClassTree c ? c.getModifiers()
        : tree instanceof MethodTree m ? m.getModifiers() : null;
    return modifiers == null || modifiers.getAnnotations().size() <= e.getAnnotationMirrors().size();
  }

  /**
   * Reports each DSL annotation on an element outside a {@code @NeuralNetwork} type, where it would declare nothing.
   * Annotations inside a spec are the reader's; a type whose own annotations javac could not resolve is left to javac.
   */
  private void reportMisplaced(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (TypeElement annotation : annotations) {
      String simple = annotation.getSimpleName().toString();
      if (!annotation.getQualifiedName().toString().startsWith(Mirrors.PACKAGE) || simple.equals("NeuralNetwork")
          || simple.equals("GeneratedNetwork")) {
        continue;
      }
      for (Element e : round.getElementsAnnotatedWith(annotation)) {
        boolean method = e.getKind() == ElementKind.METHOD;
        if (!method && !(e instanceof TypeElement)) {
          continue; // javac reports an annotation where its @Target does not allow it
        }
        Element holder = method ? e.getEnclosingElement() : e;
        if (Mirrors.find(holder, "NeuralNetwork") != null || !allAnnotationsKnown(holder)) {
          continue;
        }
        AnnotationMirror mirror = Mirrors.find(e, simple);
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "@" + simple + " is only read in an "
            + "interface annotated @NeuralNetwork, and " + holder.getSimpleName() + " is not one: annotate "
            + holder.getSimpleName() + " with @NeuralNetwork, or move " + (method ? e.getSimpleName() + "()"
            : "the annotation") + " into a spec", e, mirror);
      }
    }
  }
}
