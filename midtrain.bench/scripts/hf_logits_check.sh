#!/usr/bin/env bash
# Checks that midtrain's Llama and Hugging Face transformers' LlamaForCausalLM give the same logits,
# in both directions: a model midtrain writes (init-model) read by an independent PyTorch reference
# of transformers' forward pass (hf_llama_ref.py), and a checkpoint in transformers' layout written
# by that reference read by midtrain (HfCheckpoint + LlamaModel, through midtrain.bench's HfLogits).
# Cases: grouped-query/multi-query/multi-head attention, tied and untied embeddings, every rope type
# (default, linear, dynamic and longrope past their original length, yarn with its options, llama3),
# rope_theta, explicit head_dim, F32/BF16/F16 and sharded safetensors; details in hf_logits_check.py.
#
# Needs a python3 with torch and numpy (Debian: apt-get install python3-torch, used through
# /usr/bin/python3; set PYTHON to use another); transformers itself is not needed. Not part of CI.
# Run from the repository root; arguments go to hf_logits_check.py, for example
#   bash midtrain.bench/scripts/hf_logits_check.sh --seeds 1,2,3 --model path/to/checkpoint-60
# Exit status 0 when every case agrees to 1e-5 of the largest logit.
set -euo pipefail
mvn=(./mvnw -B -q -DskipTests -Dspotless.check.skip=true ${MAVEN_ARGS:-})
"${mvn[@]}" -pl midtrain.bench -am install
"${mvn[@]}" -pl midtrain.bench dependency:build-classpath -Dmdep.outputFile="$PWD/midtrain.bench/target/cp.txt"
cp="midtrain.bench/target/classes:$(cat midtrain.bench/target/cp.txt)"
# One intra-op thread: the machines this runs on are small and shared.
java="java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -cp $cp"
"${PYTHON:-/usr/bin/python3}" midtrain.bench/scripts/hf_logits_check.py --java "$java" --midtrain ./midtrain "$@"
