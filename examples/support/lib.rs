//! The examples' library: the resumable bulk import ([`import`]) that the `bulk_import`
//! example runs and the tests in `examples/tests/` drive.

pub mod import;
