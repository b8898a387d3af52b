package org.delta4j.dsl.processor;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.TypeParameterTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Finds the type a new class of a package would hide from the package's sources: a type of the package takes its
 * simple name from the types imported on demand ({@code import org.delta4j.spec.*}) and from {@code java.lang}, so a
 * generated class named {@code LossFunction} makes {@code LossFunction.SOFTMAX_CROSS_ENTROPY} of a spec that imports
 * {@code org.delta4j.spec.*} name the generated class, and that spec no longer compiles.
 */
final class HiddenImports {
  private HiddenImports() {}

  /**
   * How a class {@code name} new in {@code pkg} would hide an imported type from a source of this compilation
   * ({@code sources}) in {@code pkg} that names it — {@code "org.delta4j.spec.LossFunction from ASpec.java, which
   * imports it on demand (import org.delta4j.spec.*) and names it LossFunction"} — or null when it hides none (or
   * javac gives no trees).
   */
  static String hidden(Trees trees, Elements elements, CompiledSources sources, PackageElement pkg, String name) {
    if (trees == null) {
      return null;
    }
    Set<CompilationUnitTree> units = new LinkedHashSet<>();
    for (TypeElement type : sources.topLevelIn(elements, pkg)) {
      TreePath path = trees.getPath(type);
      if (path != null) {
        units.add(path.getCompilationUnit());
      }
    }
    for (CompilationUnitTree unit : units) {
      String found = hidden(elements, unit, name);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** What a class {@code name} of the unit's package would hide from {@code unit}, or null. */
  private static String hidden(Elements elements, CompilationUnitTree unit, String name) {
    List<String> onDemand = new ArrayList<>();
    for (ImportTree i : unit.getImports()) {
      if (!(i.getQualifiedIdentifier() instanceof MemberSelectTree select)) {
        continue; // an import javac could not parse, reported by javac
      }
      if (select.getIdentifier().contentEquals(name)) {
        return null; // a single-type import wins over the package's types
      }
      if (select.getIdentifier().contentEquals("*")) {
        onDemand.add(select.getExpression().toString());
      }
    }
    onDemand.add("java.lang");
    String file = unit.getSourceFile().getName();
    file = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    for (String from : onDemand) {
      TypeElement type = elements.getTypeElement(from + "." + name);
      if (type != null && names(unit, name)) {
        return type.getQualifiedName() + " from " + file + ", which " + (from.equals("java.lang") ? ""
            : "imports it on demand (import " + from + ".*) and ") + "names it " + name;
      }
    }
    return null;
  }

  /**
   * Whether {@code unit} names {@code name} as an identifier, and declares no type or type parameter of that name
   * (which would be what it names).
   */
  private static boolean names(CompilationUnitTree unit, String name) {
    boolean[] named = new boolean[1];
    boolean[] declared = new boolean[1];
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        named[0] |= node.getName().contentEquals(name);
        return null;
      }

      @Override
      public Void visitClass(ClassTree node, Void unused) {
        declared[0] |= node.getSimpleName().contentEquals(name);
        return super.visitClass(node, unused);
      }

      @Override
      public Void visitTypeParameter(TypeParameterTree node, Void unused) {
        declared[0] |= node.getName().contentEquals(name);
        return super.visitTypeParameter(node, unused);
      }
    }.scan(unit.getTypeDecls(), null);
    return named[0] && !declared[0];
  }
}
