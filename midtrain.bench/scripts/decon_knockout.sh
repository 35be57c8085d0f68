#!/usr/bin/env bash
# Where the time of an end-to-end decontamination scan goes, step by step: a build with
# decon_knockout.patch applied (switches that stop the scan after a given step; never committed
# to the library) scans the corpus with each switch in turn, ROUNDS times, alternating, on one
# thread; the median time of each switch, less the one before it, is that step's cost.
#
#   midtrain.bench/scripts/decon_knockout.sh DIR [COPIES] [ROUNDS]
#
# DIR holds bench.jsonl and corpus.jsonl (DeconCorpus, as decon_bench.sh makes them). The patch is
# applied in a temporary git worktree of HEAD, which is removed at the end; the checkout is not
# touched. Needs a JDK 25 under /usr/lib/jvm (or MIDTRAIN_JDK25) for Long.expand.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:?usage: decon_knockout.sh DIR [COPIES] [ROUNDS]}"
copies="${2:-3}"
rounds="${3:-3}"
if [ ! -s "$dir/corpus.jsonl" ] || [ ! -s "$dir/bench.jsonl" ]; then
  echo "decon_knockout.sh: $dir has no corpus.jsonl and bench.jsonl (make them with DeconCorpus)" >&2
  exit 2
fi
jdk25="${MIDTRAIN_JDK25:-$(ls -d /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* 2>/dev/null | head -1 || true)}"
java="${jdk25:+$jdk25/bin/java}"
java="${java:-java}"
echo "java: $("$java" -version 2>&1 | head -1)"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/tree" HEAD
git -C "$work/tree" apply "$root/midtrain.bench/scripts/decon_knockout.patch"
(cd "$work/tree" && ./mvnw -B -q -pl midtrain.bench -am package -DskipTests)
jar="$work/tree/midtrain.bench/target/benchmarks.jar"

# Each step: its switches (system properties) and what the scan does with them.
names=(
  "reading, splitting lines, JSON (no scan, no report entries)"
  "+ report entries"
  "+ classifying the blocks, marking joined words"
  "+ the sampled word loop"
  "+ run keys"
  "+ run filter probes"
  "+ n-grams around the runs that pass, Bloom filter"
  "+ buckets, fingerprints, verification, results (the whole scan)"
)
switches=(
  "-Dko=noscan -Dnoreport=true"
  "-Dko=noscan"
  "-Dkov=true"
  "-Dko=words"
  "-Dkoi=1"
  "-Dkoi=2"
  "-Dko=may"
  ""
)
for r in $(seq 1 "$rounds"); do
  for i in "${!switches[@]}"; do
    # shellcheck disable=SC2086 # the switches are separate words
    t=$("$java" ${switches[$i]} --add-modules jdk.incubator.vector \
      --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx4g -cp "$jar" \
      midtrain.bench.decon.DeconEndToEnd "$dir" 1 --copies "$copies" 2>&1 \
      | sed -n 's/^scan: .* in \([0-9.]*\) s = .*/\1/p')
    if [ -z "$t" ]; then
      echo "decon_knockout.sh: no scan time with switches '${switches[$i]}'" >&2
      exit 1
    fi
    echo "$i $t" >>"$work/times"
    echo "round $r: ${names[$i]}: $t s"
  done
done
bytes=$(($(stat -c %s "$dir/corpus.jsonl") * copies))
echo
printf '%-66s %8s %8s %10s\n' "the scan stopped after" "median" "step" "ns a byte"
prev=0
for i in "${!switches[@]}"; do
  med=$(awk -v i="$i" '$1 == i { print $2 }' "$work/times" | sort -n \
    | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  awk -v n="${names[$i]}" -v m="$med" -v p="$prev" -v b="$bytes" \
    'BEGIN { printf "%-66s %7.2fs %7.2fs %10.2f\n", n, m, m - p, (m - p) * 1e9 / b }'
  if awk -v m="$med" -v p="$prev" 'BEGIN { exit !(m < p) }'; then
    negative=1
  fi
  prev=$med
done
if [ -n "${negative:-}" ]; then
  echo "A step took less than no time: the machine's speed changed between runs; take more rounds."
fi
