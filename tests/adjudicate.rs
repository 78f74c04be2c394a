//! `sorot adjudicate`: the annotators' agreements (or majorities) taken into
//! the gold set without a decision, decisions kept, and nothing changed by a
//! second run.

mod common;

use std::fs;
use std::process::Output;

use common::{sorot, stderr, stdout};
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

/// Three annotators of a text with a curly quote, an emoji and CRLF line
/// ends, and of a CRLF text only ayu annotated.
fn project() -> TestProject {
    let dir = TestProject::new();
    dir.write_annotations(
        "ayu",
        "berita.txt",
        "“[Kim|actor]” 😊 tiba di [Moskwa|location],\r\nkata [KCNA|actor].\r\n",
    );
    dir.write_annotations(
        "budi",
        "berita.txt",
        "“[Kim|actor]” 😊 tiba di [Moskwa|actor],\r\n[kata KCNA|claim].\r\n",
    );
    dir.write_annotations(
        "cici",
        "berita.txt",
        "“[Kim|actor]” 😊 tiba di [Moskwa|location],\r\nkata KCNA.\r\n",
    );
    dir.write_annotations("ayu", "lain.txt", "[Putin|actor] tiba.\r\n");
    dir
}

fn adjudicate(dir: &TestProject, extra: &[&str]) -> Output {
    let mut args = vec!["adjudicate", "--annotators", "ayu,budi,cici"];
    args.extend(extra);
    sorot(&args, dir.root())
}

#[test]
fn agreements_go_into_the_gold_set_and_a_second_run_changes_nothing() {
    let dir = project();
    let output = adjudicate(&dir, &[]);
    assert_status(&output, 0);
    assert_eq!(
        stdout(&output),
        "berita.txt: took 1 span and 0 relations into the gold set; 4 left to decide\n\
         lain.txt: left alone: only ayu annotated it\n"
    );
    assert_eq!(
        dir.rendered("_gold", "berita.txt"),
        "“[Kim|actor]” 😊 tiba di Moskwa,\r\nkata KCNA.\r\n"
    );
    let gold = dir.root().join("annotations/_gold/berita.txt.ron");
    let written = fs::read(&gold).unwrap();
    let modified = fs::metadata(&gold).unwrap().modified().unwrap();
    let output = adjudicate(&dir, &[]);
    assert_status(&output, 0);
    assert!(
        stdout(&output).starts_with("berita.txt: took 0 spans and 0 relations"),
        "{}",
        stdout(&output)
    );
    assert_eq!(fs::read(&gold).unwrap(), written);
    assert_eq!(fs::metadata(&gold).unwrap().modified().unwrap(), modified);
}

#[test]
fn majority_takes_what_more_than_half_have_and_keeps_the_curators_decisions() {
    let dir = project();
    // The curator already took budi's label for Moskwa.
    dir.write_annotations(
        "_gold",
        "berita.txt",
        "“Kim” 😊 tiba di [Moskwa|actor],\r\nkata KCNA.\r\n",
    );
    let output = adjudicate(&dir, &["--strategy", "majority"]);
    assert_status(&output, 0);
    assert_eq!(
        dir.rendered("_gold", "berita.txt"),
        "“[Kim|actor]” 😊 tiba di [Moskwa|actor],\r\nkata KCNA.\r\n"
    );
    // Left to decide: ayu's KCNA and budi's claim.
    assert!(
        stdout(&output).starts_with(
            "berita.txt: took 1 span and 0 relations into the gold set; 2 left to decide"
        ),
        "{}",
        stdout(&output)
    );
}

#[test]
fn adjudicate_refuses_what_it_cannot_run() {
    let dir = project();
    let output = sorot(&["adjudicate", "--annotators", "ayu"], dir.root());
    assert_status(&output, 2);
    assert!(stderr(&output).contains("name at least two annotators"));
    let output = sorot(&["adjudicate", "--annotators", "ayu,dodi"], dir.root());
    assert_status(&output, 2);
    assert!(
        stderr(&output)
            .contains("dodi has no annotations in this project (annotators: ayu, budi, cici)"),
        "{}",
        stderr(&output)
    );
    let output = sorot(&["adjudicate", "--annotators", "ayu,ayu"], dir.root());
    assert_status(&output, 2);
    assert!(
        stderr(&output).contains("ayu is named twice; name each annotator once"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.root().join("annotations/_gold").exists());
}
