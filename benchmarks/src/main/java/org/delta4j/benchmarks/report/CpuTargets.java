package org.delta4j.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.delta4j.io.AtomicFiles;

/**
 * The targets table of one run on one CPU, kept so that a report on one CPU can also say which targets were met on the
 * others: {@code benchmarks/results/targets/} holds one file per CPU (per {@link Machine#fingerprint()}), the latest
 * run's, each a table of its own, never merged with another CPU's figures. Immutable.
 *
 * @param machine the machine the figures were measured on
 * @param fmaPeak the FMA peak of all its cores as the run measured it, for people
 * @param run how they were measured, e.g. {@code benchmarks/run} or {@code benchmarks/run targets --vectors avx2}
 * @param commit the commit measured, or {@code not recorded}
 * @param date the day of the run (UTC, ISO-8601), or {@code not recorded}
 * @param rows the table's rows: target, measured, required, status
 */
public record CpuTargets(Machine machine, String fmaPeak, String run, String commit, String date,
    List<List<String>> rows) {
  /** What a run that did not record its commit or day has for them. */
  public static final String NOT_RECORDED = "not recorded";

  public CpuTargets {
    rows = rows.stream().map(List::copyOf).toList();
  }

  /** The file of {@code machine}'s entry in {@code dir}: a name made of its fingerprint, one per CPU. */
  public static Path file(Path dir, Machine machine) {
    // The model and its widest vectors make a readable name; the fingerprint's hash keeps apart two CPUs that share
    // those (another stepping, other extensions).
    String head = (machine.model() + " " + machine.widestVectors()).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    head = head.length() > 60 ? head.substring(0, 60) : head;
    return dir.resolve(head + "-" + String.format(Locale.ROOT, "%08x", machine.fingerprint().hashCode()) + ".json");
  }

  /** Writes this entry to its file in {@code dir} (see {@link #file}), replacing that CPU's earlier one. */
  public void writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.set("machine", machine.toJson());
    root.put("fma peak", fmaPeak).put("run", run).put("commit", commit).put("date", date);
    ArrayNode table = root.putArray("rows");
    for (List<String> row : rows) {
      ArrayNode r = table.addArray();
      row.forEach(r::add);
    }
    AtomicFiles.writeString(file(dir, machine), root.toPrettyString() + "\n");
  }

  /** Every entry in {@code dir}, the latest run first; none if it does not exist. */
  public static List<CpuTargets> readAll(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<CpuTargets> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        out.add(read(f));
      }
    }
    out.sort(Comparator.comparing((CpuTargets e) -> e.date().equals(NOT_RECORDED) ? "" : e.date()).reversed());
    return out;
  }

  /** The entry in {@code file}; an error names the file if it is not one. */
  static CpuTargets read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (root == null || !root.path("rows").isArray() || !root.has("machine")) {
      throw new IOException(file + ": not a targets entry (wants \"machine\" and \"rows\")");
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode row : root.path("rows")) {
      List<String> cells = new ArrayList<>();
      row.forEach(c -> cells.add(c.asText()));
      if (cells.size() != 4) {
        throw new IOException(file + ": a row of " + cells.size() + " cells, wants 4 (target, measured, required, "
            + "status): " + row);
      }
      rows.add(cells);
    }
    return new CpuTargets(Machine.fromJson(root.path("machine")), root.path("fma peak").asText(NOT_RECORDED),
        root.path("run").asText("benchmarks/run"), root.path("commit").asText(NOT_RECORDED),
        root.path("date").asText(NOT_RECORDED), rows);
  }
}
