package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class LocalFramesTest {
  private static final StructType SCHEMA = new StructType().add("i", DataTypes.IntegerType);

  private static List<Row> rows(int n) {
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create(i));
    }
    return rows;
  }

  @Test
  void noPartitionCarriesMoreThanItsShareOfBytesAndNoRowIsLostOrMoved() {
    SparkSession spark = LocalSpark.session();
    // 1,000 rows said to be 1 MiB each: at most 32 MiB a partition means at least 32 partitions.
    Dataset<Row> frame = LocalFrames.of(spark, rows(1000), SCHEMA, 1L << 20);

    int partitions = frame.javaRDD().getNumPartitions();
    assertTrue(partitions >= 1000 / (LocalFrames.PARTITION_BYTES >> 20), "partitions: " + partitions);
    List<Row> back = frame.collectAsList();
    assertEquals(1000, back.size());
    for (int i = 0; i < back.size(); i++) {
      assertEquals(i, back.get(i).getInt(0), "row " + i + " keeps its place");
    }
  }

  @Test
  void smallDataKeepsTheDefaultParallelism() {
    SparkSession spark = LocalSpark.session();
    Dataset<Row> frame = LocalFrames.of(spark, rows(10), SCHEMA, 8);
    assertEquals(spark.sparkContext().defaultParallelism(), frame.javaRDD().getNumPartitions());
  }

  @Test
  void aRowSizeThatIsNotPositiveIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LocalFrames.of(LocalSpark.session(), rows(1), SCHEMA, 0));
    assertTrue(e.getMessage().contains("bytesPerRow"), e.getMessage());
  }
}
