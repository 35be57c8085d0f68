#!/usr/bin/env bash
# Decontamination speed, back to back on one machine: the Python baseline, a straightforward Rust
# scan (std only, built with cargo when there is one), then midtrain end to end
# (reading, JSON, scan, report) on 1 and 2 threads, the same with the corpus read twice in one run
# (the second copy's time is that of a warm JVM), without the Bloom filters, with the scalar
# kernels, and on JDK 17; then one core's read bandwidth.
#
#   midtrain.bench/scripts/decon_bench.sh [DIR] [CORPUS_MB]
#
# LONG_COPIES=K adds runs that read the corpus K times in one JVM (1 and 2 threads).
#
# DIR (default /tmp/midtrain-decon) receives the generated corpus (once, kept) and the reports.
# Needs midtrain.bench/target/benchmarks.jar (./mvnw -pl midtrain.bench -am package -DskipTests)
# and, for the JDK 25 runs, a JDK 25 under /usr/lib/jvm (or MIDTRAIN_JDK25).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:-/tmp/midtrain-decon}"
size_mb="${2:-900}"
jar="$root/midtrain.bench/target/benchmarks.jar"
jdk25="${MIDTRAIN_JDK25:-$(ls -d /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* 2>/dev/null | head -1 || true)}"
j25="${jdk25:+$jdk25/bin/java}"
j25="${j25:-java}"
opts=(--add-modules jdk.incubator.vector --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx4g)
run() { "$@" 2>&1 | grep -v '^WARNING'; }

if [ ! -s "$dir/corpus.jsonl" ]; then
  java -cp "$jar" midtrain.bench.decon.DeconCorpus "$dir" "$size_mb" 40000
fi
uptime
echo "== Python baseline (decon_baseline.py, 1 process)"
python3 "$root/midtrain.bench/scripts/decon_baseline.py" "$dir/bench.jsonl" "$dir/corpus.jsonl" 13
if command -v cargo >/dev/null; then
  rust="$root/midtrain.bench/scripts/decon_rust"
  cargo build -q --release --offline --manifest-path "$rust/Cargo.toml"
  echo "== Rust, std HashMap of n-gram strings (decon_rust, 1 thread)"
  "$rust/target/release/decon_rust" "$dir/bench.jsonl" "$dir/corpus.jsonl" 13
  echo "== Rust, std HashMap of 64-bit n-gram hashes (decon_rust --hashed, 1 thread)"
  "$rust/target/release/decon_rust" "$dir/bench.jsonl" "$dir/corpus.jsonl" 13 --hashed
else
  echo "== no cargo: skipping the Rust comparison"
fi
secs() { sed -n 's/^scan: .* in \([0-9.]*\) s = .*/\1/p' "$1"; }
for threads in 1 2; do
  echo "== midtrain, $("$j25" -version 2>&1 | head -1), $threads thread(s)"
  run "$j25" "${opts[@]}" -cp "$jar" midtrain.bench.decon.DeconEndToEnd "$dir" "$threads" | tee "$dir/one.txt"
  echo "== the same, the corpus twice in one run"
  run "$j25" "${opts[@]}" -cp "$jar" midtrain.bench.decon.DeconEndToEnd "$dir" "$threads" --copies 2 \
    | tee "$dir/two.txt"
  awk -v a="$(secs "$dir/one.txt")" -v b="$(secs "$dir/two.txt")" \
    -v bytes="$(stat -c %s "$dir/corpus.jsonl")" \
    'BEGIN { printf "second copy (warm JVM): %.2f s = %.1f MB/s\n", b - a, bytes / 1e6 / (b - a) }'
done
if [ "${LONG_COPIES:-0}" -gt 0 ]; then
  # A long run: the corpus LONG_COPIES times in one JVM, so that JIT warm-up is a small part of
  # it, as in a scan of hundreds of gigabytes.
  for threads in 1 2; do
    echo "== midtrain, $LONG_COPIES copies of the corpus in one run, $threads thread(s)"
    run "$j25" "${opts[@]}" -cp "$jar" midtrain.bench.decon.DeconEndToEnd "$dir" "$threads" \
      --copies "$LONG_COPIES"
  done
fi
echo "== midtrain, 1 thread, no Bloom filter"
run "$j25" "${opts[@]}" -DnoBloom=true -cp "$jar" midtrain.bench.decon.DeconEndToEnd "$dir" 1
echo "== midtrain, 1 thread, scalar kernels"
run "$j25" "${opts[@]}" -Dmidtrain.data.vectorBits=0 -cp "$jar" midtrain.bench.decon.DeconEndToEnd "$dir" 1
echo "== midtrain, $(java -version 2>&1 | head -1) (default JDK), 1 thread"
run java "${opts[@]}" -cp "$jar" midtrain.bench.decon.DeconEndToEnd "$dir" 1
echo "== one core's read bandwidth"
run "$j25" -Xmx2g -cp "$jar" midtrain.bench.decon.DeconEndToEnd "$dir" 1 --bandwidth
uptime
