#!/usr/bin/env python3
"""Straightforward Python rule raters: the baseline for midtrain's gopher-quality,
gopher-repetition, c4 and fineweb raters, and the oracle of their differential test.

Written the way datatrove writes its GopherQualityFilter, GopherRepetitionFilter, C4QualityFilter
and FineWebQualityFilter (pure standard library, one json.loads per line, str methods, sets and
Counters), with midtrain's documented definitions where datatrove calls NLTK:

- tokens are text.split(); a token's word is token.strip(PUNCTUATION) (datatrove's punctuation);
- a C4 sentence ends at [.!?]+ plus closing quotes/brackets before whitespace or the line end;
- every metric is computed (no early exit) and a ratio with a zero denominator is 0;
- rules compare float32(metric) with float32(threshold), as midtrain compares its float32 columns.

    python3 rules_baseline.py IN.jsonl OUT.jsonl    (OUT "-" for none; prints MB/s and docs/s)

OUT starts with {"outputs": {rater: [output names]}}, then one line per document:
{"id": ..., "<rater>": [values in output order, pass last], ..., "verdicts": [reason per rater]}.
MB/s counts the UTF-8 bytes of the text fields; it is given with and without JSON parsing.
"""
import json
import re
import struct
import sys
import time
from collections import Counter

PUNCTUATION = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»" + "".join(
    map(chr, (x for a, b in ((0, 9), (11, 13), (13, 32), (127, 160)) for x in range(a, b)))
)
STOP_WORDS = {"the", "be", "to", "of", "and", "that", "have", "with"}
CITATION_REGEX = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")
END_PUNCTUATION = (".", "?", "!", '"', "'")
POLICY_SUBSTRINGS = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"]
PARAGRAPH_SPLIT = re.compile(r"\n{2,}")
LINE_SPLIT = re.compile("\n+")


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def ratio(a, b):
    return a / b if b else 0.0


def first_failure(values, rules):
    """rules: (metric, op, threshold, reason) in order; returns the first failing reason or ""."""
    for metric, op, threshold, reason in rules:
        v, t = f32(values[metric]), f32(threshold)
        failed = {
            "<": v < t,
            ">": v > t,
            ">=": v >= t,
            "<=": v <= t,
            "<=!0": v <= t and v != 0,
        }[op]
        if failed:
            return reason
    return ""


def gopher_quality(text):
    words = text.split()
    n_words = len(words)
    stripped = [w.strip(PUNCTUATION) for w in words]
    non_symbol_words = [w for w in stripped if w]
    lines = text.splitlines()
    m = {
        "n_words": len(non_symbol_words),
        "avg_word_length": ratio(sum(len(w) for w in non_symbol_words), len(non_symbol_words)),
        "hash_ratio": ratio(text.count("#"), n_words),
        "ellipsis_ratio": ratio(text.count("...") + text.count("…"), n_words),
        "bullet_lines_ratio": ratio(
            sum(s.lstrip().startswith("•") or s.lstrip().startswith("-") for s in lines), len(lines)
        ),
        "end_ellipsis_lines_ratio": ratio(
            sum(s.rstrip().endswith("...") or s.rstrip().endswith("…") for s in lines), len(lines)
        ),
        "alpha_words_ratio": ratio(sum(any(c.isalpha() for c in w) for w in words), n_words),
        "stop_words": sum(w in STOP_WORDS for w in stripped),
    }
    verdict = first_failure(
        m,
        [
            ("n_words", "<", 50, "gopher_short_doc"),
            ("n_words", ">", 100000, "gopher_long_doc"),
            ("avg_word_length", "<", 3, "gopher_below_avg_threshold"),
            ("avg_word_length", ">", 10, "gopher_above_avg_threshold"),
            ("hash_ratio", ">", 0.1, "gopher_too_many_hashes"),
            ("ellipsis_ratio", ">", 0.1, "gopher_too_many_ellipsis"),
            ("bullet_lines_ratio", ">", 0.9, "gopher_too_many_bullets"),
            ("end_ellipsis_lines_ratio", ">", 0.3, "gopher_too_many_end_ellipsis"),
            ("alpha_words_ratio", "<", 0.8, "gopher_below_alpha_threshold"),
            ("stop_words", "<", 2, "gopher_enough_stop_words"),
        ],
    )
    return m, verdict


def find_duplicates(x):
    unique_x = set()
    duplicate_chars = 0
    duplicate_elements = 0
    for element in x:
        if element in unique_x:
            duplicate_chars += len(element)
            duplicate_elements += 1
        else:
            unique_x.add(element)
    return duplicate_elements, duplicate_chars


def find_top_duplicate(n_grams):
    top_n_gram = Counter(n_grams).most_common(1)[0]
    return len(top_n_gram[0]) * top_n_gram[1]


def find_all_duplicate(words, n):
    # n-grams are identified by their space-joined words; their length is that of the words joined
    # without spaces, as datatrove counts it.
    n_words = len(words)
    unique = set()
    repeated_chars, idx = 0, 0
    while idx < n_words - n + 1:
        n_gram = " ".join(words[idx : idx + n])
        if n_gram in unique:
            repeated_chars += len(n_gram) - (n - 1)
            idx += n
        else:
            unique.add(n_gram)
            idx += 1
    return repeated_chars


TOP_N_GRAMS = ((2, 0.2), (3, 0.18), (4, 0.16))
DUP_N_GRAMS = ((5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10))


def gopher_repetition(text):
    m = {}
    paragraphs = PARAGRAPH_SPLIT.split(text.strip())
    dups, chars = find_duplicates(paragraphs)
    m["dup_para_frac"] = dups / len(paragraphs)
    m["dup_para_char_frac"] = ratio(chars, len(text))
    lines = LINE_SPLIT.split(text)
    dups, chars = find_duplicates(lines)
    m["dup_line_frac"] = dups / len(lines)
    m["dup_line_char_frac"] = ratio(chars, len(text))
    words = text.split()
    rules = [
        ("dup_para_frac", ">", 0.3, "dup_para_frac"),
        ("dup_para_char_frac", ">", 0.2, "dup_para_char_frac"),
        ("dup_line_frac", ">", 0.3, "dup_line_frac"),
        ("dup_line_char_frac", ">", 0.2, "dup_line_char_frac"),
    ]
    for n, frac in TOP_N_GRAMS:
        n_grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        m[f"top_{n}_gram_frac"] = ratio(find_top_duplicate(n_grams), len(text)) if n_grams else 0.0
        rules.append((f"top_{n}_gram_frac", ">", frac, f"top_{n}_gram"))
    for n, frac in DUP_N_GRAMS:
        m[f"dup_{n}_gram_frac"] = ratio(find_all_duplicate(words, n), len(text))
        rules.append((f"dup_{n}_gram_frac", ">", frac, f"duplicated_{n}_n_grams"))
    return m, first_failure(m, rules)


def c4(text):
    lines = text.splitlines()
    removed = 0
    num_sentences = 0
    drop = ""
    for line in lines:
        line = line.strip()
        words = line.split()
        if any(len(word) > 1000 for word in words):
            removed += 1
            continue
        line = CITATION_REGEX.sub("", line)
        if not line.endswith(END_PUNCTUATION) or line.endswith("..."):
            removed += 1
            continue
        if len(words) < 3:
            removed += 1
            continue
        line_l = line.lower()
        if "lorem ipsum" in line_l:
            removed += 1
            drop = drop or "lorem_ipsum"
            continue
        if "javascript" in line_l:
            removed += 1
            continue
        if "{" in line:
            removed += 1
            drop = drop or "curly_bracket"
            continue
        if any(p in line_l for p in POLICY_SUBSTRINGS):
            removed += 1
            continue
        num_sentences += max(1, len(SENTENCE_END.findall(line)))
    m = {
        "removed_line_frac": ratio(removed, len(lines)),
        "sentences": num_sentences,
        "lorem_ipsum": 1 if drop == "lorem_ipsum" else 0,
        "curly_bracket": 1 if drop == "curly_bracket" else 0,
    }
    verdict = first_failure(
        m,
        [
            ("lorem_ipsum", ">", 0, "lorem_ipsum"),
            ("curly_bracket", ">", 0, "curly_bracket"),
            ("sentences", "<", 5, "too_few_sentences"),
        ],
    )
    return m, verdict


def fineweb(text):
    stop_chars = (".", "'", '"', "!", "?")
    lines = text.split("\n")
    non_empty_lines = [line for line in lines if line.strip() != ""]
    m = {
        "line_punct_ratio": sum(1 for line in lines if line.endswith(stop_chars)) / len(lines),
        "short_line_ratio": sum(1 for line in lines if len(line) <= 30) / len(lines),
        "char_dup_ratio": ratio(find_duplicates(non_empty_lines)[1], len(text.replace("\n", ""))),
        "list_ratio": ratio(text.count("\n"), len(text.split())),
    }
    verdict = first_failure(
        m,
        [
            ("line_punct_ratio", "<=", 0.12, "line_punct_ratio"),
            ("short_line_ratio", ">=", 0.67, "short_line_ratio"),
            ("char_dup_ratio", ">=", 0.01, "char_dup_ratio"),
            ("list_ratio", ">", 0.3, "list_ratio"),
        ],
    )
    return m, verdict


RATERS = (("gopher-quality", gopher_quality), ("gopher-repetition", gopher_repetition), ("c4", c4), ("fineweb", fineweb))


def rate(text):
    """Returns {rater: (metrics dict, verdict)}."""
    return {name: rater(text) for name, rater in RATERS}


def compact(v):
    return v if isinstance(v, int) else float("%.9g" % v)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    out = None if dst == "-" else open(dst, "w", encoding="utf-8")
    docs = size = passed = 0
    rating = rating_cpu = 0.0
    t0 = time.perf_counter()
    with open(src, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            doc = json.loads(line)
            text = doc["text"]
            size += len(text.encode("utf-8"))
            r0, c0 = time.perf_counter(), time.thread_time()
            result = rate(text)
            rating += time.perf_counter() - r0
            rating_cpu += time.thread_time() - c0
            docs += 1
            passed += all(not v for _, v in result.values())
            if out:
                if docs == 1:
                    names = {name: list(m) + ["pass"] for name, (m, _) in result.items()}
                    out.write(json.dumps({"outputs": names}) + "\n")
                row = {"id": doc.get("id")}
                for name, (m, verdict) in result.items():
                    row[name] = [compact(v) for v in m.values()] + [0 if verdict else 1]
                row["verdicts"] = [verdict for _, verdict in result.values()]
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    dt = time.perf_counter() - t0
    if out:
        out.close()
    mb = size / 1e6
    print(
        f"python rules: {docs} docs ({passed} pass all four), {mb:.1f} MB of text;"
        f" rating only: {rating:.2f} s = {mb / rating:.3f} MB/s, {docs / rating:.1f} docs/s"
        f" (CPU time {rating_cpu:.2f} s = {mb / rating_cpu:.3f} MB/s, {docs / rating_cpu:.1f} docs/s);"
        f" with JSON parsing: {dt:.2f} s = {mb / dt:.3f} MB/s (1 thread)"
    )


if __name__ == "__main__":
    main()
