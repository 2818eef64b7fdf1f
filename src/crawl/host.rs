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
    health: Mutex<Health>,
}

/// Recent results of one host, for the circuit breaker.
#[derive(Debug, Default)]
struct Health {
    recent: std::collections::VecDeque<bool>,
    trips: u32,
    open: bool,
}

/// When a failing host is paused, and when it is given up on.
#[derive(Debug, Clone)]
pub struct Breaker {
    /// How many recent results are looked at.
    pub window: usize,
    /// Fewer results than this never trip the breaker.
    pub min_samples: usize,
    /// Share of failures among recent results that trips it.
    pub failure_ratio: f32,
    /// How long a tripped host rests.
    pub pause: Duration,
    /// After this many trips the host is given up on for the rest of the crawl.
    pub max_trips: u32,
}

impl Default for Breaker {
    fn default() -> Self {
        Breaker {
            window: 20,
            min_samples: 8,
            failure_ratio: 0.5,
            pause: Duration::from_secs(30),
            max_trips: 3,
        }
    }
}

/// What the breaker decided after a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerEvent {
    None,
    /// The host rests for the breaker's pause.
    Paused,
    /// The host is given up on.
    Opened,
}

/// The politeness gates of every host the crawl talks to.
#[derive(Debug)]
pub struct HostPool {
    per_host: usize,
    breaker: Breaker,
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
        HostPool::with_breaker(per_host, interval, Breaker::default())
    }

    pub fn with_breaker(per_host: usize, interval: Duration, breaker: Breaker) -> HostPool {
        HostPool {
            per_host: per_host.max(1),
            breaker,
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
                    health: Mutex::new(Health::default()),
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

    /// Records whether a request to `host` failed (timeouts, resets, 5xx, 429), and trips the
    /// breaker when the recent failure rate crosses the threshold.
    pub fn record(&self, host: &str, failed: bool) -> BreakerEvent {
        let h = self.host(host);
        let event = {
            let mut health = h.health.lock().unwrap_or_else(|e| e.into_inner());
            if health.open {
                return BreakerEvent::None;
            }
            health.recent.push_back(failed);
            while health.recent.len() > self.breaker.window {
                health.recent.pop_front();
            }
            let n = health.recent.len();
            let failures = health.recent.iter().filter(|f| **f).count();
            if n >= self.breaker.min_samples
                && failures as f32 >= self.breaker.failure_ratio * n as f32
            {
                health.trips += 1;
                health.recent.clear();
                if health.trips >= self.breaker.max_trips {
                    health.open = true;
                    BreakerEvent::Opened
                } else {
                    BreakerEvent::Paused
                }
            } else {
                BreakerEvent::None
            }
        };
        if event == BreakerEvent::Paused {
            self.back_off(host, self.breaker.pause);
        }
        event
    }

    /// Whether the crawl gave up on `host`.
    pub fn is_open(&self, host: &str) -> bool {
        self.host(host)
            .health
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .open
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
    async fn breaker_pauses_then_opens() {
        let b = Breaker {
            window: 4,
            min_samples: 4,
            failure_ratio: 0.5,
            pause: Duration::from_secs(30),
            max_trips: 2,
        };
        let pool = HostPool::with_breaker(1, Duration::ZERO, b);
        for failed in [true, false, true] {
            assert_eq!(pool.record("a", failed), BreakerEvent::None);
        }
        assert_eq!(pool.record("a", false), BreakerEvent::Paused);
        let t0 = Instant::now();
        drop(pool.acquire("a").await);
        assert!(t0.elapsed() >= Duration::from_secs(30));
        for _ in 0..3 {
            assert_eq!(pool.record("a", true), BreakerEvent::None);
        }
        assert_eq!(pool.record("a", true), BreakerEvent::Opened);
        assert!(pool.is_open("a"));
        assert!(!pool.is_open("b"));
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
