#!/usr/bin/env python3
"""Seeded web-like JSONL corpus for the rule raters' benchmark and differential test.

Documents mix blocks of good prose, navigation boilerplate, cookie/policy lines, repeated lines,
bullet lists, ellipsis teasers, code with braces, lorem ipsum, hashtags, Wikipedia citations,
tables of numbers and non-English words (accents, Cyrillic, CJK, emoji outside the BMP), with
\\n, \\r\\n, blank lines and odd whitespace, so that every rule fires on some documents and many
documents pass.

    python3 gen_web_corpus.py OUT.jsonl SIZE_MB [SEED] [--max-blocks N] [--docs N] [--max-paras N]

SIZE_MB may be fractional; --docs N stops after N documents instead; --max-paras N (default 5)
bounds the paragraphs of a prose block.
"""
import json
import random
import sys

WORDS = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which"
    " but have an they you were her she there been one all we their has would when if so no what"
    " about more will up out can time some other into them only new these two may first then do"
    " any like my now over such our man me even most made after also did many before must through"
    " years where much your way well down should because each just those people how too little"
    " state good very make world still own see men work long get here between both life being under"
    " never day same another know while last might us great old year off come since against go came"
    " right used take three himself few house use during without again place american around however"
    " home small found thought went say part once general high upon school every does got united left"
    " number course war until always away something fact though water less public put thing almost"
    " hand enough far took head yet government system better set told nothing night end why called"
    " didn't eyes find going look asked later knew point next program city business give group toward"
    " young days let room president side social present given several order national possible rather"
    " second face per among form important often things looked early white case john become large big"
    " need four within felt along children saw best church ever least power development light"
    " understanding experimental photosynthesis infrastructure characteristically"
).split()
FOREIGN = (
    "café naïve über straße déjà où garçon señor año niño façade crème brûlée "
    "привет мир данные модель обучение текст 数据 模型 训练 文本 東京 日本語 안녕하세요 "
    "Ελλάδα καλημέρα ﬁnance Ångström 🙂 😀 🚀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 İstanbul"
).split()
NAV = ["Home", "About", "Contact", "Blog", "Shop", "Login", "Sign up", "FAQ", "Careers", "Press"]
POLICY = [
    "By using this site you agree to our Terms of Use.",
    "Read our Privacy Policy and Cookie Policy.",
    "This website uses cookies to improve your experience.",
    "We use cookies to personalise content and ads.",
    "Please enable JavaScript to view the comments.",
    "JavaScript is disabled in your browser.",
    "Copyright 2024 Example Corp. All rights reserved.",
]
SPACES = [" ", " ", " ", " ", " ", "  ", "\t", "\u00a0", "\u3000"]


def sentence(rng, foreign=0.0, citations=False):
    n = rng.randint(4, 22)
    words = []
    for _ in range(n):
        if rng.random() < foreign:
            words.append(rng.choice(FOREIGN))
        else:
            words.append(rng.choice(WORDS))
    if rng.random() < 0.1:
        words[rng.randrange(n)] += rng.choice([",", ";", ":"])
    if rng.random() < 0.05:
        words.insert(rng.randrange(n), f"{rng.randint(1, 9999)}")
    if rng.random() < 0.04:
        words.insert(rng.randrange(n), "#" + rng.choice(WORDS))
    s = rng.choice(SPACES[:5]).join(words)
    s = s[0].upper() + s[1:]
    end = rng.choices([".", "!", "?", '."', ".'", "...", "…", ""], [70, 5, 8, 3, 2, 4, 2, 6])[0]
    s += end
    if citations and rng.random() < 0.3:
        s += rng.choice(["[1]", "[12]", "[edit]", "[citation needed]", "[note]", "[]"])
    return s


MAX_PARAS = [5]


def prose(rng, foreign=0.0):
    paras = []
    for _ in range(rng.randint(1, MAX_PARAS[0])):
        lines = []
        for _ in range(rng.randint(1, 4)):
            lines.append(" ".join(sentence(rng, foreign, True) for _ in range(rng.randint(1, 4))))
        paras.append("\n".join(lines))
    return "\n\n".join(paras)


def block(rng):
    kind = rng.choices(
        ["prose", "foreign", "nav", "policy", "repeat", "bullets", "ellipsis", "code", "lorem", "table", "hashtags",
         "template", "terse", "echo"],
        [40, 6, 6, 5, 6, 6, 4, 3, 2, 3, 2, 2, 2, 3],
    )[0]
    if kind == "prose":
        return prose(rng)
    if kind == "foreign":
        return prose(rng, foreign=rng.choice([0.3, 0.8]))
    if kind == "nav":
        return "\n".join(rng.sample(NAV, rng.randint(3, len(NAV))))
    if kind == "policy":
        return "\n".join(rng.sample(POLICY, rng.randint(1, 4)))
    if kind == "repeat":
        line = sentence(rng)
        return "\n".join(line if rng.random() < 0.7 else sentence(rng) for _ in range(rng.randint(3, 12)))
    if kind == "bullets":
        mark = rng.choice(["• ", "- ", "  • ", "* ", "1. "])
        return "\n".join(mark + sentence(rng) for _ in range(rng.randint(3, 10)))
    if kind == "ellipsis":
        return "\n".join(sentence(rng)[:-1] + rng.choice(["...", "…", " ...", "... "]) for _ in range(rng.randint(2, 8)))
    if kind == "code":
        name = rng.choice(WORDS)
        return (
            f"function {name}(x) {{\n  if (x > {rng.randint(0, 99)}) {{ return x; }}\n  return {name}(x + 1);\n}}\n"
            f"var config = {{ \"key\": \"{rng.choice(WORDS)}\" }};"
        )
    if kind == "lorem":
        return rng.choice(["Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "LOREM IPSUM dolor sit amet sed do eiusmod tempor."]) + " " + sentence(rng)
    if kind == "table":
        return "\n".join(" | ".join(str(rng.randint(0, 999)) for _ in range(5)) for _ in range(rng.randint(3, 10)))
    if kind == "template":
        return f"Dear {{name}}, the {rng.choice(WORDS)} of your {rng.choice(WORDS)} order {{id}} is ready."
    if kind == "terse":
        long_words = [w for w in WORDS if len(w) > 9]
        return "\n".join(" ".join(rng.choices(long_words, k=rng.randint(2, 3))) + "." for _ in range(rng.randint(4, 12)))
    if kind == "echo":
        s = sentence(rng)
        return " ".join([s] * rng.randint(2, 4)) + " " + sentence(rng)
    return " ".join("#" + rng.choice(WORDS) for _ in range(rng.randint(3, 40)))


def document(rng, max_blocks):
    kind = rng.random()
    if kind < 0.06:
        return sentence(rng)  # short doc
    if kind < 0.08:
        return rng.choice(["", "\n", " ", "...", "#", "\n\n\n", "a\r\nb\rc\x0bd\x1ce\u2028f\x85g"])
    blocks = [block(rng) for _ in range(rng.randint(1, max_blocks))]
    if rng.random() < 0.1:
        blocks = blocks + blocks[: rng.randint(1, len(blocks))]  # repeated paragraphs
    sep = rng.choices(["\n\n", "\n", "\n\n\n", "\r\n\r\n"], [60, 25, 10, 5])[0]
    text = sep.join(blocks)
    if rng.random() < 0.05:
        text = " \n" + text + "\n \t"
    if rng.random() < 0.02:
        text = text.replace("k", "\u212a", 3)  # Kelvin sign lower-cases to k
    return text


def main():
    args, opts, argv = [], {}, sys.argv[1:]
    while argv:
        a = argv.pop(0)
        if a.startswith("--"):
            opts[a] = argv.pop(0)
        else:
            args.append(a)
    out, size_mb = args[0], float(args[1])
    seed = int(args[2]) if len(args) > 2 else 42
    max_blocks = int(opts.get("--max-blocks", 8))
    max_docs = int(opts.get("--docs", 0))
    MAX_PARAS[0] = int(opts.get("--max-paras", 5))
    rng = random.Random(seed)
    limit = int(size_mb * 1e6)
    written = docs = 0
    with open(out, "w", encoding="utf-8") as f:
        while written < limit and (not max_docs or docs < max_docs):
            line = json.dumps({"id": f"doc-{docs}", "text": document(rng, max_blocks)}, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            docs += 1
    print(f"wrote {docs} documents, {written / 1e6:.1f} MB to {out}")


if __name__ == "__main__":
    main()
