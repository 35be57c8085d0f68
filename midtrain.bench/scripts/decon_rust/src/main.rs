//! A straightforward Rust decontamination scan, std only, for comparison with midtrain's figures:
//! the same work as `decon_baseline.py` (janitor normalization, 13-grams as space-joined strings
//! in the standard `HashMap` with their item, the per-document counts and items of midtrain's
//! report mode, not written out), one thread.
//!
//!     decon_rust BENCH.jsonl CORPUS.jsonl [N] [--hashed]
//!
//! `--hashed` is the careful variant: lines read into one reused buffer, words normalized into
//! another, each word hashed once (FNV-1a), n-grams keyed by a 64-bit polynomial of their word hashes in the
//! standard `HashMap<u64, _>` (a 64-bit collision is taken as a hit, not verified).
//!
//! JSON: only what these files need (a top-level "text" string; benchmark items' "question" and
//! "answer" strings), decoded with escapes; no crates are reachable from this machine.
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::Instant;

const PUNCT: &[u8] = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// The string value of `"key":` in one JSON line, unescaped; None when absent.
fn field(line: &str, key: &str) -> Option<String> {
    let pat = format!("\"{}\":", key);
    let at = line.find(&pat)? + pat.len();
    let b = line.as_bytes();
    let mut i = at;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if i >= b.len() || b[i] != b'"' {
        return None;
    }
    i += 1;
    let mut out = String::new();
    let mut start = i;
    while i < b.len() {
        match b[i] {
            b'"' => {
                out.push_str(&line[start..i]);
                return Some(out);
            }
            b'\\' => {
                out.push_str(&line[start..i]);
                let c = b[i + 1];
                i += 2;
                match c {
                    b'n' => out.push('\n'),
                    b't' => out.push('\t'),
                    b'r' => out.push('\r'),
                    b'b' => out.push('\u{8}'),
                    b'f' => out.push('\u{c}'),
                    b'u' => {
                        let mut cp = u32::from_str_radix(&line[i..i + 4], 16).ok()?;
                        i += 4;
                        if (0xD800..0xDC00).contains(&cp) && line[i..].starts_with("\\u") {
                            let lo = u32::from_str_radix(&line[i + 2..i + 6], 16).ok()?;
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            i += 6;
                        }
                        out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                    }
                    other => out.push(other as char),
                }
                start = i;
            }
            _ => i += 1,
        }
    }
    None
}

fn normalize(text: &str) -> Vec<String> {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() && PUNCT.contains(&(c as u8)) {
            continue;
        }
        s.push(c.to_ascii_lowercase());
    }
    s.split_whitespace().map(str::to_owned).collect()
}

/// The janitor-normalized words of a text as word hashes (FNV-1a over their bytes), into `out`;
/// `buf` is reused. Only ASCII bytes are lower-cased or deleted, as the janitor does.
fn word_hashes(text: &str, buf: &mut Vec<u8>, out: &mut Vec<u64>) {
    buf.clear();
    out.clear();
    for &b in text.as_bytes() {
        if b < 0x80 && PUNCT.contains(&b) {
            continue;
        }
        buf.push(b.to_ascii_lowercase());
    }
    // Only ASCII bytes were removed, so the rest is still UTF-8.
    let s = std::str::from_utf8(buf).unwrap();
    for w in s.split_whitespace() {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in w.as_bytes() {
            h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
        out.push(h);
    }
}

/// Calls `f` with each benchmark item's line number and each of its texts that count.
fn items(path: &str, mut f: impl FnMut(usize, &str)) {
    for (item, line) in BufReader::new(File::open(path).unwrap())
        .lines()
        .enumerate()
    {
        let line = line.unwrap();
        for key in ["question", "answer"] {
            if let Some(t) = field(&line, key) {
                f(item, &t);
            }
        }
    }
}

/// The scan's counts and its closing line.
#[derive(Default)]
struct Totals {
    docs: u64,
    contaminated: u64,
    bytes: u64,
    overlaps: u64,
}

impl Totals {
    fn document(&mut self, overlaps: u64) {
        self.docs += 1;
        self.overlaps += overlaps;
        self.contaminated += (overlaps > 0) as u64;
    }

    fn print(&self, start: Instant) {
        let secs = start.elapsed().as_secs_f64();
        let mb = self.bytes as f64 / 1e6;
        println!(
            "scan: {} docs, {} contaminated, {} overlaps, {:.1} MB in {:.2} s = {:.2} MB/s",
            self.docs,
            self.contaminated,
            self.overlaps,
            mb,
            secs,
            mb / secs
        );
    }
}

const BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// Calls `f` with the 64-bit polynomial hash of every run of `n` word hashes.
fn ngram_hashes(w: &[u64], n: usize, mut f: impl FnMut(u64)) {
    if w.len() < n {
        return;
    }
    let top = (0..n - 1).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut g = w[..n]
        .iter()
        .fold(0u64, |g, &x| g.wrapping_mul(BASE).wrapping_add(x));
    f(g);
    for i in n..w.len() {
        g = g
            .wrapping_sub(w[i - n].wrapping_mul(top))
            .wrapping_mul(BASE)
            .wrapping_add(w[i]);
        f(g);
    }
}

fn hashed(args: &[String], n: usize) {
    let t0 = Instant::now();
    let mut index: HashMap<u64, usize> = HashMap::new();
    let (mut buf, mut words) = (Vec::new(), Vec::new());
    items(&args[1], |item, t| {
        word_hashes(t, &mut buf, &mut words);
        ngram_hashes(&words, n, |g| {
            index.entry(g).or_insert(item);
        });
    });
    println!(
        "index: {} distinct {}-grams (hashed), built in {:.2} s",
        index.len(),
        n,
        t0.elapsed().as_secs_f64()
    );
    let t1 = Instant::now();
    let mut totals = Totals::default();
    let mut seen: HashSet<u64> = HashSet::new();
    let mut items: HashSet<usize> = HashSet::new();
    let mut input = BufReader::with_capacity(1 << 20, File::open(&args[2]).unwrap());
    let mut raw = Vec::new();
    loop {
        raw.clear();
        if input.read_until(b'\n', &mut raw).unwrap() == 0 {
            break;
        }
        totals.bytes += raw.len() as u64;
        let Ok(line) = std::str::from_utf8(&raw) else {
            continue;
        };
        let Some(text) = field(line, "text") else {
            continue;
        };
        word_hashes(&text, &mut buf, &mut words);
        seen.clear();
        items.clear();
        let mut total = 0u64;
        ngram_hashes(&words, n, |g| {
            if let Some(item) = index.get(&g) {
                total += 1;
                seen.insert(g);
                items.insert(*item);
            }
        });
        totals.document(total);
        std::hint::black_box((seen.len(), items.len()));
    }
    totals.print(t1);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(3).map(|x| x.parse().unwrap()).unwrap_or(13);
    if args.iter().any(|a| a == "--hashed") {
        hashed(&args, n);
        return;
    }
    let t0 = Instant::now();
    let mut index: HashMap<String, usize> = HashMap::new();
    items(&args[1], |item, t| {
        for g in normalize(t).windows(n) {
            index.entry(g.join(" ")).or_insert(item);
        }
    });
    println!(
        "index: {} distinct {}-grams, built in {:.2} s",
        index.len(),
        n,
        t0.elapsed().as_secs_f64()
    );
    let t1 = Instant::now();
    let mut totals = Totals::default();
    let mut key = String::new();
    for line in BufReader::with_capacity(1 << 20, File::open(&args[2]).unwrap()).lines() {
        let line = line.unwrap();
        totals.bytes += line.len() as u64 + 1;
        let Some(text) = field(&line, "text") else {
            continue;
        };
        let w = normalize(&text);
        let mut seen: HashSet<&str> = HashSet::new();
        let mut items: HashSet<usize> = HashSet::new();
        let mut total = 0u64;
        for g in w.windows(n) {
            key.clear();
            for (k, word) in g.iter().enumerate() {
                if k > 0 {
                    key.push(' ');
                }
                key.push_str(word);
            }
            if let Some((hit, item)) = index.get_key_value(key.as_str()) {
                total += 1;
                seen.insert(hit.as_str());
                items.insert(*item);
            }
        }
        totals.document(total);
        std::hint::black_box((seen.len(), items.len()));
    }
    totals.print(t1);
}
