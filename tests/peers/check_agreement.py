"""Checks `sorot agree` against scikit-learn and the krippendorff package.

Usage: python3 tests/peers/check_agreement.py PATH/TO/sorot
Needs: pip install scikit-learn krippendorff numpy

For every label, each annotator's token tags (B, I, O from the shared
tokenizer) are read from Sorot's Hugging Face export, one row per document.
Cohen's kappa of every pair (sklearn's cohen_kappa_score over the documents
both annotated) and Krippendorff's alpha (nominal, all annotators, a missing
file as missing) must equal what `sorot agree --format json` reports.
"""

import json
import os
import subprocess
import sys
import tempfile

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

SOROT = os.path.abspath(sys.argv[1])
PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def run(*args):
    return subprocess.run([SOROT, *args], check=True, capture_output=True, text=True).stdout


def main():
    report = json.loads(run("agree", PROJECT, "--format", "json"))
    annotators = report["annotators"]
    assert len(annotators) >= 2, "the sample has two annotators"
    labels = sorted(report["alpha"])
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for label in labels:
            tags = {}
            for annotator in annotators:
                out = os.path.join(tmp, f"{annotator}-{label}.jsonl")
                exported = subprocess.run(
                    [SOROT, "export", PROJECT, "--format", "hf", "--hf-unit", "document", "--labels", label,
                     "--annotator", annotator, "--annotated-only", "-o", out],
                    capture_output=True, text=True,
                )
                # Tags carry no notes or values; that is the only loss allowed.
                lost = [l for l in exported.stderr.splitlines() if ": " in l]
                assert exported.returncode == 0 or (
                    exported.returncode == 1 and all("notes, values and attributes" in l for l in lost)
                ), exported.stderr
                tags[annotator] = {json.loads(l)["id"]: json.loads(l)["ner_tags"] for l in open(out, encoding="utf-8")}
            for pair in report["pairs"]:
                a, b = pair["a"], pair["b"]
                docs = sorted(set(tags[a]) & set(tags[b]))
                ta = [t for d in docs for t in tags[a][d]]
                tb = [t for d in docs for t in tags[b][d]]
                ours = pair["labels"][label]["token_kappa"]
                theirs = cohen_kappa_score(ta, tb)
                assert ours is not None and abs(ours - theirs) < 1e-9, (label, a, b, ours, theirs)
                checked += 1
            docs = sorted(set().union(*[set(t) for t in tags.values()]))
            rows = []
            for annotator in annotators:
                row = []
                for d in docs:
                    length = len(next(t[d] for t in tags.values() if d in t))
                    row.extend(tags[annotator][d] if d in tags[annotator] else [np.nan] * length)
                rows.append(row)
            theirs = krippendorff.alpha(reliability_data=np.array(rows, dtype=float), level_of_measurement="nominal")
            ours = report["alpha"][label]
            assert ours is not None and abs(ours - theirs) < 1e-9, (label, ours, theirs)
            checked += 1
            print(f"{label}: kappa and alpha equal scikit-learn's and krippendorff's (alpha {ours:.4f})")
    print(f"{checked} figures checked")


if __name__ == "__main__":
    main()
