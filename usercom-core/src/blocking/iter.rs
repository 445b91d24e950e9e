//! The async client's streams as iterators: each `next` blocks the calling thread until the
//! stream's next item, and the stream advances only while a `next` waits.

use std::fmt;
use std::pin::Pin;

use futures_util::{Stream, StreamExt};

use super::Client;
use crate::{Error, User};

/// A stream of the async client, iterated on the calling thread.
pub(super) struct Blocking<'a, I> {
    client: &'a Client,
    /// `None` once the stream has ended.
    stream: Option<Pin<Box<dyn Stream<Item = I> + Send + 'a>>>,
}

impl<'a, I> Blocking<'a, I> {
    pub(super) fn new(client: &'a Client, stream: impl Stream<Item = I> + Send + 'a) -> Self {
        Blocking {
            client,
            stream: Some(Box::pin(stream)),
        }
    }

    fn next(&mut self) -> Option<I> {
        let stream = self.stream.as_mut()?;
        let item = self.client.wait(stream.next());
        if item.is_none() {
            self.stream = None;
        }
        item
    }
}

impl<I> Drop for Blocking<'_, I> {
    fn drop(&mut self) {
        // Abandoned requests may hand their connection back to the pool, which can spawn a
        // task: they are dropped in the client's runtime context.
        let _context = self.client.runtime.handle.enter();
        self.stream = None;
    }
}

/// The outcomes of [`Client::create_users`] or [`Client::upsert_users`]: one
/// `(index, result)` per input, in completion order.
///
/// Each [`next`](Iterator::next) blocks until the next request completes. The operation
/// advances only while a `next` waits, exactly as the async stream advances only while it
/// is polled: inputs are pulled as requests complete, at most `concurrency` in flight.
pub struct Outcomes<'a, T>(pub(super) Blocking<'a, (usize, Result<T, Error>)>);

impl<T> Iterator for Outcomes<'_, T> {
    type Item = (usize, Result<T, Error>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

impl<T> std::iter::FusedIterator for Outcomes<'_, T> {}

impl<T> fmt::Debug for Outcomes<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outcomes")
            .field("finished", &self.0.stream.is_none())
            .finish_non_exhaustive()
    }
}

/// Every user of the app, from [`Client::users`]: each [`next`](Iterator::next) blocks
/// while the next page is read, and only when the users of the page before are used up.
/// After an error the iteration ends.
pub struct Users<'a>(pub(super) Blocking<'a, Result<User, Error>>);

impl Iterator for Users<'_> {
    type Item = Result<User, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

impl std::iter::FusedIterator for Users<'_> {}

impl fmt::Debug for Users<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Users")
            .field("finished", &self.0.stream.is_none())
            .finish_non_exhaustive()
    }
}
