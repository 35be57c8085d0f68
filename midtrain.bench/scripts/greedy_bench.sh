#!/usr/bin/env bash
# Greedy decoding with and without the KV cache, in one JVM (see GreedyDecode). Run from the
# repository root; arguments: threads, repetitions, prompt length, new tokens (default 2 3 512 64).
set -euo pipefail
./mvnw -B -q -pl midtrain.bench -am package -DskipTests -Dspotless.check.skip=true
./mvnw -B -q -pl midtrain.bench dependency:build-classpath -Dmdep.outputFile="$PWD/midtrain.bench/target/cp.txt"
cp="midtrain.bench/target/classes:$(cat midtrain.bench/target/cp.txt)"
java -Dai.djl.offline=true -cp "$cp" midtrain.bench.train.GreedyDecode "$@"
