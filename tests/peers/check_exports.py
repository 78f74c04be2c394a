"""Feeds Sorot's exports of the sample project to the peers' own parsers.

Usage: python3 tests/peers/check_exports.py PATH/TO/sorot
Needs: pip install spacy seqeval label-studio-converter bratiaa

- spaCy: every span of the spaCy export is a `doc.char_span` (strict alignment)
  with the span's text; `spacy convert -c ner` reads the CoNLL export.
- seqeval: every tag column of the CoNLL export is valid strict IOB2.
- Hugging Face: tag values index the tag names written beside the export.
- Label Studio: its converter reads the task export with the labeling config,
  and the JSON_MIN it writes imports back to the same spans.
- brat: a brat collection (tests/fixtures/brat-collection, given as `dir/*`)
  is imported and exported again; brat's own reader (`bratsubset`, as the
  bratiaa package ships brat's `annotation` and `projectconfig` modules)
  reads the export, and brat's checks of a collection against its
  annotation.conf (those of brat's verify_annotations) find nothing.
Prints one line per check and exits non-zero on the first failure.
"""

import glob
import json
import os
import subprocess
import sys
import tempfile

import spacy
from bratsubset import annotation, projectconfig
from bratsubset.realmessage import Messager
from seqeval.scheme import IOB2, Entities
from spacy.tokens import DocBin

SOROT = os.path.abspath(sys.argv[1])
PROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BRAT_COLLECTION = os.path.join(PROJECT, "tests", "fixtures", "brat-collection")


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

        check_brat(tmp, spans)


def brat_issues(doc, conf):
    """What brat's checks of a document against its collection's
    annotation.conf find: types it does not declare, relations and
    attributes it does not allow between those types, spans that nest,
    overlap or share their place where it does not allow it, and attribute
    values it does not list (a binary attribute has none)."""
    issues = []
    entity_types = set(conf.get_entity_types())
    relation_types = set(conf.get_relation_types())
    for t in doc.get_textbounds():
        if t.type not in entity_types:
            issues.append(f"{t.id}: type {t.type} is not declared")
    for r in doc.get_relations():
        if r.type not in relation_types:
            issues.append(f"{r.id}: relation type {r.type} is not declared")
            continue
        first, second = doc.get_ann_by_id(r.arg1), doc.get_ann_by_id(r.arg2)
        allowed = r.type in conf.relation_types_from_to(first.type, second.type)
        roles = any(c.arg_list == [r.arg1l, r.arg2l] for c in conf.get_relations_by_type(r.type))
        if not (allowed and roles):
            issues.append(f"{r.id}: {r.type} {r.arg1l}:{first.type} {r.arg2l}:{second.type} is not allowed")
    declared = {
        a.storage_form(): a
        for a in projectconfig.get_attribute_type_list(conf.directory)
        if a != projectconfig.SEPARATOR_STR
    }
    for a in doc.get_attributes():
        target = doc.get_ann_by_id(a.target)
        if a.type not in conf.attributes_for(target.type):
            issues.append(f"{a.id}: {target.type} cannot take a {a.type} attribute")
            continue
        values = declared[a.type].arguments.get("Value", [])
        if a.value is True and values:
            issues.append(f"{a.id}: {a.type} has values {values}, but is given none")
        elif a.value is not True and a.value not in values:
            issues.append(f"{a.id}: {a.type} does not list the value {a.value!r}")
    entities = [t for t in doc.get_textbounds() if conf.is_physical_entity_type(t.type)]
    for i, one in enumerate(entities):
        for other in entities[i + 1:]:
            if not (other.first_start() < one.last_end() and other.last_end() > one.first_start()):
                continue
            if one.same_span(other):
                ok = conf.spans_can_be_equal(one.type, other.type)
            elif other.contains(one):
                ok = conf.span_can_contain(one.type, other.type)
            elif one.contains(other):
                ok = conf.span_can_contain(other.type, one.type)
            else:
                ok = conf.spans_can_cross(one.type, other.type)
            if not ok:
                issues.append(f"{one.id} and {other.id}: {one.type} and {other.type} may not overlap so")
    return issues


def read_brat(folder):
    """Reads every document of the brat collection `folder` with brat's own
    reader and checks it against the collection's annotation.conf; gives
    what the documents hold: counts, and notes by type."""
    conf = projectconfig.ProjectConfiguration(folder)
    documents = sorted(f[: -len(".ann")] for f in glob.glob(os.path.join(folder, "*.ann")))
    assert documents, f"no .ann files in {folder}"
    held = {"spans": 0, "relations": 0, "attributes": 0, "binary": 0, "normalizations": 0, "notes": {}}
    for document in documents:
        doc = annotation.TextAnnotations(document, read_only=True)
        assert not doc.failed_lines, f"brat cannot read lines {doc.failed_lines} of {document}.ann"
        issues = brat_issues(doc, conf)
        assert not issues, f"{document}.ann: {issues}"
        held["spans"] += len(list(doc.get_textbounds()))
        held["relations"] += len(list(doc.get_relations()))
        attributes = list(doc.get_attributes())
        held["attributes"] += len(attributes)
        held["binary"] += sum(1 for a in attributes if a.value is True)
        for n in doc.get_normalizations():
            assert n.type == "Reference" and n.refdb and n.refid and n.reftext, n
            held["normalizations"] += 1
        for note in doc.get_oneline_comments():
            held["notes"][note.type] = held["notes"].get(note.type, 0) + 1
    said = [m for m in Messager._Messager__pending_messages if m[1] in ("warning", "error")]
    assert not said, f"brat's messages on {folder}: {said}"
    return held


def check_brat(tmp, spans):
    """Has brat's own code read and check two exports: of a brat collection
    imported as a shell gives its files (`dir/*`), and of the sample, whose
    spaCy export has `spans` spans."""
    project = os.path.join(tmp, "brat-project")
    os.makedirs(project)
    inputs = sorted(glob.glob(os.path.join(BRAT_COLLECTION, "*")))
    assert any(p.endswith(".txt") for p in inputs) and any(p.endswith(".ann") for p in inputs)
    run = subprocess.run([SOROT, "import", "--format", "brat", "--annotator", "b", *inputs], cwd=project, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = os.path.join(tmp, "brat-out")
    run = subprocess.run(
        [SOROT, "export", "--format", "brat", "--annotator", "b", "--labels", "Person,Organization,Place", "-o", out],
        cwd=project, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    held = read_brat(out)
    expected = {
        "spans": 9, "relations": 4, "attributes": 6, "binary": 3, "normalizations": 3,
        "notes": {"AnnotatorNotes": 5, "Lemma": 2},
    }
    assert held == expected, (held, expected)
    print(
        f"brat: its reader and checks accept the export of a brat collection: {held['spans']} spans, "
        f"{held['relations']} relations, {held['attributes']} attributes ({held['binary']} binary), "
        f"{held['normalizations']} normalizations, notes {held['notes']}"
    )

    sample = os.path.join(tmp, "brat-sample")
    export(sample, "brat")
    held = read_brat(sample)
    assert held["spans"] == spans, (held["spans"], spans)
    print(
        f"brat: and the export of the sample: {held['spans']} spans, nested, with "
        f"{held['normalizations']} values and notes {held['notes']}"
    )


if __name__ == "__main__":
    main()
