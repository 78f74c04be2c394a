//! Work that reads many files at once.
//!
//! Terms:
//! - **disk pool** ([`DiskPool`]): the process's one thread pool for reading
//!   many files, with four threads per core (at least 4, at most 16), named
//!   `sorot-disk-N`. It is built the first time it is asked for and kept
//!   for the life of the process. A file the system has not cached makes
//!   its reader wait for the disk; with more readers than cores, the cores
//!   keep working meanwhile and the disk gets several requests at a time.

use std::sync::OnceLock;

/// Threads of the disk pool on this machine.
pub fn pool_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (4 * cores).clamp(4, 16)
}

/// A handle to the process's disk pool.
#[derive(Debug, Clone, Copy)]
pub struct DiskPool(&'static rayon::ThreadPool);

/// The disk pool, built on first use; `None` where its threads could not be
/// started (the work then runs on rayon's shared pool).
pub fn pool() -> Option<DiskPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(pool_threads())
            .thread_name(|n| format!("sorot-disk-{n}"))
            .build()
            .ok()
    })
    .as_ref()
    .map(DiskPool)
}

/// Runs `work`, whose parallel iterators then use `pool` when there is one.
pub fn run_on<R: Send>(pool: Option<&DiskPool>, work: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(DiskPool(pool)) => pool.install(work),
        None => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn work_runs_on_the_named_threads_of_one_pool_and_gives_its_result() {
        let disk = pool();
        let threads = run_on(disk.as_ref(), rayon::current_num_threads);
        assert_eq!(threads, disk.as_ref().map_or(threads, |_| pool_threads()));
        let squares: Vec<u64> = run_on(disk.as_ref(), || {
            (0..100u64).into_par_iter().map(|n| n * n).collect()
        });
        assert_eq!(squares[99], 9801);
        assert!((4..=16).contains(&pool_threads()));
        if let (Some(DiskPool(first)), Some(DiskPool(again))) = (disk, pool()) {
            assert!(std::ptr::eq(first, again), "one pool for the process");
            let name = run_on(disk.as_ref(), || {
                std::thread::current().name().map(str::to_owned)
            });
            let name = name.unwrap_or_default();
            assert!(name.starts_with("sorot-disk-"), "{name}");
        }
    }
}
