#!/usr/bin/env python3
"""Oracle of midtrain's text modifiers (pii, symbol-lines, c4-lines) and generator of the corpus
their differential test runs on.

Written from datatrove's formatters as they are: PIIFormatter's two regular expressions, its
replacements cycled in order and its public-IP check (ipaddress.ip_address(...).is_global);
SymbolLinesFormatter's regular expression over datatrove's PUNCTUATION; C4QualityFilter's line
steps, in its order. Where midtrain departs on purpose, this script follows midtrain, and says so:

- the replacement cycle restarts at the first replacement in each document (datatrove keeps one
  cycle across all the documents a worker sees, which makes the output depend on the order);
- C4 sentences end at [.!?]+ plus closing quotes/brackets before whitespace or the line end
  (datatrove asks NLTK's punkt), as midtrain's c4 rater counts them;
- citations count as replacements only in the lines c4-lines keeps;
- is_global follows CPython's current table (written out below), whatever Python runs this.

SymbolLinesFormatter is run as datatrove runs it; midtrain keeps a line that is only "\\r" (a
blank line of a CRLF text), which datatrove removes: such documents are marked "crlf_blank".

    python3 modify_baseline.py gen CORPUS.jsonl --docs 400 --seed 11
    python3 modify_baseline.py run CORPUS.jsonl EXPECTED.jsonl
"""
import argparse
import ipaddress
import json
import random
import re

PUNCTUATION = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»" + "".join(
    map(chr, (x for a, b in ((0, 9), (11, 13), (13, 32), (127, 160)) for x in range(a, b)))
)

EMAIL = re.compile(
    r"\b[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:(?:[A-Za-z0-9](?:["
    r"A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|\[(?:(?:25[0-5]|2[0-4][0-9]|["
    r"01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[A-Za-z0-9-]*[A-Za-z0-9]:)])"
)
IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)")
EMAILS = ("email@example.com", "firstname.lastname@example.org")
IPS = ("22.214.171.124", "126.96.36.199", "188.8.131.52", "184.108.40.206", "220.127.116.11", "18.104.22.168")

_puncts = "".join(map(re.escape, PUNCTUATION))
SYMBOL_LINES = re.compile(rf"(^(([{_puncts}]+[^\S\r\n]*)+\n?)+$((?<!\n)\n)?)", flags=re.MULTILINE)

CITATION_REGEX = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")
END_PUNCTUATION = (".", "?", "!", '"', "'")
ELLIPSIS = "..."
POLICY_SUBSTRINGS = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"]


def replace(regex, text, replacements, valid=None):
    state = {"i": 0, "n": 0}

    def one(m):
        if valid is not None and not valid(m.group(0)):
            return m.group(0)
        r = replacements[state["i"]]
        state["i"] = (state["i"] + 1) % len(replacements)
        state["n"] += 1
        return r

    return regex.sub(one, text), state["n"]


# ipaddress's table of IPv4 blocks that are not globally reachable, as CPython has it since the
# CVE-2024-4032 fix (3.13, 3.12.4, 3.11.10, ...): written out, so that the older table of the Python
# running this script (192.0.0.0/29 in place of 192.0.0.0/24, no exceptions) does not decide.
PRIVATE_V4 = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.0.0.170/31", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32")]
PRIVATE_V4_EXCEPTIONS = [ipaddress.ip_network("192.0.0.9/32"), ipaddress.ip_network("192.0.0.10/32")]
SHARED_V4 = ipaddress.ip_network("100.64.0.0/10")


def public_ip(ip):
    try:
        a = ipaddress.ip_address(ip)  # refuses leading zeros, as datatrove's validator
    except ValueError:
        return False
    private = any(a in n for n in PRIVATE_V4) and not any(a in n for n in PRIVATE_V4_EXCEPTIONS)
    return a not in SHARED_V4 and not private


def pii(text):
    text, a = replace(EMAIL, text, EMAILS)
    text, b = replace(IPV4, text, IPS, public_ip)
    return {"text": text, "replacements": a + b}


def symbol_lines(text):
    lines = sum(m.group(0).count("\n") + (0 if m.group(0).endswith("\n") else 1) for m in SYMBOL_LINES.finditer(text))
    return {"text": SYMBOL_LINES.sub("", text), "lines_removed": lines}


def c4_lines(text, min_num_sentences=5, min_words_per_line=3, max_word_length=1000, remove_citations=True):
    kept, removed, cut, sentences = [], 0, 0, 0
    for line in text.splitlines():
        line = line.strip()
        words = line.split()
        if max_word_length != -1 and any(len(w) > max_word_length for w in words):
            removed += 1
            continue
        n = 0
        if remove_citations:
            line, n = CITATION_REGEX.subn("", line)
        if not line.endswith(END_PUNCTUATION) or line.endswith(ELLIPSIS):
            removed += 1
            continue
        if len(words) < min_words_per_line:
            removed += 1
            continue
        low = line.lower()
        if "lorem ipsum" in low:
            return {"removed": "lorem_ipsum"}
        if "javascript" in low:
            removed += 1
            continue
        if "{" in line:
            return {"removed": "curly_bracket"}
        if any(p in low for p in POLICY_SUBSTRINGS):
            removed += 1
            continue
        sentences += max(1, len(SENTENCE_END.findall(line)))
        cut += n
        kept.append(line)
    if sentences < min_num_sentences:
        return {"removed": "too_few_sentences"}
    return {"text": "\n".join(kept).strip(), "lines_removed": removed, "replacements": cut}


LOOSE = {"min_num_sentences": 1, "min_words_per_line": 1, "max_word_length": 12, "remove_citations": False}


def run(corpus, expected):
    with open(corpus, encoding="utf-8") as f, open(expected, "w", encoding="utf-8") as out:
        for line in f:
            d = json.loads(line)
            t = d["text"]
            row = {
                "id": d["id"],
                "pii": pii(t),
                "symbol-lines": symbol_lines(t),
                "c4-lines": c4_lines(t),
                "c4-lines-loose": c4_lines(t, **LOOSE),
                "crlf_blank": bool(re.search(r"(?:^|\n)\r(?:\n|$)", t)),
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


WORDS = ("the data model train token shard Café naïve déjà 東京 привет señor über façade İstanbul "
         "Kelvin \u212aelvin 𝐀lpha 😀 ²nd ٣ x_y javascript JavaScript lorem ipsum Lorem Ipsum privacy "
         "policy cookie terms of use").split()


def rand_email(r):
    local = r.choice(["email", "first.last", "a+b", "_x_", "o'neil", "a..b", ".dot", "dot.", "#!", "x-y",
                      "NAME", "我", "𝐀bc", "e\u0301mail"])
    dom = r.choice(["example.com", "sub.example.co.jp", "example", "-bad.com", "ex-ample.org", "example..com",
                    "111.222.333.44444", "[123.123.123.123]", "[1.2.3.ab:]", "a.b-", "a.b.", "x.y.z.", "EXAMPLE.COM"])
    pre = r.choice(["", " ", "(", "<", "\"", "x", "𝐀", "²", "_", "-", ".", "@"])
    post = r.choice(["", " ", ")", ">", ".", ",", "-", "_", "@x.com"])
    return pre + local + "@" + dom + post


def rand_ip(r):
    kind = r.random()
    if kind < 0.3:
        parts = [r.randrange(256) for _ in range(4)]
    elif kind < 0.5:
        parts = r.choice([[10, 1, 2, 3], [192, 168, 0, 1], [172, 16, 5, 4], [127, 0, 0, 1], [100, 64, 3, 3],
                          [192, 0, 0, 9], [192, 0, 0, 10], [192, 0, 0, 11], [224, 0, 0, 1], [255, 255, 255, 255],
                          [0, 1, 2, 3], [198, 51, 100, 7], [203, 0, 113, 9], [169, 254, 1, 1], [240, 1, 1, 1]])
    else:
        parts = [r.choice([r.randrange(256), "0" + str(r.randrange(10)), 999, "00"]) for _ in range(4)]
    s = ".".join(map(str, parts))
    return r.choice(["", "v", "1", ".", " "]) + s + r.choice(["", ".", "5", " ", ".7"])


def rand_symbol_line(r):
    syms = [c for c in PUNCTUATION if c not in "\n"]
    n = r.randrange(1, 6)
    out = "".join(r.choice(syms + [" ", "\t", "\u3000", "\x0b"]) for _ in range(n))
    return r.choice(["", "", " "]) + r.choice(syms) + out


def rand_line(r):
    k = r.random()
    if k < 0.15:
        return rand_symbol_line(r)
    if k < 0.2:
        return r.choice(["", " ", "\t", "\r"])
    words = [r.choice(WORDS) for _ in range(r.randrange(1, 12))]
    for _ in range(r.randrange(0, 3)):
        words.insert(r.randrange(len(words) + 1), rand_email(r) if r.random() < 0.6 else rand_ip(r))
    if r.random() < 0.2:
        words.insert(r.randrange(len(words) + 1), r.choice(["[12]", "[edit]", "[citation needed]", "[]", "[٣]", "{x}"]))
    s = " ".join(words)
    return s + r.choice([".", ".", "!", "?", "...", "\"", "'", "", ":", ". ", ".)"])


def gen(path, docs, seed):
    r = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(docs):
            sep = r.choice(["\n", "\n", "\r\n", "\n\n"])
            lines = [rand_line(r) for _ in range(r.randrange(1, 14))]
            text = sep.join(lines) + r.choice(["", "\n", sep])
            out.write(json.dumps({"id": f"doc-{i}", "text": text}, ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("corpus")
    g.add_argument("--docs", type=int, default=400)
    g.add_argument("--seed", type=int, default=11)
    rr = sub.add_parser("run")
    rr.add_argument("corpus")
    rr.add_argument("expected")
    a = ap.parse_args()
    if a.cmd == "gen":
        gen(a.corpus, a.docs, a.seed)
    else:
        run(a.corpus, a.expected)


if __name__ == "__main__":
    main()
