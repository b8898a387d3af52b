package org.delta4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The CSV reader reads a number to the float Java's parser gives for it, bit for bit (the data a run records the CRC
 * of must not change), although it mostly reads it itself; and it takes no text that is not a CSV number.
 */
class CsvNumbersTest {
  private static int bits(String number) {
    byte[] b = number.getBytes(StandardCharsets.US_ASCII);
    return Float.floatToRawIntBits(CsvReader.decimal(b, 0, b.length));
  }

  /** Decimal numbers of every shape: sign, digits either side of the point, exponent, zeros that lead or trail. */
  @Provide
  Arbitrary<String> numbers() {
    Arbitrary<String> sign = Arbitraries.of("", "-", "+");
    // mostly up to 8 digits, around the 7 of the short path, sometimes up to 20
    Arbitrary<String> digits = Arbitraries.oneOf(Arbitraries.strings().withCharRange('0', '9').ofMaxLength(8),
        Arbitraries.strings().withCharRange('0', '9').ofMaxLength(8),
        Arbitraries.strings().withCharRange('0', '9').ofMaxLength(20));
    Arbitrary<String> point = Arbitraries.of("", ".");
    Arbitrary<String> exponent = Arbitraries.oneOf(Arbitraries.just(""),
        Combinators.combine(Arbitraries.of("e", "E"), Arbitraries.of("", "-", "+"),
            Arbitraries.integers().between(0, 60)).as((e, s, n) -> e + s + n));
    return Combinators.combine(sign, digits, point, digits, exponent)
        .as((s, whole, p, fraction, e) -> s + whole + (fraction.isEmpty() ? p : ".") + fraction + e)
        .filter(n -> n.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")); // a digit at least
  }

  @Property
  void aNumberIsReadAsJavaReadsIt(@ForAll("numbers") String number) {
    assertEquals(Float.floatToRawIntBits(Float.parseFloat(number)), bits(number), number);
  }

  @Example
  void theEdgesOfTheShortPathAreReadAsJavaReadsThem() {
    for (String n : new String[] {"-0", "0.0", "9999999", "10000000", "16777217", "9999999e10", "9999999e-10",
        "1e11", "1e-11", "0.0000000001", "1234567.8", "3.4028235e38", "3.4028236e38", "1.4e-45", "7e-46", "5.",
        ".5", "+1", "00000000000001.5", "1.50000000000000000000", "0.1", "0.3", "16777215e10", "8388609e-10"}) {
      assertEquals(Float.floatToRawIntBits(Float.parseFloat(n)), bits(n), n);
    }
  }

  @Example
  void whatIsNotACsvNumberIsNaN() {
    for (String n : new String[] {"", "+", "-", ".", "e5", "1e", "1e+", "1.5f", "1.5d", "0x1p3", "1_000", "NaN",
        "Infinity", "1.2.3", "1e5.5", "--1", " 1", "1 ", "١"}) {
      byte[] b = n.getBytes(StandardCharsets.UTF_8);
      assertEquals(Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(CsvReader.decimal(b, 0, b.length)),
          n);
    }
  }
}
