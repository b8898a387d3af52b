package org.delta4j.spark;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * DataFrames made from rows held by the driver, cut into enough partitions that each travels to its executor inside
 * one task. {@code SparkSession.createDataFrame(List, schema)} puts the rows in as many partitions as the default
 * parallelism, so on a cluster of one or two executors a task carries hundreds of megabytes — Fashion-MNIST's 60,000
 * images are 190 MB as floats, 380 MB as a Vector of doubles — and Spark refuses any task above
 * {@code spark.rpc.message.maxSize} (128 MB). In {@code local[*]} tasks are not serialized, so only a cluster shows it.
 * Stateless.
 */
public final class LocalFrames {
  /** The most serialized bytes a partition carries: a quarter of Spark's default message limit. */
  static final long PARTITION_BYTES = 32L << 20;

  private LocalFrames() {}

  /** {@code rows} (each about {@code bytesPerRow} bytes serialized) as a DataFrame of {@code schema}. */
  public static Dataset<Row> of(SparkSession spark, List<Row> rows, StructType schema, long bytesPerRow) {
    if (bytesPerRow <= 0) {
      throw new IllegalArgumentException("bytesPerRow must be positive, got " + bytesPerRow);
    }
    long total = bytesPerRow * rows.size();
    int slices = (int) Math.max(spark.sparkContext().defaultParallelism(),
        Math.min(rows.size(), (total + PARTITION_BYTES - 1) / PARTITION_BYTES));
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(context.parallelize(rows, slices), schema);
  }
}
