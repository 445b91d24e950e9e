//! The examples' library: the resumable bulk import ([`import`]) that the `bulk_import`
//! example runs and the tests in `examples/tests/` drive.

pub mod import;

/// An error and its causes on one line (`error: cause: cause`), as anyhow's `{:#}` shows
/// them: usercom's errors say what happened at their level and leave the cause to
/// `source()`.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    message
}
