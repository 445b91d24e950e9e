//! Any bytes as a response body: decoding a `User` returns a value or an error, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<usercom_core::User>(data);
    let mut de = serde_json::Deserializer::from_slice(data);
    let _ = decode_to_end(&mut de);
});

/// Decodes as the client does: one `User`, then nothing but whitespace.
fn decode_to_end(de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>) -> Option<()> {
    use serde::Deserialize;
    let _user = usercom_core::User::deserialize(&mut *de).ok()?;
    de.end().ok()
}
