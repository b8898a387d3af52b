package org.delta4j.dsl.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.tensor.Shape;

/**
 * Writes the class for a validated spec with JavaPoet: the description as a constant, factories, a typed accessor per
 * member, training, prediction, evaluation, saving and loading — no reflection at run time. The output depends on the
 * spec alone (no dates), so the same spec always gives the same bytes.
 */
final class NetworkClassWriter {
  private static final ClassName NETWORK = ClassName.get("org.delta4j.nn", "Network");
  private static final ClassName NETWORK_SPEC = ClassName.get("org.delta4j.spec", "NetworkSpec");
  private static final ClassName LAYER = ClassName.get("org.delta4j.nn", "Layer");
  private static final ClassName SPEC_JSON = ClassName.get("org.delta4j.io", "NetworkSpecJson");
  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final ClassName DATA_TYPE = ClassName.get("org.delta4j.tensor", "DataType");
  private static final ClassName GENERATED = ClassName.get("org.delta4j.dsl", "GeneratedNetwork");
  static final ClassName LOSS = ClassName.get("org.delta4j.spec", "LossFunction");
  private static final ClassName ENGINES = ClassName.get("org.delta4j.engine", "Engines");
  private static final ClassName MODEL_FILES = ClassName.get("org.delta4j.io", "ModelFiles");
  /** The Javadoc of a generated method's engine name, which Engines.get takes as it is. */
  private static final String ENGINE_PARAMETER =
      "@param engine the engine's name (null or blank: the one {@code Engines.get()} selects)\n";
  private static final ClassName SAVED_MODEL = ClassName.get("org.delta4j.io", "SavedModel");
  private static final ClassName DATASET = ClassName.get("org.delta4j.data", "Dataset");
  private static final ClassName TRAINER = ClassName.get("org.delta4j.train", "Trainer");
  private static final ClassName HISTORY = ClassName.get("org.delta4j.train", "History");
  private static final ClassName EVALUATION = ClassName.get("org.delta4j.train", "Evaluation");
  static final ClassName INFERENCE = ClassName.get("org.delta4j.nn", "Inference");
  private static final ClassName PATH = ClassName.get("java.nio.file", "Path");
  /** Named through JavaPoet in the Javadoc's @throws too, which a type of the same simple name would take. */
  private static final ClassName IO_EXCEPTION = ClassName.get("java.io", "IOException");
  private static final ClassName STRING = ClassName.get(String.class);
  /**
   * The simple names of the {@code java.lang} types the generated code names: a type of the spec's package by one of
   * them would take that name from java.lang there, so the code names it qualified (see {@link SpecModel#qualified}).
   */
  static final Set<String> JAVA_LANG_NAMES = Set.of(STRING.simpleName());
  /** Named by an accessor of a deprecated layer class, and then named qualified as the names above are. */
  static final ClassName SUPPRESS_WARNINGS = ClassName.get(SuppressWarnings.class);
  /** The most characters of one string literal: at most 3 bytes each in a class file, whose limit is 65535. */
  private static final int LITERAL_CHARS = 16384;
  /** The most layers one chain of calls adds to the description (see {@link #specCode}). */
  private static final int LAYERS_PER_CHAIN = 200;

  private NetworkClassWriter() {}

  static JavaFile write(SpecModel model) {
    ClassName self = ClassName.get(model.packageName(), model.className());
    NetworkSpec spec = model.network();
    List<MethodSpec> describers = new java.util.ArrayList<>();
    CodeBlock specCode = specCode(spec, describers);
    CodeBlock dataType = CodeBlock.of("$T.$L", DATA_TYPE, model.dataType().name());
    TypeSpec.Builder type = TypeSpec.classBuilder(self)
        .alwaysQualify(model.qualified().toArray(String[]::new))
        .addOriginatingElement(model.spec())
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc(javadoc(model))
        .addAnnotation(AnnotationSpec.builder(GENERATED).addMember("value", "$S", model.spec().getQualifiedName())
            .build())
        .addField(FieldSpec.builder(NETWORK_SPEC, "SPEC", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The engine-neutral description this class was generated from.\n")
            .initializer(specCode).build())
        .addField(FieldSpec.builder(NETWORK, "network", Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The network this class gives a typed view of.\n").build())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).addParameter(NETWORK, "network")
            .addJavadoc("Wraps {@code network}, built from {@link #SPEC}.\n\n@param network the network\n")
            .addStatement("this.network = network").build())
        .addMethod(MethodSpec.methodBuilder("create").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
            .addJavadoc("A new network with weights drawn from the spec's seed, on the default engine, in $L.\n\n"
                + "@return the network\n",
                model.dataType())
            .addStatement("return new $T($T.create(SPEC, $T.get(), $L))", self, NETWORK, ENGINES, dataType).build())
        .addMethod(MethodSpec.methodBuilder("create").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
            .addJavadoc("A new network on the named engine ({@code \"ref\"}, {@code \"nd4j\"}, ...).\n\n"
                + ENGINE_PARAMETER + "@return the network\n")
            .addParameter(STRING, "engine")
            .addStatement("return new $T($T.create(SPEC, $T.get(engine), $L))", self, NETWORK, ENGINES, dataType)
            .build())
        .addMethod(MethodSpec.methodBuilder("create").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
            .addJavadoc("A new network on the named engine, with weights drawn from {@code seed}.\n\n"
                + ENGINE_PARAMETER + "@param seed the seed of the initial weights\n@return the network\n")
            .addParameter(STRING, "engine").addParameter(TypeName.LONG, "seed")
            .addStatement("return new $T($T.create(SPEC.withSeed(seed), $T.get(engine), $L))", self, NETWORK, ENGINES,
                dataType)
            .build())
        .addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
            .addJavadoc("A model saved by {@link #save}, on the named engine; fails if the file holds another "
                + "network.\n\n@param file the saved model\n" + ENGINE_PARAMETER + "@return the network\n"
                + "@throws $T if the file cannot be read or holds another network\n", IO_EXCEPTION)
            .addParameter(PATH, "file").addParameter(STRING, "engine").addException(IO_EXCEPTION)
            .addStatement("$T saved = $T.load(file, $T.get(engine), $L)", SAVED_MODEL, MODEL_FILES, ENGINES, dataType)
            .beginControlFlow("if (!saved.network().spec().withSeed(SPEC.seed()).equals(SPEC))")
            .addStatement("throw new $T(file + $S + saved.network().spec().summary())", IO_EXCEPTION,
                ": holds another network than " + model.spec().getSimpleName() + ": ")
            .endControlFlow()
            .addStatement("return new $T(saved.network())", self).build())
        .addMethod(MethodSpec.methodBuilder("save").addModifiers(Modifier.PUBLIC)
            .addJavadoc("Saves the weights, the optimizer state and the description to {@code file}, atomically.\n\n"
                + "@param file where to save\n@throws $T if the file cannot be written\n", IO_EXCEPTION)
            .addParameter(PATH, "file").addException(IO_EXCEPTION)
            .addStatement("$T.save(network, file)", MODEL_FILES).build());
    for (SpecModel.Accessor a : model.accessors()) {
      // A top-level class (see SpecReader.layerClass): its package is all before the last dot, whatever the case.
      int dot = a.layerClass().lastIndexOf('.');
      ClassName layerClass = ClassName.get(dot < 0 ? "" : a.layerClass().substring(0, dot),
          a.layerClass().substring(dot + 1));
      TypeName returned = a.typeParameters() == 0 ? layerClass : ParameterizedTypeName.get(layerClass,
          java.util.Collections.nCopies(a.typeParameters(), WildcardTypeName.subtypeOf(Object.class))
              .toArray(TypeName[]::new));
      MethodSpec.Builder accessor = MethodSpec.methodBuilder(a.methodName()).addModifiers(Modifier.PUBLIC)
          .returns(returned)
          .addJavadoc("The layer declared by $L.\n\n@return the layer\n", reference(model.spec(), a.methodName()))
          .addStatement(layerClass.equals(LAYER) ? CodeBlock.of("return network.layers().get($L)", a.layerIndex())
              : CodeBlock.of("return ($T) network.layers().get($L)", returned, a.layerIndex()));
      for (String warning : a.warnings()) {
        accessor.addAnnotation(AnnotationSpec.builder(SUPPRESS_WARNINGS).addMember("value", "$S", warning).build());
      }
      type.addMethod(accessor.build());
    }
    type.addMethod(MethodSpec.methodBuilder("train").addModifiers(Modifier.PUBLIC).returns(HISTORY)
            .addJavadoc("Trains for {@code epochs} epochs in batches of {@code batchSize}, shuffled from the spec's "
                + "seed.\n\n@param data the training set\n@param epochs passes over the data\n"
                + "@param batchSize samples per update\n@return the loss and metrics of each epoch\n")
            .addParameter(DATASET, "data").addParameter(TypeName.INT, "epochs").addParameter(TypeName.INT, "batchSize")
            .addStatement("return $T.builder().epochs(epochs).batchSize(batchSize).seed(network.spec().seed()).build()"
                + ".fit(network, data)", TRAINER).build())
        .addMethod(MethodSpec.methodBuilder("train").addModifiers(Modifier.PUBLIC).returns(HISTORY)
            .addJavadoc("Trains as the given trainer says (validation, early stopping, listeners...).\n\n"
                + "@param data the training set\n@param trainer how to train\n"
                + "@return the loss and metrics of each epoch\n")
            .addParameter(DATASET, "data").addParameter(TRAINER, "trainer")
            .addStatement("return $T.requireNonNull(trainer, $S).fit(network, data)", Objects.class,
                "trainer is null").build())
        .addMethod(outputs(spec.loss().takesLogits()));
    Predictions.add(type, spec.loss());
    type.addMethod(MethodSpec.methodBuilder("evaluate").addModifiers(Modifier.PUBLIC).returns(EVALUATION)
            .addJavadoc("The mean loss on {@code data}, with the accuracy and confusion matrix where the data is given "
                + "as classes (else NaN and null).\n\n@param data the samples and targets\n@return the evaluation\n")
            .addParameter(DATASET, "data")
            .addStatement("return $T.of(network, data, 256)", EVALUATION).build())
        .addMethod(MethodSpec.methodBuilder("spec").addModifiers(Modifier.PUBLIC).returns(NETWORK_SPEC)
            .addJavadoc("The description of this network (the spec's, with its seed).\n\n@return the description\n")
            .addStatement("return network.spec()").build())
        .addMethod(MethodSpec.methodBuilder("network").addModifiers(Modifier.PUBLIC).returns(NETWORK)
            .addJavadoc("The underlying network, for everything else.\n\n@return the network\n")
            .addStatement("return network").build());
    type.addMethods(describers);
    return JavaFile.builder(model.packageName(), type.build()).skipJavaLangImports(true).indent("  ").build();
  }

  /**
   * Writes the class for {@code model} through {@code filer} in ASCII, each other character as a Unicode escape: javac
   * writes a generated source and reads it back in the compilation's encoding, which may have no character for a name
   * the spec wrote (in Unicode escapes, say), as none has for half a surrogate pair, and '?' would take its place.
   */
  static void writeTo(SpecModel model, Filer filer) throws IOException {
    String code = write(model).toString();
    StringBuilder ascii = new StringBuilder(code.length());
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c < 0x80) {
        ascii.append(c);
      } else {
        ascii.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    String name = model.packageName().isEmpty() ? model.className() : model.packageName() + "." + model.className();
    JavaFileObject file = filer.createSourceFile(name, model.spec());
    try (Writer out = file.openWriter()) {
      out.write(ascii.toString());
    }
  }

  /**
   * The raw outputs, through the network's thread-safe predictor, which runs any number of samples in chunks of
   * bounded work.
   */
  private static MethodSpec outputs(boolean logits) {
    return MethodSpec.methodBuilder("outputs").addModifiers(Modifier.PUBLIC).returns(float[][].class)
        .addParameter(float[][].class, "samples")
        .addJavadoc("The raw output of the last layer for each sample (one row of features each), in inference mode"
            + (logits ? ": the logits the loss applies its softmax to" : "") + ".\n\n"
            + "@param samples the samples\n@return one row of outputs per sample\n")
        .addStatement("return $T.outputs(network, samples)", INFERENCE).build();
  }

  /**
   * The description as the builder fed with each part read back from its JSON, as any registered kind round-trips:
   * {@code .layer(NetworkSpecJson.readLayer("{\"type\":\"dense\",\"name\":\"hidden\",\"units\":4,...}"))}. The
   * JSON names every field, so a reader can tell which value is which.
   */
  private static CodeBlock specCode(NetworkSpec spec, List<MethodSpec> describers) {
    String input = String.join(", ", java.util.Arrays.stream(spec.input().dims()).mapToObj(String::valueOf)
        .toList());
    List<LayerSpec> layers = spec.layers();
    CodeBlock.Builder b = CodeBlock.builder();
    if (layers.size() <= LAYERS_PER_CHAIN) {
      b.add("$T.builder()\n", NETWORK_SPEC).indent().indent().add(".input($L)\n", input);
      for (LayerSpec l : layers) {
        b.add(".layer($T.readLayer($L))\n", SPEC_JSON, literal(NetworkSpecJson.writeLayer(l)));
      }
    } else {
      // javac reads a chain of calls recursively, and a chain of a thousand layers overflows its stack: each group
      // of layers is a chain of its own, in a method of its own, which the initializer calls in turn.
      ClassName builder = NETWORK_SPEC.nestedClass("Builder");
      MethodSpec.Builder all = MethodSpec.methodBuilder("layers").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .returns(builder).addParameter(builder, "builder")
          .addJavadoc("Adds the description's layers, in groups.\n\n@param builder the description\n"
              + "@return {@code builder}\n");
      for (int from = 0; from < layers.size(); from += LAYERS_PER_CHAIN) {
        int to = Math.min(from + LAYERS_PER_CHAIN, layers.size());
        String name = "layers" + from / LAYERS_PER_CHAIN;
        CodeBlock.Builder chain = CodeBlock.builder().add("builder");
        for (LayerSpec l : layers.subList(from, to)) {
          chain.add("\n.layer($T.readLayer($L))", SPEC_JSON, literal(NetworkSpecJson.writeLayer(l)));
        }
        describers.add(MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .addParameter(builder, "builder")
            .addJavadoc("Adds the description's layers $L to $L.\n\n@param builder the description\n", from, to - 1)
            .addStatement("$L", chain.build()).build());
        all.addStatement("$L(builder)", name);
      }
      describers.add(0, all.addStatement("return builder").build());
      b.add("layers($T.builder().input($L))\n", NETWORK_SPEC, input).indent().indent();
    }
    b.add(".loss($T.readLoss($L))\n", SPEC_JSON, literal(NetworkSpecJson.writeLoss(spec.loss())));
    b.add(".optimizer($T.readOptimizer($L))\n", SPEC_JSON, literal(NetworkSpecJson.writeOptimizer(spec.optimizer())));
    b.add(".seed($LL)\n", spec.seed());
    return b.add(".build()").unindent().unindent().build();
  }

  /**
   * JSON on one line, as a string literal; a long one (a block of hundreds of nodes) joined at run time from pieces,
   * as a class file holds no string constant of more than 65535 bytes, and javac refuses a literal that would be.
   */
  private static CodeBlock literal(String json) {
    String text;
    try {
      text = MAPPER.readTree(json).toString();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("written JSON does not parse: " + json, e);
    }
    // JavaPoet starts a new line at each of Unicode's line terminators, inside a string literal too, where it would
    // end the literal: JSON's escape keeps them out of the code, and the string read back holds them.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    if (text.length() <= LITERAL_CHARS) {
      return CodeBlock.of("$S", text);
    }
    List<CodeBlock> pieces = new java.util.ArrayList<>();
    for (int from = 0; from < text.length(); ) {
      int to = Math.min(from + LITERAL_CHARS, text.length());
      if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) {
        to--; // a character's two halves stay in one piece
      }
      pieces.add(CodeBlock.of("$S", text.substring(from, to)));
      from = to;
    }
    return CodeBlock.of("$T.join(\"\", $L)", STRING, CodeBlock.join(pieces, ", "));
  }

  /**
   * Text as Javadoc shows it literally: HTML's special characters, tags, the end of a comment, and backslashes (which
   * javac would read as Unicode escapes) written as character references.
   */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
          || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
        out.append(String.format(Locale.ROOT, "&#92;u%04x", c)); // as a string literal would spell it
      } else if (c == '&' || c == '<' || c == '>' || c == '@' || c == '{' || c == '}' || c == '/' || c == '*'
          || c == '\\') {
        out.append("&#").append(c).append(';');
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }

  /**
   * How the Javadoc names the spec, or its method {@code member}: a link, or — for a spec nested in a private type or
   * private itself, which the generated class (top-level in its package) cannot see, and doclint would find no
   * reference to — its name as code.
   */
  private static CodeBlock reference(TypeElement spec, String member) {
    boolean visible = true;
    for (Element e = spec; e instanceof TypeElement; e = e.getEnclosingElement()) {
      visible &= !e.getModifiers().contains(Modifier.PRIVATE);
    }
    ClassName name = ClassName.get(spec);
    String text = String.join(".", name.simpleNames()) + (member == null ? "" : "." + member + "()");
    return visible ? CodeBlock.of("{@link $T$L}", name, member == null ? "" : "#" + member + "()")
        : CodeBlock.of("{@code $L}", text);
  }

  /** The class Javadoc: what it is, and the layer table with shapes and parameter counts. */
  private static CodeBlock javadoc(SpecModel model) {
    NetworkSpec spec = model.network();
    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT, "%-20s %-12s %-14s %s%n", "layer", "kind", "output", "parameters"));
    table.append(String.format(Locale.ROOT, "%-20s %-12s %s%n", "(input)", "", spec.input()));
    List<Shape> inputs = spec.inputShapes();
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec l = spec.layers().get(i);
      long params = l.parameters(inputs.get(i)).stream().mapToLong(p -> p.shape().size()).sum();
      table.append(String.format(Locale.ROOT, "%-20s %-12s %-14s %d%n", escape(l.name()), escape(l.kindLabel()),
          l.outputShape(inputs.get(i)), params));
    }
    table.append(String.format(Locale.ROOT, "%-48s %d%n", "total", spec.parameterCount()));
    return CodeBlock.builder()
        .add("The network described by $L:\n{@code $L}.\n\n", reference(model.spec(), null), escape(spec.summary()))
        .add("<pre>\n$L</pre>\n\n", table)
        .add("<p>Generated by the Delta4j annotation processor; not thread-safe, like the network it holds (its\n"
            + "{@code network().predictor()} is).\n")
        .build();
  }
}
