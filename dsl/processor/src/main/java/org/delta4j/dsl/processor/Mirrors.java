package org.delta4j.dsl.processor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * Annotations read as javac models them, without reflection proxies: finding them by name, their values by member
 * name, and whether everything in them is resolved. A value javac could not resolve (an undefined constant, a
 * misspelt enum constant, an annotation type that does not exist) is never read: the spec that holds it waits for a
 * later round, and javac itself reports the cause.
 */
final class Mirrors {
  static final String PACKAGE = "org.delta4j.dsl.";
  /** How javac spells a value it could not resolve, in place of the value. */
  private static final String ERROR_VALUE = "<error>";

  private Mirrors() {}

  /** The qualified name of the annotation's type. */
  static String name(AnnotationMirror m) {
    return ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().toString();
  }

  /** The annotation's simple name, e.g. {@code Dense}. */
  static String simpleName(AnnotationMirror m) {
    return m.getAnnotationType().asElement().getSimpleName().toString();
  }

  /**
   * The annotations on {@code e} as written: a container of a repeatable annotation ({@code @Ls} of {@code @L @L})
   * stands as the annotations it holds, so that a repeated kind annotation is read as each of them.
   */
  static List<AnnotationMirror> annotations(Element e) {
    List<AnnotationMirror> out = new ArrayList<>();
    for (AnnotationMirror m : e.getAnnotationMirrors()) {
      out.addAll(contained(m));
    }
    return out;
  }

  /** The annotations {@code m} holds when it is the container of a repeatable annotation; else {@code m} alone. */
  private static List<AnnotationMirror> contained(AnnotationMirror m) {
    AnnotationValue value = written(m, "value");
    Element container = m.getAnnotationType().asElement();
    TypeMirror type = value == null ? null : ElementFilter.methodsIn(container.getEnclosedElements()).stream()
        .filter(member -> member.getSimpleName().contentEquals("value")).findFirst()
        .map(ExecutableElement::getReturnType).orElse(null);
    if (!(type instanceof ArrayType array) || !(array.getComponentType() instanceof DeclaredType component)
        || !(value.getValue() instanceof List<?> held)) {
      return List.of(m);
    }
    for (AnnotationMirror meta : component.asElement().getAnnotationMirrors()) {
      AnnotationValue of = written(meta, "value");
      if (name(meta).equals("java.lang.annotation.Repeatable") && of != null
          && of.getValue() instanceof DeclaredType d && d.asElement().equals(container)
          && held.stream().allMatch(h -> h instanceof AnnotationValue v && v.getValue() instanceof AnnotationMirror)) {
        return held.stream().map(h -> (AnnotationMirror) ((AnnotationValue) h).getValue()).toList();
      }
    }
    return List.of(m);
  }

  /** The annotation of type {@code org.delta4j.dsl.<simpleName>} on {@code e}, or null. */
  static AnnotationMirror find(Element e, String simpleName) {
    for (AnnotationMirror m : e.getAnnotationMirrors()) {
      if (name(m).equals(PACKAGE + simpleName)) {
        return m;
      }
    }
    return null;
  }

  /** Every value of the annotation by member name, defaults included. Only for a {@link #resolved} annotation. */
  static Map<String, AnnotationValue> values(Elements elements, AnnotationMirror m) {
    Map<String, AnnotationValue> out = new LinkedHashMap<>();
    elements.getElementValuesWithDefaults(m).forEach((k, v) -> out.put(k.getSimpleName().toString(), v));
    return out;
  }

  /**
   * The value as written (so that an error points at it), or null when the member was left at its default, or for no
   * member (a problem of the whole annotation).
   */
  static AnnotationValue written(AnnotationMirror m, String member) {
    if (m == null || member == null) {
      return null;
    }
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : m.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(member)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The name of an enum constant value. */
  static String constant(AnnotationValue v) {
    return ((VariableElement) v.getValue()).getSimpleName().toString();
  }

  /**
   * Whether every annotation on {@code e} has a known type and, when the processor reads it (see {@link #read}), each
   * of its members a value of that type, and so do the DSL's annotations on that type and on its members (a kind
   * annotation's {@code @LayerAnnotation(type = ...)}, a member's {@code @Field}), which say how it is read.
   */
  static boolean resolved(Elements elements, Element e) {
    for (AnnotationMirror m : annotations(e)) {
      if (m.getAnnotationType().getKind() == TypeKind.ERROR) {
        return false;
      }
      if (!read(m)) {
        continue; // its values never matter, and may name the class the spec generates, which waiting never brings
      }
      if (!resolved(elements, m)) {
        return false;
      }
      Element type = m.getAnnotationType().asElement();
      List<Element> declarations = new ArrayList<>(List.of(type));
      declarations.addAll(ElementFilter.methodsIn(type.getEnclosedElements()));
      for (Element declaration : declarations) {
        for (AnnotationMirror meta : declaration.getAnnotationMirrors()) {
          if (meta.getAnnotationType().getKind() != TypeKind.ERROR && name(meta).startsWith(PACKAGE)
              && !resolved(elements, meta)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * Whether the processor reads the values of {@code m}: a DSL annotation, or one whose type carries a DSL annotation
   * (a kind annotation) or one javac could not resolve (which may be the DSL's, misspelt).
   */
  private static boolean read(AnnotationMirror m) {
    return name(m).startsWith(PACKAGE) || m.getAnnotationType().asElement().getAnnotationMirrors().stream()
        .anyMatch(meta -> meta.getAnnotationType().getKind() == TypeKind.ERROR || name(meta).startsWith(PACKAGE));
  }

  private static boolean resolved(Elements elements, AnnotationMirror m) {
    Map<? extends ExecutableElement, ? extends AnnotationValue> values = elements.getElementValuesWithDefaults(m);
    for (ExecutableElement member : ElementFilter.methodsIn(m.getAnnotationType().asElement().getEnclosedElements())) {
      AnnotationValue v = values.get(member);
      if (v == null || !fits(elements, member.getReturnType(), v)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code v} is what javac gives for a resolved value of {@code type}. */
  private static boolean fits(Elements elements, TypeMirror type, AnnotationValue v) {
    Object value = v.getValue();
    switch (type.getKind()) {
      case BOOLEAN:
        return value instanceof Boolean;
      case CHAR:
        return value instanceof Character;
      case BYTE: case SHORT: case INT: case LONG: case FLOAT: case DOUBLE:
        return value instanceof Number;
      case ARRAY:
        if (!(value instanceof List<?> list)) {
          return false;
        }
        TypeMirror component = ((ArrayType) type).getComponentType();
        return list.stream().allMatch(a -> a instanceof AnnotationValue av && fits(elements, component, av));
      case DECLARED:
        Element element = ((DeclaredType) type).asElement();
        if (element.getKind() == ElementKind.ENUM) {
          return value instanceof VariableElement c && c.getKind() == ElementKind.ENUM_CONSTANT
              && c.asType().getKind() != TypeKind.ERROR;
        } else if (element.getKind() == ElementKind.ANNOTATION_TYPE) {
          return value instanceof AnnotationMirror a && a.getAnnotationType().getKind() != TypeKind.ERROR
              && resolved(elements, a);
        } else if (((TypeElement) element).getQualifiedName().contentEquals(Class.class.getName())) {
          return value instanceof TypeMirror t && t.getKind() != TypeKind.ERROR;
        }
        // javac gives a value it could not resolve (an undefined constant, Missing.class) as the text "<error>",
        // which only its unquoted spelling tells from the string literal "<error>".
        return value instanceof String && !v.toString().equals(ERROR_VALUE);
      default:
        return false;
    }
  }

  /**
   * Reports the error {@code message} on the most precise place given: the annotation value {@code v}, else the
   * annotation {@code m}, else the element {@code at} (javac marks the line of what it is given).
   */
  static void error(Messager messager, String message, Element at, AnnotationMirror m, AnnotationValue v) {
    if (v != null) {
      messager.printMessage(Diagnostic.Kind.ERROR, message, at, m, v);
    } else if (m != null) {
      messager.printMessage(Diagnostic.Kind.ERROR, message, at, m);
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, message, at);
    }
  }
}
