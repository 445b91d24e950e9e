//! The path of every request: [`transport`] sends it and reads the answer, [`retry`]
//! decides what may be sent again and when, [`throttle`] makes every request of a client
//! wait its turn, [`redact`] keeps the API key out of what an answer's text becomes.

pub(crate) mod redact;
pub(crate) mod retry;
pub(crate) mod throttle;
pub(crate) mod transport;
