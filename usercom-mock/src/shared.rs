//! What the server holds between requests: the store, the queued faults, the counters and
//! the rate limit, behind one lock shared by the public API and the server loop.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::rate_limit::Limiter;
use crate::store::Store;
use crate::{Fault, RecordedRequest, Route};

/// A predicate choosing the request a fault is for.
pub(crate) type Predicate = Arc<dyn Fn(&RecordedRequest) -> bool + Send + Sync>;

/// Which request a queued fault is for.
pub(crate) enum Target {
    Route(Route),
    When(Predicate),
}

impl Target {
    /// Whether `request` takes the fault. A predicate that panics accepts nothing (its panic
    /// message is printed by the panic hook; the server answers on).
    pub(crate) fn accepts(&self, request: &RecordedRequest) -> bool {
        match self {
            Target::Route(route) => route.matches(&request.method, &request.path),
            Target::When(predicate) => {
                catch_unwind(AssertUnwindSafe(|| predicate(request))).unwrap_or(false)
            }
        }
    }
}

/// A queued fault and the request it waits for.
pub(crate) struct Queued {
    pub(crate) target: Target,
    pub(crate) fault: Fault,
}

pub(crate) struct Shared {
    pub(crate) api_key: String,
    /// The server's own API base URL, for the links of paginated lists.
    pub(crate) base_url: String,
    pub(crate) state: Mutex<State>,
}

pub(crate) struct State {
    pub(crate) store: Store,
    /// The most users a page of `GET users/` lists.
    pub(crate) users_page_size: usize,
    pub(crate) faults: VecDeque<Queued>,
    pub(crate) latency: Duration,
    pub(crate) record: bool,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) request_count: u64,
    pub(crate) in_flight: usize,
    pub(crate) max_in_flight: usize,
    /// The rate limit, if one is set.
    pub(crate) limiter: Option<Limiter>,
    /// Requests the rate limit refused.
    pub(crate) rate_limited: u64,
    /// The end of the latest `Retry-After` the server has sent.
    pub(crate) quiet_until: Option<tokio::time::Instant>,
    /// Requests that arrived before `quiet_until`.
    pub(crate) during_retry_after: u64,
}

impl State {
    /// Notes a `Retry-After` of `seconds` sent at `now`.
    pub(crate) fn note_retry_after(&mut self, now: tokio::time::Instant, seconds: u64) {
        // An absurd value (`u64::MAX` seconds) ends past any instant: about a century.
        let until = now
            .checked_add(Duration::from_secs(seconds))
            .unwrap_or_else(|| now + Duration::from_secs(u64::from(u32::MAX)));
        if self.quiet_until.is_none_or(|quiet| quiet < until) {
            self.quiet_until = Some(until);
        }
    }

    /// Removes and returns the first queued fault aimed at `request`.
    pub(crate) fn take_fault(&mut self, request: &RecordedRequest) -> Option<Fault> {
        let index = self
            .faults
            .iter()
            .position(|queued| queued.target.accepts(request))?;
        self.faults.remove(index).map(|queued| queued.fault)
    }
}

impl Shared {
    pub(crate) fn new(api_key: &str, base_url: String) -> Shared {
        Shared {
            api_key: api_key.to_owned(),
            base_url,
            state: Mutex::new(State {
                users_page_size: crate::users_page::DEFAULT_USERS_PAGE_SIZE,
                store: Store::new(),
                faults: VecDeque::new(),
                latency: Duration::ZERO,
                record: true,
                requests: Vec::new(),
                request_count: 0,
                in_flight: 0,
                max_in_flight: 0,
                limiter: None,
                rate_limited: 0,
                quiet_until: None,
                during_retry_after: 0,
            }),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the store half-written in a way that
        // matters to a test server; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn queue(&self, n: usize, target: Target, fault: Fault) {
        let mut state = self.lock();
        match target {
            Target::Route(route) => {
                state
                    .faults
                    .extend(std::iter::repeat_n(fault, n).map(|fault| Queued {
                        target: Target::Route(route),
                        fault,
                    }))
            }
            Target::When(predicate) => {
                state
                    .faults
                    .extend(std::iter::repeat_n(fault, n).map(|fault| Queued {
                        target: Target::When(predicate.clone()),
                        fault,
                    }))
            }
        }
    }
}
