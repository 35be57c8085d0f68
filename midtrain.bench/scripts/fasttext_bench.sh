#!/usr/bin/env bash
# Times `fasttext predict` (the fastText 0.9.2 binary, Debian package `fasttext`) against
# `./midtrain fasttext predict` on the same model and the same >= 100 MB input, single thread,
# and checks that both print the same bytes. Run from the repository root.
# Environment: WORK (scratch folder, default /tmp/fasttext-bench; needs ~1.5 GB), MB (input size,
# default 120), DIM (default 100), BUCKET (default 2000000).
set -euo pipefail
FT=${FASTTEXT:-fasttext}
work=${WORK:-/tmp/fasttext-bench}
mb=${MB:-120}
dim=${DIM:-100}
bucket=${BUCKET:-2000000}
mkdir -p "$work"

if [ ! -f "$work/input.txt" ]; then
  python3 - "$work" "$mb" <<'EOF_PY'
import random, sys
work, mb = sys.argv[1], int(sys.argv[2])
r = random.Random(7)
vocab = ["w%d" % i for i in range(50000)]
weights = [1.0 / (i + 1) for i in range(50000)]
labels = ["hq", "lq"]
def doc(label):
    n = r.randint(20, 160)
    ws = r.choices(vocab, weights, k=n)
    shift = 0 if label == "hq" else 7
    return " ".join(w if r.random() < 0.7 else vocab[(int(w[1:]) * 3 + shift) % 50000] for w in ws)
with open(work + "/train.txt", "w") as f:
    for i in range(60000):
        l = r.choice(labels)
        f.write("__label__%s %s\n" % (l, doc(l)))
with open(work + "/input.txt", "w") as f:
    size = 0
    while size < mb * 1000000:
        line = doc(r.choice(labels)) + "\n"
        f.write(line)
        size += len(line)
EOF_PY
fi
if [ ! -f "$work/model.bin" ]; then
  "$FT" supervised -input "$work/train.txt" -output "$work/model" -dim "$dim" -wordNgrams 2 \
    -bucket "$bucket" -epoch 5 -thread 2 -verbose 0
fi
./mvnw -o -q -B package -DskipTests -Dspotless.check.skip=true -pl midtrain.cli -am
touch midtrain.cli/target/dist/.built
lines=$(wc -l < "$work/input.txt")
bytes=$(stat -c %s "$work/input.txt")
echo "model: $(stat -c %s "$work/model.bin") bytes, dim $dim, wordNgrams 2, bucket $bucket"
echo "input: $lines lines, $bytes bytes"
cat "$work/input.txt" > /dev/null # warm the page cache for both

# Seconds a command takes, its stdout going to the file given first.
t() { local out=$1 s e; shift; s=$(date +%s.%N); "$@" > "$out"; e=$(date +%s.%N); echo "$e - $s" | bc; }
tf=$(t "$work/out.fasttext" "$FT" predict "$work/model.bin" "$work/input.txt" 1)
tm=$(t "$work/out.midtrain" ./midtrain fasttext predict "$work/model.bin" "$work/input.txt" 1)
cmp "$work/out.fasttext" "$work/out.midtrain" && echo "outputs identical"
# predict-prob on the first 200k lines, to compare the printed probabilities too.
head -n 200000 "$work/input.txt" > "$work/input.small"
"$FT" predict-prob "$work/model.bin" "$work/input.small" 2 > "$work/prob.fasttext"
./midtrain fasttext predict-prob "$work/model.bin" "$work/input.small" 2 > "$work/prob.midtrain"
cmp "$work/prob.fasttext" "$work/prob.midtrain" && echo "predict-prob outputs identical"
awk -v l="$lines" -v f="$tf" -v m="$tm" 'BEGIN {
  printf "fasttext predict:          %.2f s  %.0f lines/s\n", f, l / f;
  printf "midtrain fasttext predict: %.2f s  %.0f lines/s\n", m, l / m;
  printf "midtrain / fasttext time:  %.2f\n", m / f }'
