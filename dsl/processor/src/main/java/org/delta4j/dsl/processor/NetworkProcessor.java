package org.delta4j.dsl.processor;

import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Turns each interface annotated with {@code @NeuralNetwork} into a ready network class. It first reads and validates
 * the whole spec ({@link SpecReader}), reporting every problem on the element, annotation or value at fault; only a
 * spec without problems is generated ({@link NetworkClassWriter}). Isolating: each generated class depends on its
 * spec alone.
 */
@SupportedAnnotationTypes("org.delta4j.dsl.*")
public final class NetworkProcessor extends AbstractProcessor {
  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    TypeElement marker = processingEnv.getElementUtils().getTypeElement("org.delta4j.dsl.NeuralNetwork");
    if (marker != null) {
      for (Element element : round.getElementsAnnotatedWith(marker)) {
        SpecReader reader = new SpecReader(processingEnv);
        SpecModel model = reader.read(element);
        if (model == null) {
          continue; // every problem has been reported where it is
        }
        JavaFile file = NetworkClassWriter.write(model);
        try {
          file.writeTo(processingEnv.getFiler());
        } catch (IOException e) {
          processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
              "cannot write " + model.packageName() + "." + model.className() + ": " + e.getMessage(), element);
        }
      }
    }
    return true; // the layer, loss and optimizer annotations are read through the spec they sit in
  }
}
