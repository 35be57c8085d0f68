#!/usr/bin/env bash
# Regenerates the fastText reference fixtures under midtrain.data/src/test/resources/fasttext/ with
# the real fastText binary (Debian package `fasttext`, version 0.9.2+ds-1; `apt-get install -y
# fasttext`). CI does not have the binary: tests only read what this script wrote.
# Run from the repository root. Needs python3 (only to generate the labelled corpus, seeded).
set -euo pipefail
FT=${FASTTEXT:-fasttext}
out=midtrain.data/src/test/resources/fasttext
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$out" <<'EOF'
import random, sys
out = sys.argv[1]
r = random.Random(20240521)
topics = {
  "sport": "ball goal team match score coach run win league cup player field".split(),
  "food": "bread cheese soup cook bake salt sugar café crème brûlée taste dinner".split(),
  "tech": "code compile java kernel cpu memory byte server cloud bug test".split(),
  "music": "song guitar piano drum band tune chord sing opera jazz beat".split(),
  "nature": "tree river forest bird rain snow mountain flower leaf sun wind".split(),
}
common = "the a of and to in is it that on was for with as at by über naïve 東京 日本語".split()
def line(label_pool, n_labels=1):
    labs = r.sample(label_pool, n_labels)
    words = []
    for _ in range(r.randint(3, 14)):
        t = r.choice(labs)
        words.append(r.choice(topics[t]) if r.random() < 0.6 else r.choice(common))
    return " ".join("__label__" + l for l in labs) + " " + " ".join(words)
names = sorted(topics)
with open(out + "/train.txt", "w", encoding="utf-8") as f:
    for i in range(600):
        f.write(line(names, 2 if r.random() < 0.1 else 1) + "\n")
# Inputs for prediction: plain lines, labels in the text, OOV words, tabs and CR, empty lines, a
# line of only unknown words, and a last line without its newline.
with open(out + "/input.txt", "w", encoding="utf-8") as f:
    for i in range(60):
        t = r.choice(names)
        ws = [r.choice(topics[t] + common + ["zzz", "unknownword", "Ünïcödé"]) for _ in range(r.randint(1, 10))]
        sep = "\t" if i % 7 == 0 else " "
        f.write(sep.join(ws) + ("\r\n" if i % 11 == 0 else "\n"))
    f.write("\n")
    f.write("__label__sport ball goal\n")
    f.write("qqq rrr sss\n")
    f.write("   \n")
    f.write("piano forest")
# Many labels, for the quantized output matrix (product quantization needs >= 256 rows).
with open(out + "/train_many.txt", "w", encoding="utf-8") as f:
    vocab = ["w%d" % i for i in range(400)]
    for i in range(1500):
        lab = r.randrange(300)
        ws = ["w%d" % ((lab + r.randrange(5)) % 400) for _ in range(r.randint(2, 8))]
        f.write("__label__L%d %s\n" % (lab, " ".join(ws)))
with open(out + "/input_many.txt", "w", encoding="utf-8") as f:
    for i in range(40):
        f.write(" ".join("w%d" % r.randrange(400) for _ in range(r.randint(1, 6))) + "\n")
EOF

common=(-dim 8 -bucket 1000 -epoch 5 -minCount 1 -thread 1 -verbose 0)
train() { # name, extra args
  local name=$1; shift
  "$FT" supervised -input "$out/train.txt" -output "$tmp/$name" "${common[@]}" "$@"
  cp "$tmp/$name.bin" "$out/$name.bin"
}
train softmax
train hs -loss hs
train ngrams -wordNgrams 2
train subwords -minn 2 -maxn 4
train ova -loss ova -wordNgrams 2
"$FT" supervised -input "$out/train_many.txt" -output "$tmp/many" -dim 8 -bucket 2000 -epoch 5 \
  -wordNgrams 2 -thread 1 -verbose 0 -lr 0.5
"$FT" quantize -input "$out/train_many.txt" -output "$tmp/many" -qnorm -qout -cutoff 1000 \
  -dsub 2 -thread 1 -verbose 0
cp "$tmp/many.ftz" "$out/many_q.ftz"
cp "$tmp/subwords.bin" "$tmp/sub2.bin"
"$FT" quantize -input "$out/train.txt" -output "$tmp/sub2" -dsub 3 -thread 1 -verbose 0
cp "$tmp/sub2.ftz" "$out/subwords_q.ftz"

# -pretrainedVectors (a duplicated word, a word and a label not in train.txt, </s>) and -saveOutput;
# -epoch 0 keeps the input matrix as initialised from the vectors.
cat > "$out/pretrained.vec" <<'VEC'
6 4
</s> 0.5 -0.25 0.125 1
ball 0.1 0.2 0.3 0.4
zebra -1.5 2.25 -0.0625 3
the 0.01234 -0.98765 4.5e-3 -1e-05
__label__extra 9 9 9 9
ball 0.75 -0.75 0.375 -0.375
VEC
pre=(-input "$out/train.txt" -dim 4 -thread 1 -verbose 0 -pretrainedVectors "$out/pretrained.vec")
"$FT" supervised -output "$tmp/pretrained0" -epoch 0 "${pre[@]}"
cp "$tmp/pretrained0.bin" "$out/pretrained0.bin"
"$FT" supervised -output "$tmp/pretrained" -epoch 2 -lr 0.5 -saveOutput "${pre[@]}"
cp "$tmp/pretrained.bin" "$out/pretrained.bin"
cp "$tmp/pretrained.output" "$out/pretrained.output"

for m in softmax hs ngrams subwords ova subwords_q; do
  ext=bin; [[ $m == *_q ]] && ext=ftz
  "$FT" predict-prob "$out/$m.$ext" "$out/input.txt" 3 > "$out/$m.k3.expected"
  "$FT" predict-prob "$out/$m.$ext" "$out/input.txt" -1 > "$out/$m.all.expected"
  "$FT" predict "$out/$m.$ext" "$out/input.txt" 2 0.2 > "$out/$m.k2t.expected"
  "$FT" test "$out/$m.$ext" "$out/train.txt" 2 > "$out/$m.test.expected"
done
"$FT" predict-prob "$out/many_q.ftz" "$out/input_many.txt" 5 > "$out/many_q.k5.expected"
"$FT" predict-prob "$out/many_q.ftz" "$out/input_many.txt" 2 0.01 > "$out/many_q.k2t.expected"
"$FT" 2>&1 | head -1 > "$out/VERSION" || true
dpkg-query -W fasttext >> "$out/VERSION" 2>/dev/null || true
ls -l "$out"
