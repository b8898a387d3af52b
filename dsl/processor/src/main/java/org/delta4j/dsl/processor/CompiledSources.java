package org.delta4j.dsl.processor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * The types this compilation declares in its own sources — the files given to javac and those generated in its
 * rounds, not what javac reads from the class path or the source path — gathered round by round. A mistake in the
 * declaration of a kind annotation is reported on that declaration when it is here, once, and its uses stay quiet;
 * declared elsewhere, it can only be reported where it is used. Names, not elements, are kept, as the rounds may
 * model one type by several elements.
 */
final class CompiledSources {
  private final Set<String> types = new java.util.LinkedHashSet<>(); // in the order the sources give them
  private final Set<String> reported = new HashSet<>();

  /** Adds a root element of a round and, at any depth, the types nested in it. */
  void add(Element root) {
    if (root instanceof TypeElement type) {
      types.add(type.getQualifiedName().toString());
      ElementFilter.typesIn(type.getEnclosedElements()).forEach(this::add);
    }
  }

  /**
   * The top-level types this compilation's sources declare in {@code pkg}, as {@code elements} has them: the types of
   * the package on a path are not among them, nor read (which would compile a source path's files unprocessed).
   */
  List<TypeElement> topLevelIn(Elements elements, PackageElement pkg) {
    List<TypeElement> inPackage = new ArrayList<>();
    for (String name : types) {
      TypeElement type = elements.getTypeElement(name);
      if (type != null && type.getEnclosingElement().equals(pkg)) {
        inPackage.add(type);
      }
    }
    return inPackage;
  }

  /** Whether {@code type} is declared in a source of this compilation. */
  boolean declares(TypeElement type) {
    return types.contains(type.getQualifiedName().toString());
  }

  /**
   * Reports the error {@code message} on {@code declared} (on its annotation {@code m} and value {@code v}, when
   * given) unless it has been reported there already: a declaration has one mistake however many specs use it.
   */
  void reportOnce(Messager messager, String message, Element declared, AnnotationMirror m, AnnotationValue v) {
    if (!reported.add(declared + " " + declared.getEnclosingElement() + ": " + message)) {
      return;
    }
    Mirrors.error(messager, message, declared, m, v);
  }
}
