//! The path of every request: [`transport`] sends it and reads the answer, [`next_step`]
//! decides what follows a failed attempt (under the policy of [`retry`]), [`throttle`] makes
//! every request of a client wait its turn, [`redact`] keeps the API key out of what an
//! answer's text becomes.

pub(crate) mod next_step;
pub(crate) mod redact;
pub(crate) mod retry;
pub(crate) mod throttle;
pub(crate) mod transport;
