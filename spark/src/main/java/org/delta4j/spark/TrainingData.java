package org.delta4j.spark;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A DataFrame's features and label columns as validated {@link Sample}s, each with its row's global index. The
 * features column holds a Spark ML {@link Vector} or an array of numbers; the label column a class number. Every
 * mistake — a missing column, a column of the wrong type, a null, a vector of the wrong size, NaN or infinite features,
 * a label that is no class — is an {@link IllegalArgumentException} naming the column, the row and the sizes, raised on
 * the driver before any training task runs. Stateless.
 */
public final class TrainingData {
  private TrainingData() {}

  /**
   * The samples of {@code data}, checked for a network of {@code inputSize} inputs and {@code classes} classes, cached
   * (the caller unpersists them).
   */
  public static JavaRDD<Sample> samples(Dataset<Row> data, String featuresCol, String labelCol, int inputSize,
      int classes) {
    return samples(data, featuresCol, labelCol, inputSize, classes, org.delta4j.tensor.DataType.FLOAT64);
  }

  /** {@link #samples(Dataset, String, String, int, int)} for a network of {@code type}, whose range features keep. */
  public static JavaRDD<Sample> samples(Dataset<Row> data, String featuresCol, String labelCol, int inputSize,
      int classes, org.delta4j.tensor.DataType type) {
    checkSchema(data.schema(), featuresCol, labelCol);
    checkFeatureSize(data.schema(), featuresCol, inputSize);
    JavaRDD<Tuple2<Sample, String>> checked = data.select(exactly(featuresCol), exactly(labelCol)).javaRDD()
        .zipWithIndex()
        .map(t -> read(t._1(), t._2(), featuresCol, labelCol, inputSize, classes, type));
    checked.persist(StorageLevel.MEMORY_AND_DISK());
    List<Tuple2<Sample, String>> problems = checked.filter(t -> t._2() != null).take(1);
    if (!problems.isEmpty()) {
      checked.unpersist(false);
      throw new IllegalArgumentException(problems.get(0)._2());
    }
    JavaRDD<Sample> samples = checked.map(Tuple2::_1).persist(StorageLevel.MEMORY_AND_DISK());
    samples.count();
    checked.unpersist(false);
    return samples;
  }

  /**
   * The data's rows in their order, as "N rows, checksum H": H sums a 64-bit mix of each sample's place, features'
   * bits and class, so that another row, a row moved or one left out changes it (but for a collision of 2⁻⁶⁴), on any
   * partitioning of the same rows. One pass over {@code samples}, of which there are {@code rows}.
   */
  static String fingerprint(JavaRDD<Sample> samples, long rows) {
    long sum = samples.map(TrainingData::mix).fold(0L, Long::sum);
    return String.format(java.util.Locale.ROOT, "%d rows, checksum %016x", rows, sum);
  }

  /** A sample's place, features and class mixed into 64 bits (SplitMix64's finaliser over each word in turn). */
  static long mix(Sample s) {
    long h = org.delta4j.random.SplitMix64.mix(s.index() ^ 0x9E3779B97F4A7C15L);
    for (double f : s.features()) {
      h = org.delta4j.random.SplitMix64.mix(h ^ Double.doubleToLongBits(f));
    }
    return org.delta4j.random.SplitMix64.mix(h ^ s.label());
  }

  /** Checks that the columns exist and are of usable types, without reading any row. */
  public static void checkSchema(StructType schema, String featuresCol, String labelCol) {
    checkFeatures(schema, featuresCol);
    DataType l = column(schema, labelCol, "label").dataType();
    if (!(l instanceof NumericType)) {
      throw new IllegalArgumentException("label column '" + labelCol + "' is of type " + l.simpleString()
          + "; it must hold class numbers 0, 1, …");
    }
  }

  /** Checks that the features column exists and holds vectors or arrays of numbers, without reading any row. */
  public static void checkFeatures(StructType schema, String featuresCol) {
    DataType f = column(schema, featuresCol, "features").dataType();
    boolean vector = f.equals(SQLDataTypes.VectorType());
    boolean array = f instanceof ArrayType a && a.elementType() instanceof NumericType;
    if (!vector && !array) {
      // spark.mllib's old Vector is "vector" too: named by its class, or the message would contradict itself
      boolean mllib = f instanceof UserDefinedType<?> u && u.userClass() == org.apache.spark.mllib.linalg.Vector.class;
      throw new IllegalArgumentException("features column '" + featuresCol + "' is of type " + f.simpleString()
          + (mllib ? " of spark.mllib (org.apache.spark.mllib.linalg.Vector)" : "")
          + "; it must hold a Spark ML Vector or an array of numbers"
          + (mllib ? ": MLUtils.convertVectorColumnsToML converts the column" : ""));
    }
  }

  /**
   * Refuses a vector features column whose Spark ML attributes (a {@code VectorAssembler}'s, say) give it another
   * size than the network's {@code inputSize} inputs, without reading any row: otherwise every row is refused, in a
   * task. A column without a size in its attributes is checked row by row.
   */
  static void checkFeatureSize(StructType schema, String featuresCol, int inputSize) {
    StructField f = schema.apply(featuresCol);
    if (!f.dataType().equals(SQLDataTypes.VectorType())) {
      return;
    }
    int size = AttributeGroup.fromStructField(f).size();
    if (size >= 0 && size != inputSize) {
      throw new IllegalArgumentException("features column '" + featuresCol + "' holds vectors of " + size
          + " values (its ML attributes say so) but the network takes " + inputSize + " inputs");
    }
  }

  private static StructField column(StructType schema, String name, String role) {
    if (name == null || !Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException("the data has no " + role + " column '" + name + "'; its columns are "
          + Arrays.toString(schema.fieldNames()));
    }
    boolean caseSensitive = SQLConf.get().caseSensitiveAnalysis();
    List<String> same = Arrays.stream(schema.fieldNames())
        .filter(n -> caseSensitive ? n.equals(name) : n.equalsIgnoreCase(name)).toList();
    if (same.size() > 1) { // Spark could not tell which one is meant
      throw new IllegalArgumentException("the " + role + " column '" + name + "' is not the only column Spark takes "
          + "for that name: the data has " + same + (caseSensitive ? "" : " (Spark compares names ignoring case)")
          + "; rename or drop the others");
    }
    return schema.apply(name);
  }

  /**
   * The column named exactly {@code name}, however it is spelt: a name with a dot or a backtick is not read as a
   * field of a struct or a quoting of its own.
   */
  static Column exactly(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }

  /**
   * The values of features {@code cell} (in {@code where}, "row 5" say) for a network of {@code inputSize} inputs in
   * {@code type}: refused when the cell is null, of another size, or holds a value that is not finite or that {@code
   * type} cannot hold (beyond ±3.4e38 in FLOAT32, which would become infinite), as no prediction or gradient of such
   * a row means anything.
   *
   * @throws IllegalArgumentException naming the column, the row and the sizes or the value
   */
  static double[] checkedFeatures(Object cell, String featuresCol, int inputSize,
      org.delta4j.tensor.DataType type, String where) {
    if (cell == null) {
      throw new IllegalArgumentException("features column '" + featuresCol + "' is null in " + where);
    }
    // a vector's size is known before its values are spread out: a sparse one of a billion would take 8 GB
    double[] x = cell instanceof Vector v && v.size() != inputSize ? null : features(cell);
    int size = x == null ? ((Vector) cell).size() : x.length;
    if (size != inputSize) {
      throw new IllegalArgumentException("features column '" + featuresCol + "' has " + size + " values in "
          + where + " but the network takes " + inputSize + " inputs");
    }
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) {
        String value = cell instanceof scala.collection.Seq<?> s && s.apply(i) == null ? "null" : x[i] + "";
        throw new IllegalArgumentException("features column '" + featuresCol + "' holds " + value + " at value " + i
            + " of " + where + ": features must be finite numbers");
      }
      if (type == org.delta4j.tensor.DataType.FLOAT32 && Math.abs(x[i]) > Float.MAX_VALUE) {
        throw new IllegalArgumentException("features column '" + featuresCol + "' holds " + x[i] + " at value " + i
            + " of " + where + ", beyond what the network's FLOAT32 holds (" + Float.MAX_VALUE + ")");
      }
    }
    return x;
  }

  /** The sample of one row, or a description of what is wrong with it. */
  private static Tuple2<Sample, String> read(Row row, long index, String featuresCol, String labelCol, int inputSize,
      int classes, org.delta4j.tensor.DataType type) {
    double[] x;
    try {
      x = checkedFeatures(row.get(0), featuresCol, inputSize, type, "row " + index);
    } catch (IllegalArgumentException e) {
      return problem(e.getMessage());
    }
    if (row.isNullAt(1)) {
      return problem("label column '" + labelCol + "' is null in row " + index);
    }
    Number label = (Number) row.get(1);
    if (!isClass(label, classes)) {
      return problem(notAClass(labelCol, label, "row " + index, classes));
    }
    return new Tuple2<>(new Sample(index, x, label.intValue()), null);
  }

  /**
   * Whether {@code label}, a label cell's number, is a class number of {@code classes} classes. A decimal is judged by
   * its exact value: one with a fraction below a double's precision (1.00000000000000000001) would round into a class.
   */
  static boolean isClass(Number label, int classes) {
    if (label instanceof BigDecimal d && d.stripTrailingZeros().scale() > 0) {
      return false;
    }
    double value = label.doubleValue();
    return value == Math.rint(value) && value >= 0 && value < classes;
  }

  /** The error for a label that is no class number, in {@code where}; a decimal shown exactly, as the data holds it. */
  static String notAClass(String labelCol, Number label, String where, int classes) {
    String value = label instanceof BigDecimal d ? d.toPlainString() : String.valueOf(label.doubleValue());
    return String.format(Locale.ROOT, "label column '%s' holds %s in %s, which is no class of the network's %d "
        + "(0 … %d)", labelCol, value, where, classes, classes - 1);
  }

  private static Tuple2<Sample, String> problem(String message) {
    return new Tuple2<>(null, message);
  }

  /** The values of a features cell: a Spark ML vector or an array of numbers (a null element reads as NaN). */
  static double[] features(Object cell) {
    if (cell instanceof Vector v) {
      return v.toArray();
    }
    List<?> values = cell instanceof scala.collection.Seq<?> s
        ? scala.collection.JavaConverters.seqAsJavaList(s) : List.of(cell);
    double[] x = new double[values.size()];
    for (int i = 0; i < x.length; i++) {
      Object o = values.get(i);
      x[i] = o == null ? Double.NaN : ((Number) o).doubleValue();
    }
    return x;
  }
}
