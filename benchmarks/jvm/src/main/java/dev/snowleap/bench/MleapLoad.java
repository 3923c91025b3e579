package dev.snowleap.bench;

import java.io.File;

import ml.combust.mleap.runtime.MleapContext;
import ml.combust.mleap.runtime.frame.Transformer;
import ml.combust.mleap.runtime.javadsl.BundleBuilder;
import ml.combust.mleap.runtime.javadsl.ContextBuilder;

/**
 * How long MLeap's JVM runtime takes to load a bundle and how much heap the loaded model holds;
 * prints one JSON object.
 *
 * <p>Usage: {@code MleapLoad BUNDLE_ZIP LOADS}. The first load is a fresh JVM's (class loading
 * and JIT included, as a serving process meets it); the later ones reuse the warm JVM. Heap is
 * measured after a full GC with the last loaded model still referenced, minus the heap after a
 * GC before any load.
 */
public final class MleapLoad {
    private MleapLoad() {
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: MleapLoad BUNDLE_ZIP LOADS");
            System.exit(2);
        }
        File bundle = new File(args[0]).getAbsoluteFile();
        int loads = Integer.parseInt(args[1]);
        long before = usedHeapAfterGc();
        StringBuilder times = new StringBuilder();
        Transformer model = null;
        for (int i = 0; i < loads; i++) {
            model = null;
            long start = System.nanoTime();
            MleapContext context = new ContextBuilder().createMleapContext();
            model = new BundleBuilder().load(bundle, context).root();
            double ms = (System.nanoTime() - start) / 1e6;
            times.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "%.1f", ms));
        }
        long held = usedHeapAfterGc() - before;
        System.out.println("{\"load_ms\":[" + times + "],\"model_heap_mb\":"
                + String.format(java.util.Locale.ROOT, "%.1f", held / 1048576.0)
                + ",\"model\":\"" + model.uid() + "\"}");
    }
}
