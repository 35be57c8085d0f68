#!/usr/bin/env bash
# Rule raters (gopher-quality + gopher-repetition + c4 + fineweb), midtrain against the plain Python
# implementation in rules_baseline.py, one thread each, back to back on the same machine and input.
#
# Generates a seeded web-like corpus of SIZE_MB (default 1000, not committed) under DIR, takes its
# first SLICE_MB (default 100) as the Python input (1 GB takes Python about ten minutes; set
# SLICE_MB=$SIZE_MB to run it all), rates the slice with Python and Java (Java also checks every
# metric and verdict against Python's), then the whole corpus with Java, and prints both
# throughputs and their ratio on the slice. MB are UTF-8 bytes of the text fields.
# Run from the repository root.
set -euo pipefail
SIZE_MB=${SIZE_MB:-1000}
SLICE_MB=${SLICE_MB:-100}
DIR=${DIR:-midtrain.bench/target/rules}
PYTHON=${PYTHON:-python3}
mkdir -p "$DIR"
./mvnw -B -q -pl midtrain.bench -am compile dependency:build-classpath -Dspotless.check.skip=true \
  -Dmdep.outputFile="$PWD/midtrain.bench/target/cp.txt"
cp="midtrain.bench/target/classes:$(cat midtrain.bench/target/cp.txt)"
java=(java --add-modules jdk.incubator.vector --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx4g
  -cp "$cp" midtrain.bench.rules.RulesThroughput)

corpus="$DIR/corpus-$SIZE_MB.jsonl"
[ -s "$corpus" ] || "$PYTHON" midtrain.bench/scripts/gen_web_corpus.py "$corpus" "$SIZE_MB" 42
slice="$DIR/slice-$SLICE_MB.jsonl"
"$PYTHON" - "$corpus" "$slice" "$SLICE_MB" <<'PY'
import sys
src, dst, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
n = 0
with open(src, "rb") as f, open(dst, "wb") as o:
    for line in f:
        if n >= mb * 1e6:
            break
        o.write(line)
        n += len(line)
PY
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
py=$("$PYTHON" midtrain.bench/scripts/rules_baseline.py "$slice" "$DIR/slice-python.jsonl")
echo "$py"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
js=$("${java[@]}" "$slice" --python "$DIR/slice-python.jsonl" --passes 3)
echo "$js"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$SLICE_MB" != "$SIZE_MB" ]; then
  "${java[@]}" "$corpus" --passes 2
fi
py_rate=$(sed -n 's/.*rating only: [0-9.]* s = \([0-9.]*\) MB\/s.*/\1/p' <<<"$py")
py_all=$(sed -n 's/.*with JSON parsing: [0-9.]* s = \([0-9.]*\) MB\/s.*/\1/p' <<<"$py")
py_cpu=$(sed -n 's/.*(CPU time [0-9.]* s = \([0-9.]*\) MB\/s.*/\1/p' <<<"$py")
java_best=$(sed -n 's/^java rules best: \([0-9.]*\) MB\/s.*/\1/p' <<<"$js")
java_cpu=$(sed -n 's/^java rules best: .*by CPU time: \([0-9.]*\) MB\/s.*/\1/p' <<<"$js")
awk -v j="$java_best" -v p="$py_rate" -v q="$py_all" -v jc="$java_cpu" -v pc="$py_cpu" -v mb="$SLICE_MB" 'BEGIN {
  printf "same %s MB slice, 1 thread, wall clock: java %.2f MB/s, python %.3f MB/s rating only (%.3f with JSON parsing): %.1fx (%.1fx)\n", mb, j, p, q, j / p, j / q
  printf "same %s MB slice, 1 thread, CPU time: java %.2f MB/s, python %.3f MB/s: %.1fx\n", mb, jc, pc, jc / pc }'
