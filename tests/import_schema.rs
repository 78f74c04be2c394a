//! What an import uses that the project's schema lacks: named, and with
//! `--add-to-schema` added to `sorot.ron`.

mod common;

use std::fs;
use std::process::Output;

use common::{sorot, stderr};
use sorot_core::project::Project;
use sorot_core::testing::TestProject;

#[track_caller]
fn assert_status(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stderr:\n{}",
        stderr(output)
    );
}

/// A brat document with labels, a relation type and an attribute the
/// default schema lacks, and a stance the schema does not list (a curly
/// quote, an emoji, CRLF line ends).
fn brat_input(dir: &TestProject) {
    dir.write(
        "in/a.txt",
        "“Samsung” 😊 didirikan oleh Lee.\r\nDemam berdarah menyebar.\r\n",
    );
    dir.write(
        "in/a.ann",
        "T1\tOrganization 1 8\tSamsung\n\
         T2\tPerson 27 30\tLee\n\
         T3\tDisease 32 46\tDemam berdarah\n\
         T4\tclaim 32 55\tDemam berdarah menyebar\n\
         R1\tfoundedBy Arg1:T1 Arg2:T2\n\
         A1\tCategory T3 Modifier\n\
         A2\tstance T4 hedged\n",
    );
}

#[test]
fn an_import_names_what_the_schema_lacks() {
    let dir = TestProject::new();
    brat_input(&dir);
    let output = sorot(
        &[
            "import",
            "--format",
            "brat",
            "--annotator",
            "ayu",
            "in/a.ann",
        ],
        dir.root(),
    );
    assert_status(&output, 0);
    let said = stderr(&output);
    assert!(
        said.contains(
            "not in the project's schema (kept; import with --add-to-schema to add them to sorot.ron, or add them by hand):\n  \
             labels: Organization, Person, Disease\n  \
             relation types: foundedBy (from Organization to Person)\n  \
             attributes: Category of Disease (Modifier)\n  \
             attribute stance of claim has the value \"hedged\", which the schema does not list (asserted, denied, reported)"
        ),
        "{said}"
    );
    assert!(!dir.root().join("sorot.ron").exists());
}

#[test]
fn add_to_schema_writes_the_lacks_into_sorot_ron_and_keeps_the_rest() {
    let dir = TestProject::new();
    brat_input(&dir);
    let settings = "// The team's settings.\n(\n    schema: (\n        labels: [\n            (name: \"actor\", hotkey: Some(1)),\n            (name: \"claim\"),\n        ],\n    ),\n)\n";
    fs::write(dir.root().join("sorot.ron"), settings).unwrap();
    let output = sorot(
        &[
            "import",
            "--format",
            "brat",
            "--annotator",
            "ayu",
            "--add-to-schema",
            "in/a.ann",
        ],
        dir.root(),
    );
    assert_status(&output, 0);
    let said = stderr(&output);
    assert!(
        said.contains("  labels: Organization, Person, Disease\n  relation type foundedBy (from Organization to Person)\n  attribute Category of Disease (Modifier)\n"),
        "{said}"
    );
    assert!(
        said.contains(
            "not added, for you to decide: attribute stance of claim has the value \"hedged\""
        ),
        "{said}"
    );
    let written = fs::read_to_string(dir.root().join("sorot.ron")).unwrap();
    assert!(written.starts_with("// The team's settings.\n(\n    schema: (\n        labels: [\n            (name: \"actor\", hotkey: Some(1)),\n            (name: \"claim\"),\n            (name: \"Organization\"),\n            (name: \"Person\"),\n            (name: \"Disease\"),\n        ],\n"), "{written}");
    let schema = Project::open(dir.root()).unwrap().schema().clone();
    assert!(schema.relation("foundedBy").is_some());
    assert_eq!(schema.relations.len(), 3, "the default relations stay");
    assert!(
        schema
            .attributes_of("Disease")
            .any(|a| a.name == "Category")
    );
    // Imported again, nothing is lacking but the stance.
    let output = sorot(
        &[
            "import",
            "--format",
            "brat",
            "--annotator",
            "budi",
            "--add-to-schema",
            "in/a.ann",
        ],
        dir.root(),
    );
    assert_status(&output, 0);
    assert_eq!(
        fs::read_to_string(dir.root().join("sorot.ron")).unwrap(),
        written
    );
    assert!(
        !stderr(&output).contains("added to the schema"),
        "{}",
        stderr(&output)
    );
}
