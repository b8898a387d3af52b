package org.delta4j.dsl.processor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.Map;
import java.util.stream.Collectors;
import org.delta4j.engine.Engine;
import org.delta4j.nn.Loss;
import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;

/**
 * The generated {@code predict} takes the form of the loss's targets through the loss's own word, so a user's loss
 * gets the predictions a built-in loss of the same targets gets.
 */
class PredictionsTest {
  @Test
  void aUsersLossGetsThePredictionsOfItsTargets() {
    Map<LossSpec.Targets, String> returned = Map.of(
        LossSpec.Targets.CLASSES, "int[]",
        LossSpec.Targets.BINARY, "boolean[][]",
        LossSpec.Targets.SIGNS, "int[][]",
        LossSpec.Targets.VALUES, "float[][]");
    for (LossSpec.Targets targets : LossSpec.Targets.values()) {
      TypeSpec.Builder type = TypeSpec.classBuilder("Generated");
      Predictions.add(type, new UserLoss(targets));
      Map<String, TypeName> methods = type.build().methodSpecs().stream()
          .collect(Collectors.toMap(m -> m.name(), MethodSpec::returnType));
      assertTrue(methods.get("predict").toString().equals(returned.get(targets)), targets + ": " + methods);
      boolean probabilities = targets == LossSpec.Targets.CLASSES || targets == LossSpec.Targets.BINARY;
      assertTrue(methods.containsKey("probabilities") == probabilities, targets + ": " + methods);
    }
  }

  private record UserLoss(LossSpec.Targets targets) implements LossSpec {
    @Override
    public String type() {
      return "user_loss";
    }

    @Override
    public Loss build(Engine engine, DataType dataType) {
      throw new UnsupportedOperationException("never built");
    }
  }
}
