package org.delta4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.delta4j.data.ByteImageDataset;
import org.delta4j.data.Normalization;
import org.delta4j.tensor.Shape;

/**
 * Zalando's Fashion-MNIST: 60,000 training and 10,000 test images of 28 × 28 unsigned bytes in 10 classes, in the
 * IDX format. Found without the network, in this order: an explicit directory, else {@code $DELTA4J_DATA}, else
 * {@value #SYSTEM_DIRECTORY} (what Debian's {@code dataset-fashion-mnist} package installs), else the cache {@code
 * ~/.cache/delta4j/fashion-mnist}. {@link #download(Path)} fills the cache on machines with a network.
 */
public final class FashionMnist {
  /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
  public static final String SYSTEM_DIRECTORY = "/usr/share/datasets/fashion-mnist";
  /** Environment variable naming a directory that holds the files. */
  public static final String ENVIRONMENT_VARIABLE = "DELTA4J_DATA";

  /** The class names, in label order. */
  public static final List<String> CLASS_NAMES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  private static final String BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

  /**
   * The four files: name, the size and MD5 of the compressed file as published by the dataset's authors, and the
   * SHA-256 of its decompressed contents (which does not depend on how the file was compressed).
   */
  enum File {
    TRAIN_IMAGES("train-images-idx3-ubyte", 26_421_880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    TRAIN_LABELS("train-labels-idx1-ubyte", 29_515, "25c81989df183df01b3e8a0aad5dffbe",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    TEST_IMAGES("t10k-images-idx3-ubyte", 4_422_102, "bef4ecab320f06d8554ea6380940ec79",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    TEST_LABELS("t10k-labels-idx1-ubyte", 5_148, "bb300cfdad3c16e7a12a480ee83cd310",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    final String stem;
    final long publishedBytes;
    final String publishedMd5;
    final String contentSha256;

    File(String stem, long publishedBytes, String publishedMd5, String contentSha256) {
      this.stem = stem;
      this.publishedBytes = publishedBytes;
      this.publishedMd5 = publishedMd5;
      this.contentSha256 = contentSha256;
    }
  }

  private FashionMnist() {}

  /** The training and test sets. */
  public record Data(ByteImageDataset training, ByteImageDataset test, Path directory) {}

  /** The default cache directory, {@code ~/.cache/delta4j/fashion-mnist}. */
  public static Path cacheDirectory() {
    return Path.of(System.getProperty("user.home"), ".cache", "delta4j", "fashion-mnist");
  }

  /** Finds the data directory in the documented order (explicit may be null). */
  public static Path locate(Path explicit) throws IOException {
    return locate(explicit, System::getenv, Path.of(SYSTEM_DIRECTORY), cacheDirectory());
  }

  static Path locate(Path explicit, Function<String, String> environment, Path system, Path cache)
      throws IOException {
    List<String> looked = new ArrayList<>();
    if (explicit != null) {
      if (complete(explicit)) {
        return explicit;
      }
      throw new NoSuchFileException(explicit.toString(), null, "the directory given does not hold the Fashion-MNIST "
          + "files (" + missing(explicit) + ")");
    }
    String env = environment.apply(ENVIRONMENT_VARIABLE);
    List<Path> candidates = new ArrayList<>();
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    candidates.add(system);
    candidates.add(cache);
    for (Path dir : candidates) {
      if (complete(dir)) {
        return dir;
      }
      looked.add(dir + " (" + missing(dir) + ")");
    }
    throw new NoSuchFileException("Fashion-MNIST", null, "not found; looked in " + String.join(", ", looked)
        + ". Install it with `apt-get install dataset-fashion-mnist`, point --data or $" + ENVIRONMENT_VARIABLE
        + " at a directory holding the four IDX files, or download it into the cache with --download");
  }

  private static boolean complete(Path dir) {
    for (File f : File.values()) {
      if (find(dir, f) == null) {
        return false;
      }
    }
    return true;
  }

  private static String missing(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Files.exists(dir) ? "a file, not a directory" : "no such directory";
    }
    List<String> names = new ArrayList<>();
    for (File f : File.values()) {
      if (find(dir, f) == null) {
        names.add(f.stem + "[.gz]");
      }
    }
    return "missing " + String.join(", ", names);
  }

  private static Path find(Path dir, File f) {
    for (String name : new String[] {f.stem + ".gz", f.stem}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Loads both sets from the located directory, images as samples of shape [784], normalised to [0, 1]. The real set
   * has 60,000 and 10,000 images; any counts are read, as long as each file agrees with its header and the images
   * with their labels.
   */
  public static Data load(Path explicitDirectory) throws IOException {
    Path dir = locate(explicitDirectory);
    ByteImageDataset train = load(dir, File.TRAIN_IMAGES, File.TRAIN_LABELS);
    ByteImageDataset test = load(dir, File.TEST_IMAGES, File.TEST_LABELS);
    return new Data(train, test, dir);
  }

  private static ByteImageDataset load(Path dir, File imagesFile, File labelsFile) throws IOException {
    Path imagesPath = find(dir, imagesFile);
    Path labelsPath = find(dir, labelsFile);
    IdxReader.IdxArray images = IdxReader.read(imagesPath, 3, "images of shape [N, 28, 28]");
    IdxReader.IdxArray labels = IdxReader.read(labelsPath, 1, "a vector of labels");
    if (images.dims()[1] != 28 || images.dims()[2] != 28) { // the ranks were held to 3 and 1 as the headers were read
      throw new IOException(imagesPath + ": expected images of shape [N, 28, 28], the header says "
          + java.util.Arrays.toString(images.dims()));
    }
    if (images.count() == 0) {
      throw new IOException(imagesPath + ": holds no images; the file is incomplete: fetch it again");
    }
    if (images.count() != labels.count()) {
      throw new IOException(imagesPath.getParent() + ": " + images.count() + " images in " + imagesPath.getFileName()
          + " but " + labels.count() + " labels in " + labelsPath.getFileName()
          + "; the files are incomplete or mixed up: fetch them again");
    }
    int[] y = new int[labels.count()];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels.data()[i] & 0xff;
      if (y[i] >= CLASS_NAMES.size()) {
        throw new IOException(labelsPath + ": label " + i + " is " + y[i] + ", outside [0, 10)");
      }
    }
    return new ByteImageDataset(images.data(), Shape.of(28 * 28), y, CLASS_NAMES, Normalization.unitRange());
  }

  /**
   * Downloads the four files from the dataset's official location into {@code directory} (created if needed), each
   * verified against the published MD5 and the SHA-256 of its contents, and moved into place only when complete and
   * verified; a server that sends more than a file's published size is refused as soon as it does, and a file that
   * has not come 15 minutes after its response began is refused then. Files already present and valid are kept;
   * partial files of killed downloads are removed. Needs the network; nothing else in Delta4j does.
   */
  public static void download(Path directory) throws IOException, InterruptedException {
    download(directory, BASE_URL);
  }

  /** {@link #download(Path)} from {@code baseUrl} (ending in '/'), for tests. */
  static void download(Path directory, String baseUrl) throws IOException, InterruptedException {
    download(directory, baseUrl, FILE_TIME);
  }

  /**
   * The longest a file's download may take: the largest, 26 MB, needs 30 kB/s. The request's timeout ends with the
   * response's headers, so that a server that stopped sending after them (or sent a byte a minute) held the
   * download for ever.
   */
  private static final Duration FILE_TIME = Duration.ofMinutes(15);

  /** {@link #download(Path, String)} with each file's download ended, and refused, after {@code fileTime}. */
  static void download(Path directory, String baseUrl, Duration fileTime) throws IOException, InterruptedException {
    Files.createDirectories(directory);
    removePartialDownloads(directory);
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(20)).build();
    for (File f : File.values()) {
      Path target = directory.resolve(f.stem + ".gz");
      if (Files.isRegularFile(target) && verify(target, f) == null) {
        continue;
      }
      Path temp = Files.createTempFile(directory, f.stem, ".part");
      try {
        HttpResponse<InputStream> response;
        try {
          response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + f.stem + ".gz"))
              .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
          throw failed(f, baseUrl, e);
        }
        try (InputStream body = response.body()) {
          if (response.statusCode() != 200) {
            throw new IOException("downloading " + f.stem + ".gz from " + baseUrl + " failed: HTTP "
                + response.statusCode());
          }
          receive(body, temp, f, baseUrl, fileTime);
        }
        String problem = verify(temp, f);
        if (problem != null) {
          throw new IOException("downloaded " + f.stem + ".gz does not verify: " + problem);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Writes the body of {@code f}'s download to {@code temp}, refusing it once it passes the file's published size
   * (a server that sent without end, a captive portal or a wrong address, filled the disk, since the file was verified
   * only once complete) or takes longer than {@code fileTime}.
   */
  private static void receive(InputStream body, Path temp, File f, String baseUrl, Duration fileTime)
      throws IOException {
    java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
    // closed when the time is up, which ends a read waiting for data that does not come
    java.util.concurrent.CompletableFuture.delayedExecutor(fileTime.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> {
          late.set(true);
          try {
            body.close();
          } catch (IOException e) {
            // closing it to end the read is all; the reader says why
          }
        });
    try (java.io.OutputStream out = Files.newOutputStream(temp)) {
      byte[] buffer = new byte[1 << 16];
      long received = 0;
      while (true) {
        int n;
        IOException error = null;
        try { // up to one byte past the size, which is enough to refuse
          n = body.read(buffer, 0, (int) Math.min(buffer.length, f.publishedBytes + 1 - received));
        } catch (IOException e) {
          n = -1;
          error = e;
        }
        if (late.get()) {
          throw new IOException(String.format(java.util.Locale.ROOT, "downloading %s.gz from %s failed: it did not "
              + "come within %,d seconds (%,d of its %,d bytes did); try again on a faster connection, or install it "
              + "with `apt-get install dataset-fashion-mnist` or point --data at a directory holding the four IDX "
              + "files", f.stem, baseUrl, fileTime.toSeconds(), received, f.publishedBytes), error);
        }
        if (error != null) {
          throw failed(f, baseUrl, error);
        }
        if (n < 0) {
          return;
        }
        received += n;
        if (received > f.publishedBytes) {
          throw new IOException(String.format(java.util.Locale.ROOT, "downloading %s.gz from %s failed: the server "
              + "sent more than the %,d bytes the file has; the address does not serve Fashion-MNIST's files", f.stem,
              baseUrl, f.publishedBytes));
        }
        out.write(buffer, 0, n);
      }
    }
  }

  /** A download that failed on the network, said with its cause and the ways to the data without one. */
  private static IOException failed(File f, String baseUrl, IOException e) {
    // a refused connection's exception has no message of its own
    return new IOException("downloading " + f.stem + ".gz from " + baseUrl + " failed: " + e.getClass().getName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ". Without a network, install it with "
        + "`apt-get install dataset-fashion-mnist` or point --data at a directory holding the four IDX files", e);
  }

  /** Removes the partial files ({@code <name>*.part}) that killed downloads left in {@code directory}. */
  static void removePartialDownloads(Path directory) throws IOException {
    for (File f : File.values()) {
      try (var parts = Files.newDirectoryStream(directory, f.stem + "*.part")) {
        for (Path p : parts) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Null when the compressed file has the published MD5 and its contents the known SHA-256; else what differs. */
  static String verify(Path gz, File f) throws IOException {
    String md5 = digest(gz, "MD5", false);
    if (!md5.equals(f.publishedMd5)) {
      return "MD5 " + md5 + " differs from the published " + f.publishedMd5;
    }
    String sha = digest(gz, "SHA-256", true);
    return sha.equals(f.contentSha256) ? null : "contents' SHA-256 " + sha + " differs from " + f.contentSha256;
  }

  private static String digest(Path file, String algorithm, boolean decompress) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm);
      try (InputStream in = decompress ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file);
          DigestInputStream d = new DigestInputStream(in, md)) {
        d.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every JDK", e);
    }
  }
}
