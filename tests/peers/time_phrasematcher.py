"""Times spaCy's PhraseMatcher doing what `sorot suggest --kind strings` does.

Usage: python3 tests/peers/time_phrasematcher.py PATH/TO/sorot PROJECT ANNOTATOR [RUNS]
Needs: pip install -r tests/peers/requirements.txt (spaCy; no model: a blank
Indonesian pipeline, whose tokenizer is all it uses)

A timing script, run by hand (docs/BENCHMARKS.md has its figures), not a
check: CI does not run it.

The texts and ANNOTATOR's spans come from Sorot's own spaCy export of
PROJECT (untimed). The lexicon is Sorot's: every text ANNOTATOR labeled, with
the label used most for it (ties by name), over the project's gazetteer.tsv
when there is one. A PhraseMatcher (ORTH, case-sensitive, as Sorot matches)
gets each text as a pattern of its label, tokenized by the same tokenizer.

Timed, RUNS times (default 3): tokenizing every text and matching it, each
match turned into character offsets and a label, as Sorot's suggestions
are. Printed: wall and CPU time of each run, the medians, and how many
matches. spaCy matches tokens, Sorot whole words of characters, so spaCy
also matches lexicon texts that are not whole words ("." ending a sentence,
",”" after a word, "/2023" in "13/9/2023"); it also keeps overlapping
matches of one label, where Sorot keeps the leftmost, then longest.
"""

import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import spacy
from spacy.matcher import PhraseMatcher


def export(sorot, project, annotator, folder):
    """Sorot's spaCy export of `annotator`: one {"text", "spans"} a line."""
    out = os.path.join(folder, "spans.jsonl")
    subprocess.run(
        [sorot, "export", project, "--format", "spacy", "--annotator", annotator, "-o", out],
        check=True,
        capture_output=True,
    )
    with open(out, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def gazetteer(project):
    """The project's gazetteer.tsv as {text: label}; empty without one."""
    path = os.path.join(project, "gazetteer.tsv")
    names = {}
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                line = line.rstrip("\r\n")
                if not line.strip() or line.startswith("#"):
                    continue
                text, label = line.split("\t", 1)
                names[text] = label.strip()
    return names


def lexicon(records, project):
    """Sorot's lexicon: each labeled text with the label used most for it."""
    counts = collections.defaultdict(collections.Counter)
    for record in records:
        for span in record["spans"]:
            text = record["text"][span["start"] : span["end"]]
            if text.strip():
                counts[text][span["label"]] += 1
    names = gazetteer(project)
    for text, labels in counts.items():
        names[text] = min(labels.items(), key=lambda item: (-item[1], item[0]))[0]
    return names


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.split("\n\n")[1])
    sorot, project, annotator = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    runs = int(sys.argv[4]) if len(sys.argv) == 5 else 3
    with tempfile.TemporaryDirectory() as folder:
        records = export(sorot, project, annotator, folder)
    texts = [record["text"] for record in records]
    names = lexicon(records, project)
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    print(f"{len(texts)} texts, {megabytes:.1f} MB, a lexicon of {len(names)} texts")

    nlp = spacy.blank("id")
    start = time.perf_counter()
    matcher = PhraseMatcher(nlp.vocab)
    by_label = collections.defaultdict(list)
    for text, label in names.items():
        by_label[label].append(text)
    for label, patterns in sorted(by_label.items()):
        matcher.add(label, list(nlp.tokenizer.pipe(patterns)))
    print(f"patterns added in {time.perf_counter() - start:.3f} s")

    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        found = 0
        for doc in nlp.tokenizer.pipe(texts):
            suggestions = [
                (doc[first].idx, doc[end - 1].idx + len(doc[end - 1]), nlp.vocab.strings[match])
                for match, first, end in matcher(doc)
            ]
            found += len(suggestions)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        walls.append(wall)
        cpus.append(cpu)
        print(f"tokenizing and matching: {wall:.3f} s, CPU {cpu:.2f} s ({found} matches)")
    print(
        f"tokenizing and matching: median {statistics.median(walls):.3f} s "
        f"({min(walls):.3f}–{max(walls):.3f} s), CPU {statistics.median(cpus):.2f} s"
    )


if __name__ == "__main__":
    main()
