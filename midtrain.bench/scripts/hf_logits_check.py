"""Do midtrain's Llama and Hugging Face transformers' LlamaForCausalLM give the same logits?

Run through hf_logits_check.sh (it builds midtrain and passes --java and --midtrain). Needs torch and
numpy only (Debian: apt-get install python3-torch); the transformers side is hf_llama_ref.py, an
independent reference written from transformers' modeling code.

Two directions, each over many configs (grouped-query attention, tied and untied embeddings, every
rope type, rope_theta, an explicit head_dim, rms_norm_eps, Mistral's sliding window, F32/F16/BF16 and
sharded files):
  1. `midtrain init-model` writes a random model; the reference reads its config.json and
     model.safetensors with its own parser and computes the logits;
  2. the reference writes a random checkpoint in transformers' layout and names (random norm
     weights too); midtrain loads it (HfCheckpoint.open, LlamaModel.load).
midtrain's logits come from midtrain.bench.train.HfLogits. Each case compares them with the
reference computed in float32 (as transformers does) and in float64; it passes when the largest
difference from the float64 logits is below TOL (3e-5) times the largest logit: the float32
reference itself (transformers' own arithmetic) is about 1e-5 away. Extra model directories (a trained checkpoint, say)
can be given with --model DIR.
"""

import argparse
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_llama_ref as ref  # noqa: E402

TOL = 3e-5
SEQ = 40
DROP = object()  # base_config(key=DROP) leaves key out; key=None writes null


def base_config(**overrides):
    cfg = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "vocab_size": 300,
        "hidden_size": 64,
        "intermediate_size": 96,
        "num_hidden_layers": 3,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "hidden_act": "silu",
        "max_position_embeddings": 64,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
    }
    for k, v in overrides.items():
        if v is DROP:
            cfg.pop(k, None)
        else:
            cfg[k] = v
    return cfg


def longrope(**extra):
    # Phi-3 style: original_max_position_embeddings at the top level and in rope_scaling, factor
    # equal to their ratio, so every transformers version reads the same settings.
    rs = {
        "rope_type": "longrope",
        "factor": 4.0,
        "original_max_position_embeddings": 16,
        "short_factor": [1.0, 1.05, 1.1, 1.2, 1.4, 1.7, 2.0, 2.5],
        "long_factor": [1.0, 1.3, 1.9, 2.6, 3.4, 4.5, 6.0, 8.0],
    }
    return base_config(rope_scaling=rs, original_max_position_embeddings=16, **extra)


# name -> (config, sequence length)
CASES = {
    "default": (base_config(), SEQ),
    "tied": (base_config(tie_word_embeddings=True), SEQ),
    # rope_theta stays: midtrain refuses a config without it (the default differs by model class).
    "mha-defaults": (base_config(num_key_value_heads=DROP, rms_norm_eps=DROP), SEQ),
    "mqa-theta5e5": (base_config(num_key_value_heads=1, rope_theta=500000.0), SEQ),
    "eps0.1-swish": (base_config(rms_norm_eps=0.1, hidden_act="swish"), SEQ),
    # MistralForCausalLM: a window of 16 keys at 40 positions; absent means 4096; null means none.
    "mistral-window16": (base_config(model_type="mistral", sliding_window=16), SEQ),
    "mistral-window-default": (base_config(model_type="mistral"), SEQ),
    "mistral-window-null": (base_config(model_type="mistral", sliding_window=None), SEQ),
    "head_dim32": (base_config(head_dim=32), SEQ),
    "head_dim8-tied": (base_config(head_dim=8, tie_word_embeddings=True), SEQ),
    "linear": (base_config(rope_scaling={"rope_type": "linear", "factor": 2.0}), SEQ),
    "linear-legacy-type": (base_config(rope_scaling={"type": "linear", "factor": 3.0}), SEQ),
    "dynamic-long": (
        base_config(max_position_embeddings=16, rope_scaling={"rope_type": "dynamic", "factor": 2.0}),
        SEQ,
    ),
    "dynamic-short": (
        base_config(max_position_embeddings=64, rope_scaling={"rope_type": "dynamic", "factor": 2.0}),
        SEQ,
    ),
    "yarn": (
        base_config(
            rope_scaling={"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 16}
        ),
        SEQ,
    ),
    "yarn-theta10-betas": (
        base_config(
            rope_theta=10.0,
            head_dim=32,
            rope_scaling={
                "rope_type": "yarn",
                "factor": 4.0,
                "original_max_position_embeddings": 16,
                "beta_fast": 8.0,
                "beta_slow": 0.5,
            },
        ),
        SEQ,
    ),
    "yarn-mscale-notrunc": (
        base_config(
            rope_theta=100.0,
            rope_scaling={
                "rope_type": "yarn",
                "factor": 4.0,
                "original_max_position_embeddings": 16,
                "mscale": 1.0,
                "mscale_all_dim": 0.5,
                "truncate": False,
            },
        ),
        SEQ,
    ),
    "yarn-attention_factor": (
        base_config(
            rope_scaling={
                "rope_type": "yarn",
                "factor": 4.0,
                "original_max_position_embeddings": 16,
                "attention_factor": 1.3,
            }
        ),
        SEQ,
    ),
    "longrope-long": (longrope(), SEQ),
    "longrope-short": (longrope(tie_word_embeddings=True), 12),
    "llama3": (
        base_config(
            rope_theta=500000.0,
            rope_scaling={
                "rope_type": "llama3",
                "factor": 8.0,
                "low_freq_factor": 1.0,
                "high_freq_factor": 4.0,
                "original_max_position_embeddings": 16,
            },
        ),
        SEQ,
    ),
}


def token_ids(vocab, seq, seed):
    g = torch.Generator().manual_seed(1000 + seed)
    return torch.randint(0, vocab, (2, seq), generator=g)


def random_weights(cfg, seed, std):
    g = torch.Generator().manual_seed(seed)
    out = {}
    for name, shape in ref.expected_shapes(cfg).items():
        if len(shape) == 1:  # norm weights: not all ones, so a missing multiply shows
            out[name] = 1.0 + 0.3 * torch.randn(shape, generator=g)
        else:
            out[name] = std * torch.randn(shape, generator=g)
    return out


def compare(name, model_dir, ids, got):
    cfg, weights = ref.read_checkpoint(model_dir)
    exp32 = ref.logits(cfg, weights, ids, torch.float32)
    exp64 = ref.logits(cfg, weights, ids, torch.float64)
    got = torch.tensor(got["logits"], dtype=torch.float64).reshape(got["shape"])
    if tuple(got.shape) != tuple(exp64.shape):
        return {"case": name, "ok": False, "error": "shape %s vs %s" % (tuple(got.shape), tuple(exp64.shape))}
    scale = exp64.abs().max().item()
    d32 = (got - exp32.double()).abs().max().item()
    d64 = (got - exp64).abs().max().item()
    floor = (exp32.double() - exp64).abs().max().item()  # transformers' own float32 error
    ok = math.isfinite(d64) and d64 <= TOL * max(scale, 1.0)
    return {
        "case": name,
        "ok": ok,
        "max_abs_logit": scale,
        "diff_vs_f32_ref": d32,
        "diff_vs_f64_ref": d64,
        "rel_diff_vs_f64_ref": d64 / max(scale, 1e-30),
        "ref_f32_vs_f64": floor,
    }


def run_java(java, jobs):
    args = []
    for model_dir, ids_file, out_file in jobs:
        args += [model_dir, ids_file, out_file]
    subprocess.run(shlex.split(java) + ["midtrain.bench.train.HfLogits"] + args, check=True)


def write_ids(path, ids):
    with open(path, "w") as f:
        for row in ids.tolist():
            f.write(",".join(map(str, row)) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--java", required=True, help="java command line up to the main class (with -cp)")
    ap.add_argument("--midtrain", required=True, help="the ./midtrain launcher")
    ap.add_argument("--seeds", default="1,2", help="seeds per case (comma-separated)")
    ap.add_argument("--std", type=float, default=0.3, help="weight std (large enough for peaked attention)")
    ap.add_argument("--model", action="append", default=[], help="also compare this model directory")
    ap.add_argument("--model-seq", type=int, default=SEQ, help="sequence length for --model directories")
    ap.add_argument("--only", default=None, help="run only cases whose name contains this")
    ap.add_argument("--work", default=None, help="work folder (default: a temporary one)")
    ap.add_argument("--json", default=None, help="write the results here too")
    a = ap.parse_args()
    torch.set_num_threads(1)
    work = a.work or tempfile.mkdtemp(prefix="hf_logits_")
    os.makedirs(work, exist_ok=True)
    seeds = [int(s) for s in a.seeds.split(",")]
    cases = {k: v for k, v in CASES.items() if a.only is None or a.only in k}

    jobs, meta = [], []
    for name, (cfg, seq) in cases.items():
        for seed in seeds:
            ids = token_ids(cfg["vocab_size"], seq, seed)
            # 1. midtrain writes the model (its CLI, from a config.json), the reference reads it.
            d = os.path.join(work, "mt-%s-%d" % (name, seed))
            shutil.rmtree(d, ignore_errors=True)  # init-model never overwrites a model
            cfg_file = d + ".config.json"
            with open(cfg_file, "w") as f:
                json.dump(cfg, f)
            subprocess.run(
                shlex.split(a.midtrain)
                + ["init-model", "--config", cfg_file, "--out", d, "--seed", str(seed), "--std", str(a.std)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            meta.append(("midtrain->hf " + name + " seed %d" % seed, d, ids))
            # 2. the reference writes the model in transformers' layout, midtrain reads it.
            weights = random_weights(cfg, seed, a.std)
            dtype = ["F32", "BF16", "F16"][seed % 3]
            shards = 1 + seed % 2
            d = os.path.join(work, "hf-%s-%d" % (name, seed))
            ref.write_checkpoint(d, dict(cfg, torch_dtype={"F32": "float32", "BF16": "bfloat16", "F16": "float16"}[dtype]),
                                 weights, dtype, shards)
            meta.append(("hf->midtrain %s seed %d %s shards=%d" % (name, seed, dtype, shards), d, ids))
    for i, model_dir in enumerate(a.model):
        cfg, _ = ref.read_checkpoint(model_dir)
        meta.append(("model " + model_dir, model_dir, token_ids(cfg["vocab_size"], a.model_seq, i)))
    for i, (label, d, ids) in enumerate(meta):
        ids_file = os.path.join(work, "ids-%d.txt" % i)
        write_ids(ids_file, ids)
        jobs.append((d, ids_file, os.path.join(work, "logits-%d.json" % i)))
    run_java(a.java, jobs)

    results = []
    for (label, d, ids), (_, _, out_file) in zip(meta, jobs):
        with open(out_file) as f:
            got = json.load(f)
        r = compare(label, d, ids, got)
        results.append(r)
        if "error" in r:
            print("FAIL %-60s %s" % (label, r["error"]))
        else:
            print(
                "%s %-60s max|logit| %7.3f  diff vs f32 ref %.2e  vs f64 ref %.2e (rel %.1e)  ref f32 vs f64 %.2e"
                % ("ok  " if r["ok"] else "FAIL", label, r["max_abs_logit"], r["diff_vs_f32_ref"],
                   r["diff_vs_f64_ref"], r["rel_diff_vs_f64_ref"], r["ref_f32_vs_f64"])
            )
    bad = [r for r in results if not r["ok"]]
    worst = max((r.get("rel_diff_vs_f64_ref", float("inf")) for r in results), default=0.0)
    print("%d cases, %d failed; largest relative difference %.2e (tolerance %.0e)" % (len(results), len(bad), worst, TOL))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
