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

use std::collections::BTreeSet;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use crate::project::document::{SaveError, SaveJob};

/// The outcome of one job: document id, the revision saved, and the
/// fingerprint written or the error.
pub type Finished = (String, u64, Result<String, SaveError>);

pub struct BackgroundSaver {
    jobs: Option<Sender<(String, SaveJob)>>,
    finished: Receiver<Finished>,
    in_flight: BTreeSet<String>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundSaver {
    /// Starts the writer thread.
    pub fn new(wake: Box<dyn Fn() + Send>) -> Self {
        let (jobs, job_receiver) = mpsc::channel::<(String, SaveJob)>();
        let (finished_sender, finished) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("sorot autosave".into())
            .spawn(move || {
                for (doc_id, job) in job_receiver {
                    let revision = job.revision;
                    let result = job.run();
                    if finished_sender.send((doc_id, revision, result)).is_err() {
                        break;
                    }
                    wake();
                }
            })
            .expect("the OS refused to start the autosave thread");
        Self {
            jobs: Some(jobs),
            finished,
            in_flight: BTreeSet::new(),
            thread: Some(thread),
        }
    }

    pub fn is_in_flight(&self, doc_id: &str) -> bool {
        self.in_flight.contains(doc_id)
    }

    pub fn is_idle(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// Sends a job; the caller checks first that none is in flight for `doc_id`.
    pub fn send(&mut self, doc_id: &str, job: SaveJob) {
        debug_assert!(!self.is_in_flight(doc_id));
        if let Some(jobs) = &self.jobs
            && jobs.send((doc_id.to_owned(), job)).is_ok()
        {
            self.in_flight.insert(doc_id.to_owned());
        }
    }

    /// The jobs finished since the last call, without waiting.
    pub fn try_finished(&mut self) -> Vec<Finished> {
        let finished: Vec<Finished> = self.finished.try_iter().collect();
        for (doc_id, _, _) in &finished {
            self.in_flight.remove(doc_id);
        }
        finished
    }

    /// Waits for the next job to finish; `None` when none is in flight.
    pub fn wait_finished(&mut self) -> Option<Finished> {
        if self.in_flight.is_empty() {
            return None;
        }
        let finished = self.finished.recv().ok()?;
        self.in_flight.remove(&finished.0);
        Some(finished)
    }
}

impl Drop for BackgroundSaver {
    /// Lets the writer finish every job sent, so that no save is lost.
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
