"""An independent PyTorch reference of Hugging Face transformers' LlamaForCausalLM forward pass.

Written from a reading of transformers' `models/llama/modeling_llama.py` and `modeling_rope_utils.py`
(not from midtrain's code), for `hf_logits_check.py`. It needs only torch and numpy (Debian's
`python3-torch` 1.13 is enough): transformers and safetensors are not installable on these machines,
so the safetensors format is read and written here by hand.

What it follows, as transformers does:
  - RMSNorm in float32: x * rsqrt(mean(x^2) + rms_norm_eps), then times the weight;
  - rotary encoding in the rotate_half layout, cos/sin from inv_freq (float32) times the rope type's
    attention factor, applied to q and k; inv_freq per rope type (default, linear, dynamic, yarn,
    longrope, llama3), dynamic and longrope chosen by the sequence length (largest position + 1);
  - grouped-query attention (each key/value head serves num_attention_heads / num_key_value_heads
    consecutive query heads), scores scaled by head_dim^-0.5, causal mask, softmax in float32;
  - SwiGLU MLP: down(silu(gate(x)) * up(x)); pre-norm residual blocks; final norm; lm_head, or the
    embedding matrix when tie_word_embeddings is true;
  - for model_type "mistral", MistralForCausalLM's sliding window: a position attends to keys with
    kv_idx > q_idx - sliding_window (transformers' masking_utils), 4096 when the key is absent.

Run as a script it prints the float64 logits of one model for one row of token ids (JSON), the
values midtrain.train's tests hard-code:
    python3 hf_llama_ref.py MODEL_DIR 3,1,4,1,5
"""

import json
import math
import os
import struct

import numpy as np
import torch

# ---------------------------------------------------------------------------------------------
# safetensors: 8-byte little-endian header length, a JSON header (dtype, shape, data_offsets
# relative to the end of the header), then the raw little-endian data.

_NP = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    """Returns {name: float32 torch tensor}; F16 and BF16 are widened exactly."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = blob[base + start : base + end]
        dtype = info["dtype"]
        if dtype == "BF16":
            # bfloat16 is the top half of a float32: shifting it up 16 bits widens it exactly.
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=np.dtype(_NP[dtype]).newbyteorder("<")).astype(np.float32)
        out[name] = torch.from_numpy(arr.copy()).reshape(info["shape"])
    return out


def _to_bytes(t, dtype):
    a = t.detach().to(torch.float32).contiguous().numpy()
    if dtype == "F32":
        return a.astype("<f4").tobytes()
    if dtype == "F16":
        return a.astype("<f2").tobytes()
    if dtype == "BF16":
        # Round to nearest even on the dropped 16 bits (what torch's .to(bfloat16) does).
        bits = a.view(np.uint32).astype(np.uint64)
        rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
        return rounded.astype("<u2").tobytes()
    raise ValueError(dtype)


def round_to(t, dtype):
    """The float32 values a tensor has once stored as dtype and read back."""
    if dtype == "F32":
        return t.to(torch.float32)
    if dtype == "F16":
        return t.to(torch.float16).to(torch.float32)
    bits = np.frombuffer(_to_bytes(t, "BF16"), dtype="<u2").astype(np.uint32) << 16
    return torch.from_numpy(bits.view(np.float32).copy()).reshape(t.shape)


def write_safetensors(path, tensors, dtype="F32"):
    header = {"__metadata__": {"format": "pt"}}
    chunks = []
    offset = 0
    for name, t in tensors.items():
        b = _to_bytes(t, dtype)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)  # transformers pads the header to 8 bytes with spaces
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in chunks:
            f.write(b)


def write_checkpoint(dir_, config, tensors, dtype="F32", shards=1):
    os.makedirs(dir_, exist_ok=True)
    with open(os.path.join(dir_, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    if shards == 1:
        write_safetensors(os.path.join(dir_, "model.safetensors"), tensors, dtype)
        return
    names = list(tensors)
    per = math.ceil(len(names) / shards)
    weight_map = {}
    for s in range(shards):
        file = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        part = {n: tensors[n] for n in names[s * per : (s + 1) * per]}
        write_safetensors(os.path.join(dir_, file), part, dtype)
        weight_map.update({n: file for n in part})
    with open(os.path.join(dir_, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {}, "weight_map": weight_map}, f, indent=2)


def read_checkpoint(dir_):
    with open(os.path.join(dir_, "config.json")) as f:
        config = json.load(f)
    index = os.path.join(dir_, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for file in files:
        weights.update(read_safetensors(os.path.join(dir_, file)))
    return config, weights


# ---------------------------------------------------------------------------------------------
# Config defaults (transformers' LlamaConfig).


def head_dim(cfg):
    hd = cfg.get("head_dim")
    return hd if hd is not None else cfg["hidden_size"] // cfg["num_attention_heads"]


def kv_heads(cfg):
    kv = cfg.get("num_key_value_heads")
    return kv if kv is not None else cfg["num_attention_heads"]


def expected_shapes(cfg):
    h, hd = cfg["hidden_size"], head_dim(cfg)
    nh, nkv, ff, v = cfg["num_attention_heads"], kv_heads(cfg), cfg["intermediate_size"], cfg["vocab_size"]
    shapes = {"model.embed_tokens.weight": (v, h)}
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        shapes[p + "self_attn.q_proj.weight"] = (nh * hd, h)
        shapes[p + "self_attn.k_proj.weight"] = (nkv * hd, h)
        shapes[p + "self_attn.v_proj.weight"] = (nkv * hd, h)
        shapes[p + "self_attn.o_proj.weight"] = (h, nh * hd)
        shapes[p + "mlp.gate_proj.weight"] = (ff, h)
        shapes[p + "mlp.up_proj.weight"] = (ff, h)
        shapes[p + "mlp.down_proj.weight"] = (h, ff)
        shapes[p + "input_layernorm.weight"] = (h,)
        shapes[p + "post_attention_layernorm.weight"] = (h,)
    shapes["model.norm.weight"] = (h,)
    if not cfg.get("tie_word_embeddings", False):
        shapes["lm_head.weight"] = (v, h)
    return shapes


# ---------------------------------------------------------------------------------------------
# Rotary frequencies, per rope type, in float32 as transformers computes them.


def _exponents(dim):
    return torch.arange(0, dim, 2, dtype=torch.int64).float() / dim


def rope_params(cfg, seq_len):
    """Returns (inv_freq float32 [dim/2], attention_factor) for a forward over seq_len positions."""
    base = float(cfg.get("rope_theta", 10000.0))
    dim = int(head_dim(cfg) * cfg.get("partial_rotary_factor", 1.0))
    max_pos = cfg.get("max_position_embeddings", 2048)
    rs = cfg.get("rope_scaling") or {}
    rope_type = rs.get("rope_type", rs.get("type", "default"))
    inv = 1.0 / (base ** _exponents(dim))
    if rope_type == "default":
        return inv, 1.0
    if rope_type == "linear":
        return inv / rs["factor"], 1.0
    if rope_type == "dynamic":
        # The rotary module starts from the plain frequencies and recomputes them only once a
        # sequence outgrows max_position_embeddings; seq_len is a tensor there, so float32 math.
        if seq_len <= max_pos:
            return inv, 1.0
        factor = rs["factor"]
        n = torch.tensor(seq_len)
        new_base = base * ((factor * n / max_pos) - (factor - 1)) ** (dim / (dim - 2))
        return 1.0 / (new_base ** _exponents(dim)), 1.0
    if rope_type == "yarn":
        orig = rs.get("original_max_position_embeddings") or max_pos
        factor = rs.get("factor")
        if factor is None:
            factor = max_pos / orig

        def mscale(scale, m=1.0):
            return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0

        att = rs.get("attention_factor")
        if att is None:
            if rs.get("mscale") and rs.get("mscale_all_dim"):
                att = mscale(factor, rs["mscale"]) / mscale(factor, rs["mscale_all_dim"])
            else:
                att = mscale(factor)
        beta_fast = rs.get("beta_fast") or 32
        beta_slow = rs.get("beta_slow") or 1

        def correction_dim(rotations):
            return dim * math.log(orig / (rotations * 2 * math.pi)) / (2 * math.log(base))

        low, high = correction_dim(beta_fast), correction_dim(beta_slow)
        if rs.get("truncate", True):
            low, high = math.floor(low), math.ceil(high)
        low, high = max(low, 0), min(high, dim - 1)
        if low == high:
            high += 0.001
        ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low), 0, 1)
        keep = 1 - ramp  # share of the unscaled (extrapolated) frequency
        pos_freqs = base ** _exponents(dim)
        inv = (1.0 / (factor * pos_freqs)) * (1 - keep) + (1.0 / pos_freqs) * keep
        return inv, att
    if rope_type == "longrope":
        if "original_max_position_embeddings" in cfg:  # Phi-3: the ratio is the factor
            orig = cfg["original_max_position_embeddings"]
            factor = max_pos / orig
        else:
            orig = rs.get("original_max_position_embeddings") or max_pos
            factor = rs.get("factor") or max_pos / orig
        att = rs.get("attention_factor")
        if att is None:
            att = 1.0 if factor <= 1.0 else math.sqrt(1 + math.log(factor) / math.log(orig))
        ext = rs["long_factor"] if seq_len > orig else rs["short_factor"]
        ext = torch.tensor(ext, dtype=torch.float32)
        return 1.0 / (ext * base ** _exponents(dim)), att
    if rope_type == "llama3":
        factor, lo, hi = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > old / lo, inv / factor, inv)
        smooth = (old / wavelen - lo) / (hi - lo)
        blended = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < old / hi) * ~(wavelen > old / lo)
        return torch.where(medium, blended, scaled), 1.0
    raise ValueError("unknown rope type " + rope_type)


def sliding_window(cfg):
    """The Mistral attention window, or None (LlamaForCausalLM has no window)."""
    if cfg.get("model_type") != "mistral":
        return None
    return cfg.get("sliding_window", 4096)  # MistralConfig's default; null turns it off


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


# ---------------------------------------------------------------------------------------------
# The forward pass.


def rms_norm(x, w, eps):
    # transformers normalizes in float32 (from bf16/f16 too); a float64 run stays in float64.
    xf = x.to(torch.promote_types(x.dtype, torch.float32))
    xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    return w * xf.to(x.dtype)


def logits(cfg, weights, ids, dtype=torch.float32):
    """Next-token logits [batch, seq, vocab] for token ids [batch, seq], computed in dtype."""
    if cfg.get("hidden_act", "silu") not in ("silu", "swish"):  # both are SiLU in ACT2FN
        raise ValueError("hidden_act " + cfg["hidden_act"])
    if cfg.get("attention_bias") or cfg.get("mlp_bias"):
        raise ValueError("biases are not modelled")
    W = {k: v.to(dtype) for k, v in weights.items()}
    ids = torch.as_tensor(ids, dtype=torch.int64)
    b, s = ids.shape
    nh, nkv, hd = cfg["num_attention_heads"], kv_heads(cfg), head_dim(cfg)
    eps = cfg.get("rms_norm_eps", 1e-6)

    inv, att = rope_params(cfg, s)
    pos = torch.arange(s, dtype=torch.float32)
    angles = pos[:, None] * inv.to(torch.float32)[None, :]  # float32 like transformers
    emb = torch.cat((angles, angles), dim=-1)
    cos = (emb.cos() * att).to(dtype)[None, None]
    sin = (emb.sin() * att).to(dtype)[None, None]
    causal = torch.full((s, s), float("-inf"), dtype=dtype).triu(1)
    window = sliding_window(cfg)
    if window is not None:
        q_idx = torch.arange(s)[:, None]
        kv_idx = torch.arange(s)[None, :]
        causal = causal.masked_fill(~(kv_idx > q_idx - window), float("-inf"))

    x = W["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        h = rms_norm(x, W[p + "input_layernorm.weight"], eps)
        q = (h @ W[p + "self_attn.q_proj.weight"].T).view(b, s, nh, hd).transpose(1, 2)
        k = (h @ W[p + "self_attn.k_proj.weight"].T).view(b, s, nkv, hd).transpose(1, 2)
        v = (h @ W[p + "self_attn.v_proj.weight"].T).view(b, s, nkv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(nh // nkv, dim=1)
        v = v.repeat_interleave(nh // nkv, dim=1)
        scores = (q @ k.transpose(2, 3)) * hd**-0.5 + causal
        # transformers' softmax runs in float32; a float64 run stays in float64 (an exact reference).
        probs = torch.softmax(scores, dim=-1, dtype=torch.promote_types(dtype, torch.float32)).to(dtype)
        a = (probs @ v).transpose(1, 2).reshape(b, s, nh * hd)
        x = x + a @ W[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, W[p + "post_attention_layernorm.weight"], eps)
        gate = h @ W[p + "mlp.gate_proj.weight"].T
        up = h @ W[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ W[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else W["lm_head.weight"]
    return x @ head.T


if __name__ == "__main__":
    import sys

    config, weights = read_checkpoint(sys.argv[1])
    row = [int(t) for t in sys.argv[2].split(",")]
    out = logits(config, weights, [row], torch.float64)[0]
    print(json.dumps([[float(v) for v in r] for r in out.tolist()]))
