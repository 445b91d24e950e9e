//! Any token stream as the input of `#[derive(IntoUserComUser)]`: the derive answers with
//! code or compile errors, never panics, and what it answers is valid Rust tokens.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The derive's own modules, compiled here as they are in the proc-macro crate.
#[path = "../../usercom-derive/src/ast.rs"]
mod ast;
// `attr` also reads the options of `UserComValue` (with `case`), which this target does not
// run: those items are unused here.
#[allow(dead_code, unused_imports)]
#[path = "../../usercom-derive/src/attr/mod.rs"]
mod attr;
#[allow(dead_code)]
#[path = "../../usercom-derive/src/case.rs"]
mod case;
#[path = "../../usercom-derive/src/crate_path.rs"]
mod crate_path;
#[path = "../../usercom-derive/src/ctxt.rs"]
mod ctxt;
// `expand` also serves `FromUserComUser` (`from.rs`), which this target does not run: its
// items for that derive are unused here.
#[allow(dead_code)]
#[path = "../../usercom-derive/src/expand.rs"]
mod expand;
#[path = "../../usercom-derive/src/fallback.rs"]
mod fallback;
#[path = "../../usercom-derive/src/pipeline.rs"]
mod pipeline;
#[path = "../../usercom-derive/src/schema.rs"]
mod schema;
// Some schema checks serve only `FromUserComUser`, which this target does not run.
#[allow(dead_code)]
#[path = "../../usercom-derive/src/schema_check.rs"]
mod schema_check;
#[path = "../../usercom-derive/src/table.rs"]
mod table;
#[path = "../../usercom-derive/src/valid.rs"]
mod valid;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(input) = syn::parse_str::<syn::DeriveInput>(text) else {
        return;
    };
    let output = pipeline::derive(&input);
    syn::parse2::<syn::File>(output).expect("the derive's output is valid items");
});
