package dev.snowleap.bench;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import ml.combust.mleap.runtime.MleapContext;
import ml.combust.mleap.runtime.frame.DefaultLeapFrame;
import ml.combust.mleap.runtime.frame.Row;
import ml.combust.mleap.runtime.frame.RowTransformer;
import ml.combust.mleap.runtime.frame.Transformer;
import ml.combust.mleap.runtime.javadsl.BundleBuilder;
import ml.combust.mleap.runtime.javadsl.ContextBuilder;
import ml.combust.mleap.runtime.javadsl.RowTransformerSupport;
import ml.combust.mleap.runtime.javadsl.TensorSupport;
import ml.combust.mleap.runtime.serialization.FrameReader;
import ml.combust.mleap.runtime.serialization.FrameReader$;
import ml.combust.mleap.tensor.Tensor;
import scala.collection.JavaConverters;

/**
 * Times MLeap's JVM runtime inside the JVM, the way MLeap's own benchmark does (a RowTransformer
 * looping over rows; a Transformer over a LeapFrame), and prints one JSON object.
 *
 * <p>Usage: {@code MleapBench BUNDLE_ZIP FRAME_JSON OUTPUT_COLUMNS ROW_ITERATIONS BATCH_SIZES
 * BATCH_SECONDS}. OUTPUT_COLUMNS and BATCH_SIZES are comma separated. The outputs of the frame's
 * rows are printed too, so the caller checks them against Spark's before trusting any timing.
 */
public final class MleapBench {
    private static final TensorSupport TENSORS = new TensorSupport();

    // NOTE: written to after every call so the JIT cannot drop the work being timed.
    private static long sink;

    private MleapBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 6) {
            System.err.println("usage: MleapBench BUNDLE_ZIP FRAME_JSON OUTPUT_COLUMNS "
                    + "ROW_ITERATIONS BATCH_SIZES BATCH_SECONDS");
            System.exit(2);
        }
        File bundle = new File(args[0]).getAbsoluteFile();
        File framePath = new File(args[1]);
        List<String> outputs = Arrays.asList(args[2].split(","));
        int rowIterations = Integer.parseInt(args[3]);
        int[] batchSizes = Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray();
        double batchSeconds = Double.parseDouble(args[5]);

        long loadStart = System.nanoTime();
        MleapContext context = new ContextBuilder().createMleapContext();
        Transformer model = new BundleBuilder().load(bundle, context).root();
        double loadMs = (System.nanoTime() - loadStart) / 1e6;

        FrameReader reader = FrameReader$.MODULE$.apply("ml.combust.mleap.json",
                FrameReader$.MODULE$.apply$default$2());
        DefaultLeapFrame frame = reader.read(framePath).get();
        List<Row> rows = new ArrayList<>(JavaConverters.seqAsJavaListConverter(frame.dataset()).asJava());

        StringBuilder json = new StringBuilder();
        json.append('{');
        field(json, "java_version", quote(System.getProperty("java.version"))).append(',');
        field(json, "load_ms", number(loadMs)).append(',');
        field(json, "outputs", outputsJson(model, frame, outputs)).append(',');
        field(json, "row", rowJson(model, frame, rows, outputs.get(0), rowIterations)).append(',');
        field(json, "batches", batchesJson(model, frame, rows, batchSizes, batchSeconds));
        json.append(",\"sink\":").append(sink % 10);
        json.append('}');
        System.out.println(json);
    }

    private static String outputsJson(Transformer model, DefaultLeapFrame frame, List<String> outputs) {
        DefaultLeapFrame scored = transformed(model, frame);
        List<Row> scoredRows = JavaConverters.seqAsJavaListConverter(scored.collect()).asJava();
        StringBuilder json = new StringBuilder("{");
        for (int c = 0; c < outputs.size(); c++) {
            String name = outputs.get(c);
            int index = (Integer) scored.schema().indexOf(name).get();
            List<String> values = new ArrayList<>();
            for (Row row : scoredRows) {
                values.add(valueJson(row.getRaw(index)));
            }
            if (c > 0) {
                json.append(',');
            }
            json.append(quote(name)).append(":[").append(String.join(",", values)).append(']');
        }
        return json.append('}').toString();
    }

    private static String rowJson(Transformer model, DefaultLeapFrame frame, List<Row> rows,
                                  String output, int iterations) {
        RowTransformer rowTransformer = model.transform(
                new RowTransformerSupport().createRowTransformer(frame.schema())).get();
        int index = (Integer) rowTransformer.schema().indexOf(output).get();
        // NOTE: one row scored again and again, like MLeap's MleapRowTransformBenchmark and like
        // the Python contenders, so the numbers compare.
        Row row = rows.get(0);
        // NOTE: warm up long enough for the JIT to compile the hot path, as ScalaMeter's warmer does.
        for (int i = 0; i < Math.max(iterations, 50000); i++) {
            sink ^= System.identityHashCode(rowTransformer.transform(row).getRaw(index));
        }
        long[] samples = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            Row result = rowTransformer.transform(row);
            samples[i] = System.nanoTime() - start;
            sink ^= System.identityHashCode(result.getRaw(index));
        }
        // The plain loop MLeap's MleapRowTransformBenchmark times: no clock read per call.
        long loopStart = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            sink ^= System.identityHashCode(rowTransformer.transform(row).getRaw(index));
        }
        double loopMeanUs = (System.nanoTime() - loopStart) / 1e3 / iterations;
        Arrays.sort(samples);
        StringBuilder json = new StringBuilder("{");
        field(json, "iterations", Integer.toString(iterations)).append(',');
        field(json, "median_us", number(percentile(samples, 0.50) / 1e3)).append(',');
        field(json, "p99_us", number(percentile(samples, 0.99) / 1e3)).append(',');
        field(json, "loop_mean_us", number(loopMeanUs));
        return json.append('}').toString();
    }

    private static String batchesJson(Transformer model, DefaultLeapFrame frame, List<Row> rows,
                                      int[] sizes, double seconds) {
        List<String> entries = new ArrayList<>();
        for (int size : sizes) {
            List<Row> batchRows = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                batchRows.add(rows.get(i % rows.size()));
            }
            DefaultLeapFrame batch = DefaultLeapFrame.apply(frame.schema(),
                    JavaConverters.asScalaBufferConverter(batchRows).asScala().toVector());
            transformed(model, batch);
            int repeats = 0;
            long start = System.nanoTime();
            long budget = (long) (seconds * 1e9);
            do {
                DefaultLeapFrame scored = transformed(model, batch);
                sink ^= scored.dataset().size();
                repeats++;
            } while (System.nanoTime() - start < budget || repeats < 3);
            double elapsed = (System.nanoTime() - start) / 1e9;
            StringBuilder json = new StringBuilder("{");
            field(json, "size", Integer.toString(size)).append(',');
            field(json, "repeats", Integer.toString(repeats)).append(',');
            field(json, "rows_per_s", number(size * (double) repeats / elapsed));
            entries.add(json.append('}').toString());
        }
        return "[" + String.join(",", entries) + "]";
    }

    private static DefaultLeapFrame transformed(Transformer model, DefaultLeapFrame frame) {
        return model.transform(frame).get();
    }

    private static double percentile(long[] sorted, double q) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(index, 0)];
    }

    @SuppressWarnings("unchecked")
    private static String valueJson(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Number) {
            return number(((Number) value).doubleValue());
        }
        if (value instanceof Tensor) {
            List<Object> values = TENSORS.toArray((Tensor<Object>) value);
            List<String> parts = new ArrayList<>(values.size());
            for (Object v : values) {
                parts.add(valueJson(v));
            }
            return "[" + String.join(",", parts) + "]";
        }
        return quote(value.toString());
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        return json.append(quote(name)).append(':').append(value);
    }

    private static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null";
        }
        // NOTE: 17 significant digits round-trip a double exactly, so outputs compare bit for bit.
        return String.format(Locale.ROOT, "%.17g", value);
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                out.append('\\').append(ch);
            } else if (ch < 0x20) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        return out.append('"').toString();
    }
}
