//! Writing an export's output file on a thread of its own, so that writing
//! overlaps rendering.
//!
//! Terms:
//! - **chunk**: the bytes handed to the writer thread at a time (`CHUNK`);
//!   at most a few chunks wait, so memory stays bounded.

use std::io::{self, Write};

/// Bytes handed to the output file's writer thread at a time.
const CHUNK: usize = 256 * 1024;

/// Runs `produce` with a writer whose bytes a second thread writes to `file`,
/// a chunk at a time, so that writing the output to the file overlaps
/// rendering the next batch. At most a few chunks wait, so memory stays
/// bounded. Returns what `produce` returned and how writing the file went.
pub(super) fn write_behind<R>(
    file: &mut std::fs::File,
    produce: impl FnOnce(&mut dyn Write) -> R,
) -> (R, io::Result<()>) {
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let writer = scope.spawn(move || -> io::Result<()> {
            for chunk in receiver {
                file.write_all(&chunk)?;
            }
            Ok(())
        });
        let mut out = WriteBehind {
            chunk: Vec::with_capacity(CHUNK),
            sender: Some(sender),
        };
        let produced = produce(&mut out);
        let handed_over = out.close();
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the output file's writer failed")));
        (produced, written.and(handed_over))
    })
}

/// The producing half of [`write_behind`].
struct WriteBehind {
    chunk: Vec<u8>,
    /// `None` once closed.
    sender: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
}

impl WriteBehind {
    fn send(&mut self) -> io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        let stopped = || {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the output file's writer stopped",
            )
        };
        self.sender
            .as_ref()
            .ok_or_else(stopped)?
            .send(full)
            .map_err(|_| stopped())
    }

    /// Hands over what is left and lets the writer thread finish.
    fn close(mut self) -> io::Result<()> {
        let sent = self.send();
        self.sender = None;
        sent
    }
}

impl Write for WriteBehind {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        // A chunk never grows past its capacity: it goes first.
        if self.chunk.len() + bytes.len() > CHUNK {
            self.send()?;
        }
        if bytes.len() >= CHUNK {
            self.chunk.extend_from_slice(bytes);
            self.send()?;
        } else {
            self.chunk.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_behind_writes_every_byte_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let mut file = std::fs::File::create(&path).unwrap();
        // Small writes, a write that fills a chunk exactly, and one larger
        // than a chunk.
        let pieces: Vec<Vec<u8>> = [10, CHUNK, 3, CHUNK * 2 + 7, 1]
            .iter()
            .enumerate()
            .map(|(i, len)| (0..*len).map(|n| (n * 7 + i) as u8).collect())
            .collect();
        let (produced, written) = write_behind(&mut file, |out| {
            for piece in &pieces {
                out.write_all(piece)?;
            }
            out.flush()?;
            out.write_all(b"end")
        });
        produced.unwrap();
        written.unwrap();
        let mut expected = pieces.concat();
        expected.extend_from_slice(b"end");
        assert_eq!(std::fs::read(&path).unwrap(), expected);
    }

    #[test]
    fn write_behind_reports_a_failed_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        std::fs::write(&path, "old").unwrap();
        // Opened for reading only: every write fails.
        let mut file = std::fs::File::open(&path).unwrap();
        let (_, written) = write_behind(&mut file, |out| {
            for _ in 0..16 {
                out.write_all(&vec![b'x'; CHUNK])?;
            }
            Ok::<(), io::Error>(())
        });
        assert!(written.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
    }
}
