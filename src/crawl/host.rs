//! Per-host politeness, kept in one place (lychee's host pool model): a concurrency limit and a
//! minimum interval between request starts, pushed out further when the server asks us to slow
//! down. Errors never make the crawl faster.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Longest pause a server can impose with `Retry-After` before we give up on that request.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

#[derive(Debug)]
struct Host {
    permits: Arc<Semaphore>,
    next_start: Mutex<Instant>,
}

/// The politeness gates of every host the crawl talks to.
#[derive(Debug)]
pub struct HostPool {
    per_host: usize,
    interval: Mutex<Duration>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

/// Held while a request to a host is in flight.
#[derive(Debug)]
pub struct HostPermit {
    _permit: OwnedSemaphorePermit,
}

impl HostPool {
    pub fn new(per_host: usize, interval: Duration) -> HostPool {
        HostPool {
            per_host: per_host.max(1),
            interval: Mutex::new(interval),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Raises the minimum interval (robots.txt Crawl-delay is a lower bound, never a speed-up).
    pub fn raise_interval(&self, at_least: Duration) {
        let mut i = self.interval.lock().unwrap_or_else(|e| e.into_inner());
        if at_least > *i {
            *i = at_least;
        }
    }

    pub fn interval(&self) -> Duration {
        *self.interval.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn host(&self, key: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(key.to_string())
            .or_insert_with(|| {
                Arc::new(Host {
                    permits: Arc::new(Semaphore::new(self.per_host)),
                    next_start: Mutex::new(Instant::now()),
                })
            })
            .clone()
    }

    /// Waits for a free slot on `host` and for its next allowed start time.
    pub async fn acquire(&self, host: &str) -> HostPermit {
        let h = self.host(host);
        let permit = h
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("host semaphores are never closed");
        let start = {
            let mut next = h.next_start.lock().unwrap_or_else(|e| e.into_inner());
            let start = (*next).max(Instant::now());
            *next = start + self.interval();
            start
        };
        tokio::time::sleep_until(start).await;
        HostPermit { _permit: permit }
    }

    /// A 429/503 with Retry-After, or a failure: no request to `host` starts before `pause` ends.
    pub fn back_off(&self, host: &str, pause: Duration) {
        let h = self.host(host);
        let mut next = h.next_start.lock().unwrap_or_else(|e| e.into_inner());
        let until = Instant::now() + pause.min(MAX_RETRY_AFTER);
        if until > *next {
            *next = until;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn starts_are_spaced_by_the_interval() {
        let pool = HostPool::new(2, Duration::from_millis(500));
        let t0 = Instant::now();
        drop(pool.acquire("a").await);
        drop(pool.acquire("a").await);
        drop(pool.acquire("a").await);
        assert!(t0.elapsed() >= Duration::from_millis(1000));
        // Another host is not slowed down by the first.
        let t1 = Instant::now();
        drop(pool.acquire("b").await);
        assert!(t1.elapsed() < Duration::from_millis(10));
    }

    #[tokio::test(start_paused = true)]
    async fn back_off_delays_the_next_start() {
        let pool = HostPool::new(1, Duration::ZERO);
        pool.back_off("a", Duration::from_secs(5));
        let t0 = Instant::now();
        drop(pool.acquire("a").await);
        assert!(t0.elapsed() >= Duration::from_secs(5));
        pool.raise_interval(Duration::from_secs(2));
        assert_eq!(pool.interval(), Duration::from_secs(2));
        pool.raise_interval(Duration::from_secs(1));
        assert_eq!(pool.interval(), Duration::from_secs(2));
    }
}
