package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The suite mutates every example spec: those it names are those in examples/specs, each in its jar. */
class ExampleSpecsTest {
  @Test
  void theSuiteNamesEveryExampleSpecAndCarriesIt() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("..", "examples", "specs"))) {
      assertEquals(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList(),
          SpecMutationConformance.EXAMPLE_SPECS);
    }
    for (String name : SpecMutationConformance.EXAMPLE_SPECS) {
      assertEquals(Files.readString(Path.of("..", "examples", "specs", name)), new String(
          SpecMutationConformance.class.getResourceAsStream("specs/" + name).readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8), name);
    }
  }
}
