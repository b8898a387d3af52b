package org.delta4j.dsl.processor;

import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;
import org.delta4j.spec.LossSpec;

/**
 * The generated {@code predict} (and {@code probabilities}, for a loss on probabilities) in the form of the loss's
 * {@link LossSpec#targets()}, built-in or not: a class per sample, a yes or no per output, ±1 per output, or the
 * outputs themselves.
 */
final class Predictions {
  private Predictions() {}

  static void add(TypeSpec.Builder type, LossSpec spec) {
    MethodSpec.Builder predict = MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC)
        .addParameter(float[][].class, "samples");
    switch (spec.targets()) {
      case CLASSES -> {
        type.addMethod(probabilities("The class probabilities of each sample (one row of features each)."));
        type.addMethod(predict.returns(int[].class)
            .addJavadoc("The most probable class of each sample.\n\n@param samples the samples\n"
                + "@return one class index per sample\n")
            .addStatement("return $T.classes(network, samples)", NetworkClassWriter.INFERENCE).build());
      }
      case BINARY -> {
        type.addMethod(probabilities("The probability of each output of each sample (one row of features each)."));
        type.addMethod(elementWise(predict, boolean.class, "probabilities", "p[i][j] >= 0.5f",
            "Whether each output of each sample is more likely true than not (its probability at least ½)."));
      }
      case SIGNS -> type.addMethod(elementWise(predict, int.class, "outputs", "p[i][j] > 0 ? 1 : -1",
          "The bipolar step of each output of each sample: 1 for a positive activation, else −1."));
      case VALUES -> {
        if (hasProbabilities(spec)) {
          type.addMethod(probabilities("The class probabilities of each sample (one row of features each)."));
        }
        type.addMethod(predict.returns(float[][].class)
            .addJavadoc("The outputs of each sample, as the loss " + NetworkClassWriter.escape(spec.type())
                + " is trained on.\n\n@param samples the samples\n@return one row of values per sample\n")
            .addStatement("return outputs(samples)").build());
      }
    }
  }

  /**
   * Whether the generated class has {@code probabilities}: for a loss whose targets are classes or probabilities, and
   * for any loss on logits.
   */
  static boolean hasProbabilities(LossSpec spec) {
    return spec.targets() == LossSpec.Targets.CLASSES || spec.targets() == LossSpec.Targets.BINARY
        || spec.targets() == LossSpec.Targets.VALUES && spec.takesLogits();
  }

  private static MethodSpec probabilities(String doc) {
    return MethodSpec.methodBuilder("probabilities").addModifiers(Modifier.PUBLIC).returns(float[][].class)
        .addJavadoc(doc + "\n\n@param samples the samples\n@return one row of probabilities per sample\n")
        .addParameter(float[][].class, "samples")
        .addStatement("return $T.probabilities(network, samples)", NetworkClassWriter.INFERENCE).build();
  }

  /** A predict that maps each value {@code p[i][j]} of {@code source(samples)} through {@code expression}. */
  private static MethodSpec elementWise(MethodSpec.Builder predict, Class<?> element, String source,
      String expression, String doc) {
    return predict.returns(java.lang.reflect.Array.newInstance(element, 0, 0).getClass())
        .addJavadoc(doc + "\n\n@param samples the samples\n@return one row per sample\n")
        .addStatement("float[][] p = $L(samples)", source)
        .addStatement("$T[][] out = new $T[p.length][]", element, element)
        .beginControlFlow("for (int i = 0; i < p.length; i++)")
        .addStatement("out[i] = new $T[p[i].length]", element)
        .beginControlFlow("for (int j = 0; j < p[i].length; j++)")
        .addStatement("out[i][j] = " + expression)
        .endControlFlow()
        .endControlFlow()
        .addStatement("return out").build();
  }
}
