//! Work that reads many files at once.
//!
//! Terms:
//! - **disk pool**: a thread pool with four threads per core (at least 4, at
//!   most 16). A file the system has not cached makes its reader wait for the
//!   disk; with more readers than cores, the cores keep working meanwhile and
//!   the disk gets several requests at a time. Reading the 20,000 files of a
//!   10,000-document project that is not cached takes about half the time it
//!   takes with one thread per core, and the same when it is cached.

/// Threads of a disk pool on this machine.
pub fn pool_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (4 * cores).clamp(4, 16)
}

/// A disk pool, or `None` where no threads can be started (the work then
/// runs on rayon's shared pool).
pub fn pool() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(pool_threads())
        .build()
        .ok()
}

/// Runs `work`, whose parallel iterators then use `pool` when there is one.
pub fn run_on<R: Send>(pool: Option<&rayon::ThreadPool>, work: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn work_runs_on_the_pool_and_gives_its_result() {
        let disk = pool();
        let threads = run_on(disk.as_ref(), rayon::current_num_threads);
        assert_eq!(threads, disk.as_ref().map_or(threads, |_| pool_threads()));
        let squares: Vec<u64> = run_on(disk.as_ref(), || {
            (0..100u64).into_par_iter().map(|n| n * n).collect()
        });
        assert_eq!(squares[99], 9801);
        assert!((4..=16).contains(&pool_threads()));
    }
}
