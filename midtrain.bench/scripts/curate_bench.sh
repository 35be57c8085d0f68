#!/usr/bin/env bash
# The curation pipeline on a generated web corpus in bounded memory: rule raters (Gopher quality,
# Gopher repetition, C4, FineWeb), their pass/fail filters and exact dedup, with a 512 MiB heap.
#
#   midtrain.bench/scripts/curate_bench.sh [DIR] [SIZE_MB] [THREADS]
#
# DIR (default /tmp/midtrain-curate) receives the corpus (8 JSONL files, generated once and kept),
# the pipeline config, the output and the timing. Prints wall time, input MB/s, docs/s and the
# peak resident memory of the JVM.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:-/tmp/midtrain-curate}"
size_mb="${2:-2048}"
threads="${3:-$(nproc)}"
mkdir -p "$dir/corpus"
per=$(( size_mb / 8 ))
for i in 0 1 2 3 4 5 6 7; do
  f="$dir/corpus/web-$i.jsonl"
  if [ ! -s "$f" ]; then
    python3 "$root/midtrain.bench/scripts/gen_web_corpus.py" "$f" "$per" "$((100 + i))"
  fi
done
cat > "$dir/pipeline.yaml" <<YAML
input: [corpus/*.jsonl]
output: {dir: curated, suffix: .jsonl.zst}
threads: $threads
stages:
  - rate: [gopher-quality, gopher-repetition, c4, fineweb]
  - keep_passing: [gopher-quality, gopher-repetition, c4, fineweb]
  - dedup: {method: exact}
YAML
rm -rf "$dir/curated"
bytes=$(cat "$dir"/corpus/*.jsonl | wc -c)
start=$(date +%s.%N)
MIDTRAIN_JAVA_OPTS="-Xmx512m" /usr/bin/time -v -o "$dir/time.txt" \
  "$root/midtrain" curate --config "$dir/pipeline.yaml" --no-progress | tee "$dir/curate.txt"
end=$(date +%s.%N)
docs=$(grep '^in ' "$dir/curate.txt" | awk '{print $2}' | tr -dc '0-9')
wall=$(echo "$end - $start" | bc -l)
rss=$(grep 'Maximum resident' "$dir/time.txt" | tr -dc '0-9')
printf 'input %.1f MB, %s docs, %s threads, wall %.1f s: %.1f MB/s, %.0f docs/s, peak RSS %.0f MiB (-Xmx512m)\n' \
  "$(echo "$bytes / 1048576" | bc -l)" "$docs" "$threads" "$wall" \
  "$(echo "$bytes / 1048576 / $wall" | bc -l)" "$(echo "$docs / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
