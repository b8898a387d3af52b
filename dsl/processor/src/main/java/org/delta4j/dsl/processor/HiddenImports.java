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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Finds the type a new class of a package would hide from the package's sources: a type of the package takes its
 * simple name from the types imported on demand ({@code import org.delta4j.spec.*}, {@code import module java.base})
 * and from {@code java.lang}, so a generated class named {@code LossFunction} makes {@code
 * LossFunction.SOFTMAX_CROSS_ENTROPY} of a spec that imports {@code org.delta4j.spec.*} name the generated class, and
 * that spec no longer compiles.
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
    Map<String, String> onDemand = new LinkedHashMap<>(); // each package or type imported on demand, and how
    for (ImportTree i : unit.getImports()) {
      if (isModuleImport(i)) {
        String module = i.getQualifiedIdentifier().toString();
        exported(elements, module).forEach(p -> onDemand.putIfAbsent(p, "import module " + module));
      } else if (i.getQualifiedIdentifier() instanceof MemberSelectTree select) {
        if (select.getIdentifier().contentEquals(name)) {
          return null; // a single-type import wins over the package's types
        }
        if (select.getIdentifier().contentEquals("*")) {
          onDemand.putIfAbsent(select.getExpression().toString(), "import " + select.getExpression() + ".*");
        }
      }
    }
    onDemand.putIfAbsent("java.lang", null);
    String file = unit.getSourceFile().getName();
    file = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    for (Map.Entry<String, String> from : onDemand.entrySet()) {
      TypeElement type = elements.getTypeElement(from.getKey() + "." + name);
      if (type != null && names(unit, name)) {
        return type.getQualifiedName() + " from " + file + ", which " + (from.getValue() == null ? ""
            : "imports it on demand (" + from.getValue() + ") and ") + "names it " + name;
      }
    }
    return null;
  }

  /** Whether {@code i} imports a module's packages ({@code import module java.base;}, Java 23 on). */
  private static boolean isModuleImport(ImportTree i) {
    try {
      return Boolean.TRUE.equals(ImportTree.class.getMethod("isModule").invoke(i));
    } catch (ReflectiveOperationException before23) {
      return false; // a javac without module imports
    }
  }

  /** The packages a module import of {@code module} imports: those it and its transitive requirements export. */
  private static Set<String> exported(Elements elements, String module) {
    Set<String> packages = new LinkedHashSet<>();
    List<ModuleElement> open = new ArrayList<>();
    Set<ModuleElement> seen = new java.util.HashSet<>();
    ModuleElement named = elements.getModuleElement(module);
    if (named != null) {
      open.add(named);
    }
    while (!open.isEmpty()) {
      ModuleElement m = open.remove(open.size() - 1);
      if (!seen.add(m)) {
        continue;
      }
      for (ModuleElement.ExportsDirective e : ElementFilter.exportsIn(m.getDirectives())) {
        if (e.getTargetModules() == null) {
          packages.add(e.getPackage().getQualifiedName().toString());
        }
      }
      for (ModuleElement.RequiresDirective r : ElementFilter.requiresIn(m.getDirectives())) {
        if (r.isTransitive()) {
          open.add(r.getDependency());
        }
      }
    }
    return packages;
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
