"""Feeds Sorot's exports of the sample project to the peers' own parsers.

Usage: python3 tests/peers/check_exports.py PATH/TO/sorot
Needs: pip install spacy seqeval label-studio-converter

- spaCy: every span of the spaCy export is a `doc.char_span` (strict alignment)
  with the span's text; `spacy convert -c ner` reads the CoNLL export.
- seqeval: every tag column of the CoNLL export is valid strict IOB2.
- Hugging Face: tag values index the tag names written beside the export.
- Label Studio: its converter reads the task export with the labeling config,
  and the JSON_MIN it writes imports back to the same spans.
Prints one line per check and exits non-zero on the first failure.
"""

import json
import os
import subprocess
import sys
import tempfile

import spacy
from seqeval.scheme import IOB2, Entities
from spacy.tokens import DocBin

SOROT = os.path.abspath(sys.argv[1])
PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def export(out, fmt, *extra):
    """Exports ayu's spans; a token format may lose only notes, values and attributes."""
    run = subprocess.run(
        [SOROT, "export", PROJECT, "--format", fmt, "--annotator", "ayu", "-o", out, *extra],
        capture_output=True,
        text=True,
    )
    if fmt in ("conll", "hf") and run.returncode == 1:
        lost = [l for l in run.stderr.splitlines() if ": " in l]
        assert lost and all("notes, values and attributes" in l for l in lost), run.stderr
    else:
        assert run.returncode == 0, run.stderr


def main():
    nlp = spacy.blank("xx")
    with tempfile.TemporaryDirectory() as tmp:
        path = lambda name: os.path.join(tmp, name)

        export(path("spacy.jsonl"), "spacy")
        spans = 0
        claims_expected = 0
        for line in open(path("spacy.jsonl"), encoding="utf-8"):
            record = json.loads(line)
            doc = nlp.make_doc(record["text"])
            for span in record["spans"]:
                found = doc.char_span(span["start"], span["end"], label=span["label"], alignment_mode="strict")
                assert found is not None, f"spaCy cannot align {span}"
                assert found.text == record["text"][span["start"]:span["end"]]
                spans += 1
                claims_expected += span["label"] == "claim"
        print(f"spaCy: {spans} spans align with doc.char_span")

        export(path("layers.conll"), "conll", "--layers", "actor,location,date", "--layers", "claim")
        columns = [[], []]
        current = [[], []]
        for line in open(path("layers.conll"), encoding="utf-8"):
            fields = line.split()
            if not fields or fields[0] == "-DOCSTART-":
                for i in range(2):
                    if current[i]:
                        columns[i].append(current[i])
                current = [[], []]
                continue
            for i in range(2):
                current[i].append(fields[1 + i])
        # In strict mode seqeval drops entities that break IOB2, so the counts
        # equal the spans only if every tag sequence is valid.
        for i, expected in enumerate([spans - claims_expected, claims_expected]):
            found = sum(len(e) for e in Entities(columns[i], IOB2).entities)
            assert found == expected, (i, found, expected)
            print(f"seqeval: tag column {i + 1} is strict IOB2 with all {found} entities")
        out = path("spacy-convert")
        os.mkdir(out)
        subprocess.run([sys.executable, "-m", "spacy", "convert", path("layers.conll"), out, "-c", "ner"], check=True, capture_output=True)
        docs = list(DocBin().from_disk(os.path.join(out, "layers.spacy")).get_docs(nlp.vocab))
        exported = sum(1 for line in open(path("layers.conll"), encoding="utf-8") if line.startswith("-DOCSTART-"))
        assert len(docs) == exported, f"spacy convert made {len(docs)} documents of {exported}"
        assert not any(t.text == "-DOCSTART-" for d in docs for t in d), "a -DOCSTART- line read as tokens"
        claims = sum(1 for d in docs for e in d.ents)
        assert claims == sum(len(e) for e in Entities(columns[1], IOB2).entities), "spacy convert reads the last column"
        print(f"spaCy convert: {len(docs)} docs, {claims} entities from the last column")

        export(path("hf.jsonl"), "hf", "--layers", "actor,location,date", "--layers", "claim")
        names = json.load(open(path("hf.tags.json"), encoding="utf-8"))
        rows = [json.loads(l) for l in open(path("hf.jsonl"), encoding="utf-8")]
        for row in rows:
            for key in ("ner_tags", "ner_tags_2"):
                assert len(row["tokens"]) == len(row[key])
                Entities([[names[key][t] for t in row[key]]], IOB2)
        print(f"Hugging Face: {len(rows)} rows, both tag lists valid IOB2 over their names")

        from label_studio_converter import Converter

        export(path("tasks.json"), "labelstudio")
        converter = Converter(config=open(path("tasks.config.xml"), encoding="utf-8").read(), project_dir=tmp)
        converter.convert_to_json_min(path("tasks.json"), path("ls"), is_dir=False)
        tasks = json.load(open(os.path.join(path("ls"), "result.json"), encoding="utf-8"))
        regions = sum(len(t.get("label", [])) for t in tasks)
        expected = sum(len(json.loads(l)["spans"]) for l in open(path("spacy.jsonl"), encoding="utf-8"))
        assert regions == expected, (regions, expected)
        print(f"Label Studio converter: {len(tasks)} tasks, {regions} regions")

        # The converter's JSON_MIN, imported back, gives the spans exported.
        back = path("from-json-min")
        os.makedirs(back)
        run = subprocess.run([SOROT, "import", back, "--format", "labelstudio", "--annotator", "back", os.path.join(path("ls"), "result.json")], capture_output=True, text=True)
        # JSON_MIN keeps the values only as bare texts without their regions: reported.
        lost = [l for l in run.stderr.splitlines() if " item " in l]
        assert run.returncode == 1 and "a JSON_MIN export" in run.stderr, run.stderr
        assert lost and all('of "value" that are no labeled region' in l for l in lost), run.stderr
        subprocess.run([SOROT, "export", back, "--format", "spacy", "--annotator", "back", "-o", path("back.jsonl")], check=True, capture_output=True)
        spans_of = lambda file: sorted(
            (r["text"], s["start"], s["end"], s["label"])
            for l in open(file, encoding="utf-8")
            for r in [json.loads(l)]
            for s in r["spans"]
        )
        assert spans_of(path("back.jsonl")) == spans_of(path("spacy.jsonl"))
        print(f"Label Studio converter: its JSON_MIN imports back to the same {regions} spans")

        # Values and attributes: per-region results that the converter reads too.
        project = path("details")
        os.makedirs(project)
        text = "Kim berkata 😊 Putin datang"
        open(os.path.join(project, "a.txt"), "w", encoding="utf-8").write(text)
        record = {
            "id": "a.txt", "text": text, "label": [[0, 3, "actor"], [14, 26, "claim"]],
            "span_details": [
                {"start": 0, "end": 3, "label": "actor", "value": "Kim Jong Un"},
                {"start": 14, "end": 26, "label": "claim", "attributes": {"stance": "reported"}},
            ],
        }
        open(path("details.jsonl"), "w", encoding="utf-8").write(json.dumps(record) + "\n")
        subprocess.run([SOROT, "import", project, "--format", "jsonl", "--annotator", "ayu", "--offsets", "codepoint", path("details.jsonl")], check=True, capture_output=True)
        subprocess.run([SOROT, "export", project, "--format", "labelstudio", "--annotator", "ayu", "-o", path("details.json")], check=True, capture_output=True)
        converter = Converter(config=open(path("details.config.xml"), encoding="utf-8").read(), project_dir=tmp)
        converter.convert_to_json_min(path("details.json"), path("ls-details"), is_dir=False)
        task = json.load(open(os.path.join(path("ls-details"), "result.json"), encoding="utf-8"))[0]
        assert [r["labels"] for r in task["label"]] == [["actor"], ["claim"]], task
        assert task["claim_stance"] == "reported", task
        assert task["value"] == "Kim Jong Un", task
        print("Label Studio converter: a value and a stance as per-region results")


if __name__ == "__main__":
    main()
