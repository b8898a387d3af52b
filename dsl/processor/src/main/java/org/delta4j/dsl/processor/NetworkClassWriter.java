package org.delta4j.dsl.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.Modifier;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.Shape;

/**
 * Writes the class for a validated spec with JavaPoet: the description as a constant, factories, a typed accessor per
 * member, training, prediction, evaluation, saving and loading — no reflection at run time. The output depends on the
 * spec alone (no dates), so the same spec always gives the same bytes.
 */
final class NetworkClassWriter {
  private static final ClassName NETWORK = ClassName.get("org.delta4j.nn", "Network");
  private static final ClassName NETWORK_SPEC = ClassName.get("org.delta4j.spec", "NetworkSpec");
  private static final ClassName LAYER_SPEC = ClassName.get("org.delta4j.spec", "LayerSpec");
  private static final ClassName INITIALIZER = ClassName.get("org.delta4j.spec", "Initializer");
  private static final ClassName ACTIVATION = ClassName.get("org.delta4j.spec", "ActivationFunction");
  private static final ClassName LOSS = ClassName.get("org.delta4j.spec", "LossFunction");
  private static final ClassName OPTIMIZER = ClassName.get("org.delta4j.spec", "OptimizerSpec");
  private static final ClassName SCHEDULE = ClassName.get("org.delta4j.spec", "LearningRateSchedule");
  private static final ClassName ENGINES = ClassName.get("org.delta4j.engine", "Engines");
  private static final ClassName MODEL_FILES = ClassName.get("org.delta4j.io", "ModelFiles");
  private static final ClassName SAVED_MODEL = ClassName.get("org.delta4j.io", "SavedModel");
  private static final ClassName DATASET = ClassName.get("org.delta4j.data", "Dataset");
  private static final ClassName TRAINER = ClassName.get("org.delta4j.train", "Trainer");
  private static final ClassName HISTORY = ClassName.get("org.delta4j.train", "History");
  private static final ClassName EVALUATION = ClassName.get("org.delta4j.train", "Evaluation");
  private static final ClassName INFERENCE = ClassName.get("org.delta4j.nn", "Inference");
  private static final ClassName PATH = ClassName.get("java.nio.file", "Path");
  private static final ClassName IO_EXCEPTION = ClassName.get("java.io", "IOException");

  private NetworkClassWriter() {}

  static JavaFile write(SpecModel model) {
    ClassName self = ClassName.get(model.packageName(), model.className());
    NetworkSpec spec = model.network();
    TypeSpec.Builder type = TypeSpec.classBuilder(self)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc(javadoc(model))
        .addAnnotation(AnnotationSpec.builder(ClassName.get("javax.annotation.processing", "Generated"))
            .addMember("value", "$S", NetworkProcessor.class.getName()).build())
        .addField(FieldSpec.builder(NETWORK_SPEC, "SPEC", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The engine-neutral description this class was generated from.\n")
            .initializer(specCode(spec)).build())
        .addField(NETWORK, "network", Modifier.PRIVATE, Modifier.FINAL)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).addParameter(NETWORK, "network")
            .addStatement("this.network = network").build())
        .addMethod(MethodSpec.methodBuilder("create").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
            .addJavadoc("A new network with weights drawn from the spec's seed, on the default engine.\n")
            .addStatement("return new $T($T.create(SPEC, $T.get()))", self, NETWORK, ENGINES).build())
        .addMethod(MethodSpec.methodBuilder("create").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
            .addJavadoc("A new network on the named engine ({@code \"ref\"}, {@code \"nd4j\"}, ...).\n")
            .addParameter(String.class, "engine")
            .addStatement("return new $T($T.create(SPEC, $T.get(engine)))", self, NETWORK, ENGINES).build())
        .addMethod(MethodSpec.methodBuilder("create").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
            .addJavadoc("A new network on the named engine, with weights drawn from {@code seed}.\n")
            .addParameter(String.class, "engine").addParameter(TypeName.LONG, "seed")
            .addStatement("return new $T($T.create(SPEC.withSeed(seed), $T.get(engine)))", self, NETWORK, ENGINES)
            .build())
        .addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
            .addJavadoc("A model saved by {@link #save}, on the named engine; fails if the file holds another "
                + "network.\n")
            .addParameter(PATH, "file").addParameter(String.class, "engine").addException(IO_EXCEPTION)
            .addStatement("$T saved = $T.load(file, $T.get(engine))", SAVED_MODEL, MODEL_FILES, ENGINES)
            .beginControlFlow("if (!saved.network().spec().withSeed(SPEC.seed()).equals(SPEC))")
            .addStatement("throw new $T(file + $S + saved.network().spec().summary())", IO_EXCEPTION,
                ": holds another network than " + model.spec().getSimpleName() + ": ")
            .endControlFlow()
            .addStatement("return new $T(saved.network())", self).build())
        .addMethod(MethodSpec.methodBuilder("save").addModifiers(Modifier.PUBLIC)
            .addJavadoc("Saves the weights, the optimizer state and the description to {@code file}, atomically.\n")
            .addParameter(PATH, "file").addException(IO_EXCEPTION)
            .addStatement("$T.save(network, file)", MODEL_FILES).build());
    for (SpecModel.Accessor a : model.accessors()) {
      ClassName layerClass = ClassName.bestGuess(a.layerClass());
      type.addMethod(MethodSpec.methodBuilder(a.methodName()).addModifiers(Modifier.PUBLIC).returns(layerClass)
          .addJavadoc("The layer declared by {@link $T#$L()}.\n", ClassName.get(model.spec()), a.methodName())
          .addStatement("return ($T) network.layers().get($L)", layerClass, a.layerIndex()).build());
    }
    type.addMethod(MethodSpec.methodBuilder("train").addModifiers(Modifier.PUBLIC).returns(HISTORY)
            .addJavadoc("Trains for {@code epochs} epochs in batches of {@code batchSize}, shuffled from the spec's "
                + "seed.\n")
            .addParameter(DATASET, "data").addParameter(TypeName.INT, "epochs").addParameter(TypeName.INT, "batchSize")
            .addStatement("return $T.builder().epochs(epochs).batchSize(batchSize).seed(network.spec().seed()).build()"
                + ".fit(network, data)", TRAINER).build())
        .addMethod(MethodSpec.methodBuilder("train").addModifiers(Modifier.PUBLIC).returns(HISTORY)
            .addJavadoc("Trains as the given trainer says (validation, early stopping, listeners...).\n")
            .addParameter(DATASET, "data").addParameter(TRAINER, "trainer")
            .addStatement("return trainer.fit(network, data)").build())
        .addMethod(MethodSpec.methodBuilder("probabilities").addModifiers(Modifier.PUBLIC).returns(float[][].class)
            .addJavadoc("The class probabilities of each sample (one row of features each).\n")
            .addParameter(float[][].class, "samples")
            .addStatement("return $T.probabilities(network, samples)", INFERENCE).build())
        .addMethod(MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC).returns(int[].class)
            .addJavadoc("The most probable class of each sample.\n")
            .addParameter(float[][].class, "samples")
            .addStatement("return $T.classes(network, samples)", INFERENCE).build())
        .addMethod(MethodSpec.methodBuilder("evaluate").addModifiers(Modifier.PUBLIC).returns(EVALUATION)
            .addJavadoc("Loss, accuracy and confusion matrix on {@code data}.\n")
            .addParameter(DATASET, "data")
            .addStatement("return $T.of(network, data, 256)", EVALUATION).build())
        .addMethod(MethodSpec.methodBuilder("spec").addModifiers(Modifier.PUBLIC).returns(NETWORK_SPEC)
            .addJavadoc("The description of this network (the spec's, with its seed).\n")
            .addStatement("return network.spec()").build())
        .addMethod(MethodSpec.methodBuilder("network").addModifiers(Modifier.PUBLIC).returns(NETWORK)
            .addJavadoc("The underlying network, for everything else.\n")
            .addStatement("return network").build());
    return JavaFile.builder(model.packageName(), type.build()).skipJavaLangImports(true).indent("  ").build();
  }

  private static CodeBlock specCode(NetworkSpec spec) {
    CodeBlock.Builder b = CodeBlock.builder().add("$T.builder()\n", NETWORK_SPEC).indent().indent();
    b.add(".input($L)\n", String.join(", ", java.util.Arrays.stream(spec.input().dims()).mapToObj(String::valueOf)
        .toList()));
    for (LayerSpec l : spec.layers()) {
      if (l instanceof LayerSpec.Dense d) {
        b.add(".layer(new $T.Dense($S, $L,$Wnew $T($T.Kind.$L, $L),$W$T.zeros()))\n", LAYER_SPEC, d.name(), d.units(),
            INITIALIZER, INITIALIZER, d.weights().kind().name(), d.weights().scale(), INITIALIZER);
      } else if (l instanceof LayerSpec.Activation a) {
        b.add(".layer(new $T.Activation($S, $T.$L, $L))\n", LAYER_SPEC, a.name(), ACTIVATION, a.function().name(),
            a.alpha());
      } else if (l instanceof LayerSpec.Dropout d) {
        b.add(".layer(new $T.Dropout($S, $L))\n", LAYER_SPEC, d.name(), d.rate());
      }
    }
    b.add(".loss($T.$L)\n", LOSS, spec.loss().type().toUpperCase(Locale.ROOT));
    b.add(".optimizer($L)\n", optimizerCode(spec.optimizer()));
    b.add(".seed($LL)\n", spec.seed());
    return b.add(".build()").unindent().unindent().build();
  }

  private static CodeBlock optimizerCode(OptimizerSpec o) {
    CodeBlock constant = CodeBlock.of("new $T.Constant()", SCHEDULE);
    if (o instanceof OptimizerSpec.Sgd s) {
      return CodeBlock.of("new $T.Sgd($L, $L, $L)", OPTIMIZER, s.learningRate(), s.weightDecay(), constant);
    } else if (o instanceof OptimizerSpec.Momentum m) {
      return CodeBlock.of("new $T.Momentum($L, $L, $L, $L)", OPTIMIZER, m.learningRate(), m.momentum(),
          m.weightDecay(), constant);
    } else if (o instanceof OptimizerSpec.Nesterov m) {
      return CodeBlock.of("new $T.Nesterov($L, $L, $L, $L)", OPTIMIZER, m.learningRate(), m.momentum(),
          m.weightDecay(), constant);
    } else if (o instanceof OptimizerSpec.AdaGrad a) {
      return CodeBlock.of("new $T.AdaGrad($L, $L, $L, $L)", OPTIMIZER, a.learningRate(), a.epsilon(), a.weightDecay(),
          constant);
    } else if (o instanceof OptimizerSpec.RmsProp r) {
      return CodeBlock.of("new $T.RmsProp($L, $L, $L, $L, $L)", OPTIMIZER, r.learningRate(), r.rho(), r.epsilon(),
          r.weightDecay(), constant);
    } else if (o instanceof OptimizerSpec.Adam a) {
      return CodeBlock.of("new $T.Adam($L, $L, $L, $L, $L, $L)", OPTIMIZER, a.learningRate(), a.beta1(), a.beta2(),
          a.epsilon(), a.weightDecay(), constant);
    }
    OptimizerSpec.AdamW a = (OptimizerSpec.AdamW) o;
    return CodeBlock.of("new $T.AdamW($L, $L, $L, $L, $L, $L)", OPTIMIZER, a.learningRate(), a.beta1(), a.beta2(),
        a.epsilon(), a.weightDecay(), constant);
  }

  /** "784-256-128-10": the input size and each dense layer's units. */
  private static String sizes(NetworkSpec spec) {
    StringBuilder s = new StringBuilder(String.valueOf(spec.input().size()));
    for (LayerSpec l : spec.layers()) {
      if (l instanceof LayerSpec.Dense d) {
        s.append('-').append(d.units());
      }
    }
    return s.toString();
  }

  /** The class Javadoc: what it is, and the layer table with shapes and parameter counts. */
  private static CodeBlock javadoc(SpecModel model) {
    NetworkSpec spec = model.network();
    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT, "%-20s %-12s %-14s %s%n", "layer", "kind", "output", "parameters"));
    table.append(String.format(Locale.ROOT, "%-20s %-12s %s%n", "(input)", "", spec.input()));
    List<Shape> inputs = spec.inputShapes();
    long total = 0;
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec l = spec.layers().get(i);
      long params = l instanceof LayerSpec.Dense d ? (inputs.get(i).size() + 1) * d.units() : 0;
      total += params;
      table.append(String.format(Locale.ROOT, "%-20s %-12s %-14s %d%n", l.name(), l.kindLabel(),
          l.outputShape(inputs.get(i)), params));
    }
    table.append(String.format(Locale.ROOT, "%-48s %d%n", "total", total));
    String optimizer = spec.optimizer().toString();
    return CodeBlock.builder()
        .add("The network described by {@link $T}: $L, $L parameters, trained on $L with\n", ClassName.get(model.spec()),
            sizes(spec), spec.parameterCount(),
            spec.loss().type())
        .add("{@code $L}.\n\n", optimizer.replace("$", "$$"))
        .add("<pre>\n$L</pre>\n\n", table.toString().replace("$", "$$"))
        .add("<p>Generated by the Delta4j annotation processor; not thread-safe, like the network it holds.\n")
        .build();
  }
}
