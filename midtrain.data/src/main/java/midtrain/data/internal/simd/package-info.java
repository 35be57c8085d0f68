/**
 * SIMD kernels over UTF-8 bytes and word-hash arrays, shared by decontamination, dedup and the
 * repetition raters: word tokenization with normalization, word hashing (of all words or of sampled
 * runs), run keys, n-gram hashing, MinHash signatures, Bloom filter probes, JSON string unescaping
 * and newline search.
 *
 * <p>Every kernel has a scalar reference that is both the fallback and the test oracle. The system
 * property {@code midtrain.data.vectorBits} (0 = scalar; 64, 128, 256 or 512) selects the default
 * width; per-width kernels are constructible in this package so one JVM's tests cover every width.
 * Without the {@code jdk.incubator.vector} module (a class path without {@code --add-modules
 * jdk.incubator.vector}) the default is 0: only the vector classes name the Vector API, and width 0
 * never initializes them (see {@link midtrain.data.internal.simd.Kernels}).
 */
package midtrain.data.internal.simd;
