"""Checks the gamma of `sorot agree` against the pygamma-agreement package.

Usage: python3 tests/peers/check_gamma.py PATH/TO/sorot
Needs: pip install pygamma-agreement (0.5.9; numba, cvxpy, cvxopt, pyannote.core)

Builds a small project (texts with a curly quote, an emoji and CRLF line
ends, so that offsets in code points matter; three annotators, one of whom
leaves a document out; nested spans, a duplicated span, a label nobody
uses) and runs `sorot agree --format json` on it. For every pair, label
(positional dissimilarity) and all labels (combined dissimilarity), on the
pair's corpus continuum (the documents both annotated laid end to end, each
followed by a gap one code point longer than the pair's longest span) and
on every document's own continuum:

- the best-alignment disorder equals pygamma-agreement's to 1e-9.
  pygamma-agreement computes dissimilarities in float32 while solving; its
  best alignment's disorder is summed again here in float64 from its own
  dissimilarity functions (`d`, in float64 once delta-empty is a Python
  float), and its float32 figure must be within 1e-5 too.
- over the corpus, Sorot's chance disorder is within the sampling tolerance
  of pygamma-agreement's: both are means of 30 sampled continua drawn from
  the same statistics by different random generators, so their difference
  has a standard error of about sqrt(2) * s / sqrt(30), with s the standard
  deviation of pygamma-agreement's 30 sample disorders. The tolerance is 4
  such standard errors (a false alarm about once in 16,000 figures, were the
  seeds not fixed); gamma's follows, |Δγ| <= observed * tolerance /
  (expected ours * expected theirs).
- per document, gamma is 1 - the document's observed disorder / the corpus's
  chance disorder.
Undefined figures are null with a reason. Prints one line per continuum.
"""

import hashlib
import json
import logging
import os
import random
import subprocess
import sys
import tempfile

import cvxopt.glpk
import numpy as np
import pygamma_agreement as pa
from pyannote.core import Segment

SOROT = os.path.abspath(sys.argv[1])
LABELS = ["actor", "location", "date", "claim", "event"]
SCHEMA = """(
    texts: "texts",
    annotations: "annotations",
    schema: (
        labels: [
            (name: "actor"),
            (name: "location"),
            (name: "date"),
            (name: "claim"),
            (name: "event"),
        ],
    ),
)
"""
# Lines of text; documents join some of them with CRLF or LF.
SENTENCES = [
    "Presiden Jokowi tiba di Moskwa pada Rabu (13/9/2023).",
    "“Kerja sama akan tumbuh,” kata Putin 😊 kepada wartawan.",
    "Menurut KCNA, Kim Jong Un’s kunjungan berlangsung lima hari.",
    "Menteri Retno Marsudi bertemu Sergei Lavrov di Jakarta pada Kamis.",
    "Pyongyang ’menolak’ tuduhan itu 🙂 dan menyebutnya fitnah.",
    "Warga Surabaya merayakan Hari Pahlawan 10 November 2023.",
    "Kata juru bicara: “Kami tidak akan mundur” — tegasnya di Bandung.",
]


def ron_string(s):
    return json.dumps(s, ensure_ascii=False)


def words(text):
    """(start, end) of each run of letters, digits and marks, in code points."""
    out, start = [], None
    for i, ch in enumerate(text + " "):
        inside = ch.isalnum() or ch in "’/()"
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            out.append((start, i))
            start = None
    return out


def make_documents(rng):
    docs = {}
    for n in range(5):
        lines = rng.sample(SENTENCES, 3)
        end = "\r\n" if n % 2 == 0 else "\n"
        docs[f"doc-{n}.txt"] = end.join(lines) + end
    return docs


def reference_spans(rng, text):
    """Spans a careful annotator would mark: runs of 1 to 4 words, some nested."""
    ws = words(text)
    spans = []
    i = 0
    while i < len(ws):
        if rng.random() < 0.45:
            k = min(len(ws) - i, rng.choice([1, 1, 2, 3, 4]))
            spans.append((ws[i][0], ws[i + k - 1][1], rng.choice(LABELS[:4])))
            if k >= 3 and rng.random() < 0.5:
                spans.append((ws[i][0], ws[i][1], "actor"))
            i += k
        else:
            i += 1
    return spans


def annotate(rng, text, spans):
    """One annotator's version: some spans dropped, moved, relabeled or added."""
    out = []
    for start, end, label in spans:
        r = rng.random()
        if r < 0.1:
            continue
        if r < 0.3:
            start = max(0, min(end - 1, start + rng.choice([-2, -1, 1, 2])))
            end = min(len(text), max(start + 1, end + rng.choice([-3, -1, 1, 2])))
        if rng.random() < 0.1:
            label = rng.choice(LABELS[:4])
        out.append((start, end, label))
    ws = words(text)
    for _ in range(rng.choice([0, 1, 2])):
        s, e = rng.choice(ws)
        out.append((s, e, rng.choice(LABELS[:4])))
    return out


def write_project(root):
    rng = random.Random(20150901)
    docs = make_documents(rng)
    os.makedirs(os.path.join(root, "texts"))
    with open(os.path.join(root, "sorot.ron"), "w", encoding="utf-8") as f:
        f.write(SCHEMA)
    annotations = {}
    for doc, text in docs.items():
        with open(os.path.join(root, "texts", doc), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        reference = reference_spans(rng, text)
        for annotator in ["ayu", "budi", "citra"]:
            if annotator == "citra" and doc == "doc-1.txt":
                continue  # citra left this one out
            spans = annotate(rng, text, reference)
            if annotator == "budi" and doc == "doc-0.txt" and spans:
                spans.append(spans[0])  # the same span twice is one unit
            annotations.setdefault(annotator, {})[doc] = spans
            write_annotations(root, annotator, doc, text, spans)
    return docs, annotations


def write_annotations(root, annotator, doc, text, spans):
    folder = os.path.join(root, "annotations", annotator)
    os.makedirs(folder, exist_ok=True)
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
    lines = [
        "(",
        "    format_version: 2,",
        f"    source: {ron_string('texts/' + doc)},",
        f'    fingerprint: "sha256:{fingerprint}",',
        "    offset_unit: CodePoint,",
        f"    annotator: {ron_string(annotator)},",
        "    status: Done,",
        "    spans: [",
    ]
    for n, (start, end, label) in enumerate(spans, 1):
        lines.append(
            f"        (id: {n}, start: {start}, end: {end}, label: {ron_string(label)}, text: {ron_string(text[start:end])}),"
        )
    lines += ["    ],", ")", ""]
    with open(os.path.join(folder, doc + ".ron"), "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines))


def continuum(pair, parts, label):
    """pygamma-agreement's continuum of `pair` from (offset, spans of a, spans of b)."""
    c = pa.Continuum()
    for annotator in pair:
        c.add_annotator(annotator)
    for offset, sides in parts:
        for annotator, spans in zip(pair, sides):
            for start, end, l in spans:
                if l in LABELS and (label is None or l == label):
                    c.add(annotator, Segment(offset + start, offset + end), l)
    return c


def dissimilarities():
    """pygamma-agreement's defaults, positional and combined (each compiled once)."""
    positional = pa.PositionalSporadicDissimilarity()
    combined = pa.CombinedCategoricalDissimilarity()
    # The compiled functions the solver uses keep their float32; d() computes
    # in float64 once delta-empty is a Python float.
    for d in (positional, combined, combined.positional_dissim, combined.categorical_dissim):
        d.delta_empty = 1.0
    return positional, combined


def disorder64(alignment, d):
    """The disorder of pygamma-agreement's alignment, summed in float64."""
    total = 0.0
    for unitary in alignment:
        (_, u), (_, v) = unitary.n_tuple
        total += d.d(u, v) if u is not None and v is not None else d.delta_empty
    return total / alignment.avg_num_annotations_per_annotator


def close(ours, theirs, tolerance, what):
    assert ours is not None and abs(ours - theirs) <= tolerance, (what, ours, theirs, tolerance)


def main():
    with tempfile.TemporaryDirectory() as root:
        docs, annotations = write_project(root)
        report = json.loads(
            subprocess.run([SOROT, "agree", root, "--format", "json"], check=True, capture_output=True, text=True).stdout
        )
    # pygamma-agreement warns, on every alignment, that it solves with GLPK;
    # GLPK itself talks unless told not to.
    logging.getLogger().setLevel(logging.ERROR)
    cvxopt.glpk.options["msg_lev"] = "GLP_MSG_OFF"
    checked = 0
    positional, combined = dissimilarities()
    for pair in report["pairs"]:
        a, b = pair["a"], pair["b"]
        shared = [d for d in sorted(docs) if d in annotations[a] and d in annotations[b]]
        assert pair["documents"] == len(shared)
        longest = max(e - s for d in shared for who in (a, b) for s, e, l in annotations[who][d] if l in LABELS)
        parts, offset = [], 0
        for d in shared:
            parts.append((offset, (annotations[a][d], annotations[b][d])))
            offset += len(docs[d]) + longest + 1
        for label in LABELS + [None]:
            ours = pair if label is None else pair["labels"][label]
            reason = pair.get("gamma_undefined") if label is None else ours.get("undefined", {}).get("gamma")
            name = f"{a}/{b} {label or 'all labels'}"
            c = continuum((a, b), parts, label)
            if not c:
                assert ours["gamma"] is None and reason, (name, ours)
                print(f"{name}: no unit; null ({reason})")
                continue
            d = combined if label is None else positional
            np.random.seed(2015)
            result = c.compute_gamma(d)
            observed = disorder64(result.best_alignment, d)
            close(ours["gamma_disorder"]["observed"], observed, 1e-9, name + " observed disorder")
            close(ours["gamma_disorder"]["observed"], float(result.observed_disorder), 1e-5, name + " float32")
            chance = np.array([float(x.disorder) for x in result.chance_alignments])
            se = np.std(chance, ddof=1) / np.sqrt(len(chance))
            tolerance = 4 * np.sqrt(2) * se
            expected = ours["gamma_disorder"]["expected"]
            close(expected, chance.mean(), tolerance, name + " chance disorder")
            theirs = 1.0 if observed == 0 else 1 - observed / chance.mean()
            close(ours["gamma"], theirs, observed * tolerance / (expected * chance.mean()) + 1e-12, name + " gamma")
            checked += 1
            print(
                f"{name}: observed {observed:.6f} equal; chance {expected:.4f} vs {chance.mean():.4f} "
                f"(tolerance {tolerance:.4f}); gamma {ours['gamma']:.4f} vs {theirs:.4f}"
            )
            # Each document's own continuum, against the corpus's chance.
            for d_id in shared:
                per_doc = [p for p in report["per_document"][d_id]["pairs"] if (p["a"], p["b"]) == (a, b)][0]
                mine = per_doc if label is None else per_doc["labels"][label]
                one = continuum((a, b), [(0, (annotations[a][d_id], annotations[b][d_id]))], label)
                if not one:
                    assert mine["gamma"] is None and mine["gamma_disorder"]["observed"] is None, (name, d_id)
                    continue
                observed_doc = disorder64(one.get_best_alignment(d), d)
                close(mine["gamma_disorder"]["observed"], observed_doc, 1e-9, f"{name} {d_id} observed disorder")
                assert mine["gamma_disorder"]["expected"] == expected, (name, d_id)
                close(mine["gamma"], 1.0 if observed_doc == 0 else 1 - observed_doc / expected, 1e-9, f"{name} {d_id}")
                checked += 1
    print(f"{checked} gamma figures checked against pygamma-agreement")


if __name__ == "__main__":
    main()
