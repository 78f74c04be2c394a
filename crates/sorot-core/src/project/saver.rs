//! A writer thread for autosave, so that serializing and flushing an
//! annotation file to disk never holds up the workbench's frames.
//!
//! Terms:
//! - **job**: a [`SaveJob`] of one document, made on the caller's thread from
//!   the document's current state.
//! - **in flight**: a job sent and not yet reported back. At most one job per
//!   document is in flight, so each job knows which file content it replaces;
//!   edits made meanwhile are saved by the next job, sent when this one reports.
//! - **wake**: a callback run on the writer thread after each job, so that a
//!   caller that waits for events (a GUI) looks at the results promptly.
//! - **stopped writer**: a writer thread that panicked, or that could not be
//!   started. Every job it did not report back is reported as
//!   [`SaveError::WriterStopped`], so no save goes missing unnoticed.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use crate::project::document::{SaveError, SaveJob};

/// The outcome of one job: document id, the revision saved, and the
/// fingerprint written or the error.
pub type Finished = (String, u64, Result<String, SaveError>);

pub struct BackgroundSaver {
    jobs: Option<Sender<(String, SaveJob)>>,
    finished: Receiver<Finished>,
    /// The jobs in flight, by document: the file and the revision saved.
    in_flight: BTreeMap<String, (PathBuf, u64)>,
    /// Why the writer thread stopped or never started, once it has.
    stopped: Option<String>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundSaver {
    /// Starts the writer thread. If it cannot be started, each job sent is
    /// reported back as not saved.
    pub fn new(wake: Box<dyn Fn() + Send>) -> Self {
        let (jobs, job_receiver) = mpsc::channel::<(String, SaveJob)>();
        let (finished_sender, finished) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("sorot autosave".into())
            .spawn(move || {
                for (doc_id, job) in job_receiver {
                    let revision = job.revision;
                    let path = job.path.clone();
                    let result =
                        catch_unwind(AssertUnwindSafe(|| job.run())).unwrap_or_else(|panic| {
                            Err(SaveError::WriterStopped {
                                path,
                                reason: panic_message(panic.as_ref()),
                            })
                        });
                    if finished_sender.send((doc_id, revision, result)).is_err() {
                        break;
                    }
                    wake();
                }
            });
        let (jobs, thread, stopped) = match thread {
            Ok(thread) => (Some(jobs), Some(thread), None),
            Err(err) => (None, None, Some(format!("it could not start: {err}"))),
        };
        Self {
            jobs,
            finished,
            in_flight: BTreeMap::new(),
            stopped,
            thread,
        }
    }

    pub fn is_in_flight(&self, doc_id: &str) -> bool {
        self.in_flight.contains_key(doc_id)
    }

    pub fn is_idle(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// Sends a job; the caller checks first that none is in flight for
    /// `doc_id`. A job the writer cannot take is in flight too, and is
    /// reported back as not saved.
    pub fn send(&mut self, doc_id: &str, job: SaveJob) {
        debug_assert!(!self.is_in_flight(doc_id));
        self.in_flight
            .insert(doc_id.to_owned(), (job.path.clone(), job.revision));
        if let Some(jobs) = &self.jobs
            && jobs.send((doc_id.to_owned(), job)).is_err()
        {
            self.writer_stopped();
        }
    }

    /// The jobs finished since the last call, without waiting; once the
    /// writer has stopped, also every job it will not report.
    pub fn try_finished(&mut self) -> Vec<Finished> {
        let mut finished: Vec<Finished> = self.finished.try_iter().collect();
        for (doc_id, _, _) in &finished {
            self.in_flight.remove(doc_id);
        }
        if self.is_writer_gone() {
            finished.extend(self.unreported());
        }
        finished
    }

    /// Waits for the next job to finish; `None` when none is in flight.
    pub fn wait_finished(&mut self) -> Option<Finished> {
        if self.in_flight.is_empty() {
            return None;
        }
        match self.finished.recv() {
            Ok(finished) => {
                self.in_flight.remove(&finished.0);
                Some(finished)
            }
            // The writer is gone without reporting every job.
            Err(_) => {
                self.writer_stopped();
                self.pop_unreported()
            }
        }
    }

    /// Whether the writer thread has stopped (or never started) and so
    /// reports nothing more.
    fn is_writer_gone(&mut self) -> bool {
        if self.stopped.is_none() && self.thread.as_ref().is_some_and(JoinHandle::is_finished) {
            self.writer_stopped();
        }
        self.stopped.is_some()
    }

    /// Records why the writer thread stopped, from its panic.
    fn writer_stopped(&mut self) {
        self.jobs = None;
        if self.stopped.is_some() {
            return;
        }
        let reason = match self.thread.take().map(JoinHandle::join) {
            Some(Err(panic)) => panic_message(panic.as_ref()),
            _ => "it ended".to_owned(),
        };
        self.stopped = Some(reason);
    }

    /// Every job in flight, as not saved, after the reports the writer sent
    /// before it stopped; none is in flight afterwards.
    fn unreported(&mut self) -> Vec<Finished> {
        let mut finished: Vec<Finished> = self.finished.try_iter().collect();
        for (doc_id, _, _) in &finished {
            self.in_flight.remove(doc_id);
        }
        finished.extend(std::iter::from_fn(|| self.pop_unreported()));
        finished
    }

    /// One job in flight, no longer in flight, as not saved.
    fn pop_unreported(&mut self) -> Option<Finished> {
        let (doc_id, (path, revision)) = self.in_flight.pop_first()?;
        let reason = self.stopped.clone().unwrap_or_default();
        Some((
            doc_id,
            revision,
            Err(SaveError::WriterStopped { path, reason }),
        ))
    }
}

/// What a panic said, if it said it with a string.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .map_or_else(|| "it panicked".to_owned(), |m| format!("it panicked: {m}"))
}

impl Drop for BackgroundSaver {
    /// Lets the writer finish every job sent, so that no save is lost.
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            // A panic was reported with the job it stopped; one in `wake`
            // leaves nothing more to report.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Project;
    use crate::project::document::{Command, OpenDocument};

    /// A document of a new project with one unsaved span.
    fn edited(dir: &std::path::Path) -> (Project, OpenDocument) {
        std::fs::write(dir.join("a.txt"), "“Kim” 😊 tiba\r\nRabu").unwrap();
        let project = Project::open(dir).unwrap();
        let mut doc = OpenDocument::open(&project, &project.docs()[0], "ayu").unwrap();
        doc.execute(
            project.schema(),
            Command::AddSpan {
                range: 1..4,
                label: "actor".into(),
            },
        )
        .unwrap();
        (project, doc)
    }

    #[test]
    fn jobs_are_saved_on_the_writer_and_reported_back() {
        let dir = tempfile::tempdir().unwrap();
        let (_project, doc) = edited(dir.path());
        let mut saver = BackgroundSaver::new(Box::new(|| {}));
        saver.send("a.txt", doc.save_job(false).unwrap());
        assert!(saver.is_in_flight("a.txt"));
        let (id, revision, result) = saver.wait_finished().unwrap();
        assert_eq!((id.as_str(), revision), ("a.txt", doc.revision()));
        let written = std::fs::read(doc.path()).unwrap();
        assert_eq!(result.unwrap(), crate::store::fingerprint(&written));
        assert!(saver.is_idle() && saver.wait_finished().is_none());
    }

    #[test]
    fn a_writer_that_panicked_reports_the_jobs_it_left_as_not_saved() {
        let dir = tempfile::tempdir().unwrap();
        let (_project, doc) = edited(dir.path());
        let mut saver = BackgroundSaver::new(Box::new(|| panic!("wake failed")));
        saver.send("a.txt", doc.save_job(false).unwrap());
        let (_, _, first) = saver.wait_finished().unwrap();
        assert!(first.is_ok(), "the job before the panic is saved");
        saver.send("a.txt", doc.save_job(true).unwrap());
        let (id, _, second) = saver.wait_finished().unwrap();
        assert_eq!(id, "a.txt");
        match second {
            Err(SaveError::WriterStopped { path, reason }) => {
                assert_eq!(path, doc.path());
                assert!(reason.contains("wake failed"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(saver.is_idle());
        assert!(saver.try_finished().is_empty());
    }
}
