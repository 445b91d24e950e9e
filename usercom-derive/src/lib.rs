//! `#[derive(IntoUserComUser)]`: map a struct's fields to User.com user attributes, checked
//! at compile time. Use it through the facade crate `usercom`, which documents the
//! attributes; this crate holds only the macro.
//!
//! The derive is a pipeline:
//! `ast` (a borrowed view of the input that keeps syn's nodes for spans, with `attr` parsing
//! `#[usercom(...)]` against the one `table` of standard attributes) → `valid` (checks across
//! fields) → `expand` (code generation). Every error of a struct is collected in a
//! `ctxt::Ctxt` and reported in one build; after an error, `fallback` still emits a stub impl
//! so that the rest of the crate does not drown in follow-on errors.
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod case;
mod crate_path;
mod ctxt;
mod event;
mod expand;
mod fallback;
mod from;
mod newtype;
mod pipeline;
mod schema;
mod schema_check;
mod table;
mod valid;
mod value;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Implements `usercom::IntoUserComUser` for a struct with named fields.
///
/// See the `usercom` crate for the attributes and the accepted field types.
#[proc_macro_derive(IntoUserComUser, attributes(usercom))]
pub fn derive_into_user_com_user(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    pipeline::derive(&input).into()
}

/// Implements `usercom::FromUserComUser` for a struct with named fields: the same
/// `#[usercom(...)]` mapping as `IntoUserComUser`, read from a User.com user.
///
/// See the `usercom` crate for `write_only`, `default` and `from = path`.
#[proc_macro_derive(FromUserComUser, attributes(usercom))]
pub fn derive_from_user_com_user(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    pipeline::run::<from::FromUserComUser>(&input).into()
}

/// Implements `usercom::UserComValue` (and the value traits) for a fieldless enum: the value
/// of a `fixed` custom attribute, each variant sent as its wire name.
///
/// See the `usercom` crate for `rename`, `rename_all` and `attribute = "..."`.
#[proc_macro_derive(UserComValue, attributes(usercom))]
pub fn derive_user_com_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    pipeline::run::<value::UserComValue>(&input).into()
}

/// Implements `usercom::IntoUserComEvent` for a struct with named fields: the event named by
/// `#[usercom(event = "...")]`, with the fields marked `data` (or `data = "name"`) as its
/// data and the one marked `timestamp` as its time.
///
/// See the `usercom` crate for the attributes and the accepted field types.
#[proc_macro_derive(IntoUserComEvent, attributes(usercom))]
pub fn derive_into_user_com_event(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    pipeline::run::<event::IntoUserComEvent>(&input).into()
}

/// Expansion snapshots: what the derive generates for representative structs, formatted, so
/// that a reviewer can read it. Review changes with `cargo insta review` (or accept them with
/// `INSTA_UPDATE=always`).
#[cfg(test)]
mod tests {
    fn expand(input: syn::DeriveInput) -> String {
        let tokens = super::pipeline::derive(&input);
        let file: syn::File = syn::parse2(tokens).expect("the expansion parses as items");
        // The schema's absolute path (in `include_bytes!`) differs from machine to machine.
        prettyplease::unparse(&file).replace(env!("CARGO_MANIFEST_DIR"), "$CARGO_MANIFEST_DIR")
    }

    #[test]
    fn custom_attributes_checked_against_a_schema() {
        insta::assert_snapshot!(expand(syn::parse_quote! {
            #[usercom(schema = "fixtures/app.schema.json")]
            struct Customer<P> {
                #[usercom(attribute = "seats")]
                seats: u32,
                #[usercom(attribute = "plan")]
                plan: Option<Plan>,
                #[usercom(attribute = "nickname", with = text::nickname)]
                nickname: Name,
                #[usercom(attribute = "tier")]
                tier: P,
            }
        }));
    }

    #[test]
    fn user_com_value_enum() {
        let input: syn::DeriveInput = syn::parse_quote! {
            #[usercom(rename_all = "kebab-case")]
            enum Plan {
                Free,
                ProAnnual,
                #[usercom(rename = "biz")]
                Business,
            }
        };
        let file: syn::File =
            syn::parse2(super::pipeline::run::<super::value::UserComValue>(&input))
                .expect("the expansion parses as items");
        insta::assert_snapshot!(prettyplease::unparse(&file));
    }

    #[test]
    fn standard_custom_and_unmapped_fields() {
        insta::assert_snapshot!(expand(syn::parse_quote! {
            struct Customer {
                #[usercom(email)]
                email: String,
                #[usercom(first_name)]
                given_name: String,
                #[usercom(score)]
                loyalty_points: i32,
                #[usercom(attribute = "plan")]
                plan: Option<String>,
                password_hash: String,
            }
        }));
    }

    #[test]
    fn generics_flatten_and_with() {
        insta::assert_snapshot!(expand(syn::parse_quote! {
            #[usercom(crate = ::usercom)]
            struct Account<'a, Id, Extra: Clone> where Extra: Default {
                #[usercom(user_id)]
                id: Id,
                #[usercom(company_id, with = ids::company)]
                company: Company,
                #[usercom(flatten)]
                address: Extra,
                #[usercom(city)]
                city: &'a str,
            }
        }));
    }

    /// The items that record the schema and its variable in the dep-info come once per
    /// compilation (its first derive), not once per struct; a compilation that expands its
    /// derives on another thread gets them again.
    #[test]
    fn schema_tracked_by_the_first_derive_only() {
        let input: syn::DeriveInput = syn::parse_quote! {
            #[usercom(schema = "fixtures/app.schema.json")]
            struct Customer {
                #[usercom(attribute = "seats")]
                seats: u32,
            }
        };
        let count = |text: &str| {
            (
                text.matches("include_bytes!").count(),
                text.matches("option_env!").count(),
            )
        };
        let first = expand(input.clone());
        let second = expand(input.clone());
        assert_eq!(count(&first), (1, 1));
        assert_eq!(count(&second), (0, 0));
        // Everything else is the same.
        let without_tracking = |text: &str| {
            let text: String = text.split_whitespace().collect();
            let mut rest = text.as_str();
            let mut kept = String::new();
            for start in ["const_:::core::option::Option", "const_:&[u8]"] {
                let (before, after) = rest.split_once(start).expect("a tracking item");
                kept.push_str(before);
                rest = &after[after.find(';').expect("the item's end") + 1..];
            }
            kept + rest
        };
        assert_eq!(
            without_tracking(&first),
            second.split_whitespace().collect::<String>()
        );
        // (proc-macro2's tokens are not `Send`: the input crosses as text.)
        let text = quote::quote!(#input).to_string();
        let other_thread = std::thread::spawn(move || expand(syn::parse_str(&text).unwrap()))
            .join()
            .unwrap();
        assert_eq!(count(&other_thread), (1, 1));
    }

    #[test]
    fn errors_and_fallback() {
        insta::assert_snapshot!(expand(syn::parse_quote! {
            struct Customer {
                #[usercom(emial)]
                email: String,
                #[usercom(city)]
                city: String,
                #[usercom(city)]
                town: String,
            }
        }));
    }
}

/// The fuzz corpus and seeds (`fuzz/corpus/derive_input` in the repository, where the
/// fuzzer keeps it) replayed through the same function as the fuzz target, on stable: CI
/// cannot run the fuzzer, but it runs every input it found. The corpus is not in the
/// published package: run from a package, the test says it was skipped, and under CI
/// (`CI=true`) fails instead.
#[cfg(test)]
mod fuzz_replay {
    use std::path::Path;

    /// The body of the `derive_input` fuzz target.
    fn check(data: &[u8]) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let Ok(input) = syn::parse_str::<syn::DeriveInput>(text) else {
            return;
        };
        let output = super::pipeline::derive(&input);
        syn::parse2::<syn::File>(output).expect("the derive's output is valid items");
    }

    #[test]
    fn corpus_and_seeds_never_panic() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/derive_input");
        if !dir.is_dir() {
            let ci = std::env::var("CI").is_ok_and(|value| value == "true" || value == "1");
            assert!(!ci, "CI=true, but the corpus {} is missing", dir.display());
            eprintln!(
                "SKIPPED: no corpus at {} (a package has none)",
                dir.display()
            );
            return;
        }
        let mut replayed = 0;
        for entry in std::fs::read_dir(&dir).expect("the corpus can be listed") {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{} panicked", path.display());
            replayed += 1;
        }
        assert!(replayed >= 50, "only {replayed} inputs");
    }

    #[test]
    fn deeply_nested_attribute_values_do_not_exhaust_the_stack() {
        // Attribute values are read flat: thousands of `<` or nested groups are an error,
        // not a stack overflow (which would crash the compiler).
        let deep = "<".repeat(20_000);
        let groups = format!("{}x{}", "(".repeat(2_000), ")".repeat(2_000));
        for value in [&deep, &groups] {
            for attribute in ["email, with = ", "attribute = ", "flatten = "] {
                check(format!("struct S {{ #[usercom({attribute}{value})] a: u8 }}").as_bytes());
            }
            check(
                format!("#[usercom(crate = {value})] struct S {{ #[usercom(email)] a: u8 }}")
                    .as_bytes(),
            );
        }
    }

    #[test]
    fn types_written_as_surely_fitting_ones_are_recognised() {
        use usercom_schema::ValueType::*;
        let fits = |ty: &str, value_type| {
            super::schema_check::surely_fits(&syn::parse_str(ty).unwrap(), &value_type)
        };
        for (ty, value_type) in [
            ("bool", Boolean),
            ("Option<bool>", Boolean),
            ("u32", Integer),
            ("&'a i64", Integer),
            ("Option<Option<usize>>", Integer),
            ("f64", Float),
            ("u8", Float),
            ("String", String),
            ("&str", String),
            ("Option<&'a str>", String),
            ("(String)", Fixed),
        ] {
            assert!(fits(ty, value_type), "{ty} surely fits {value_type:?}");
        }
        for (ty, value_type) in [
            // Misfits keep a marker: the compiler's message names the attribute.
            ("String", Integer),
            ("f32", Integer),
            ("u8", Boolean),
            ("bool", String),
            ("u8", Fixed),
            // Types the derive cannot judge by their name.
            ("Plan", Fixed),
            ("std::string::String", String),
            ("::core::primitive::u32", Integer),
            ("Option<u32, X>", Integer),
            ("Vec<u32>", Integer),
            ("Box<str>", String),
            ("NaiveDate", Date),
            ("NaiveDateTime", DateTime),
            ("serde_json::Value", Json),
            ("[u32; 1]", Integer),
            ("<T as Tr>::U", Integer),
        ] {
            assert!(!fits(ty, value_type), "{ty} is not surely {value_type:?}");
        }
    }

    #[test]
    fn hostile_inputs_are_errors_not_panics() {
        for text in [
            "struct S { #[usercom(with = )] a: u8 }",
            "struct S { #[usercom(attribute = \"\\u{0}\")] a: u8 }",
            "struct S { #[usercom(attribute = b\"x\")] a: u8 }",
            "struct S { #[usercom(::email)] a: u8 }",
            "struct S { #[usercom(email(x))] a: u8 }",
            "struct S { #[usercom(email, with = a::b::<u8>, with = c)] a: u8 }",
            "#[usercom(crate = 5)] struct S { #[usercom(email)] a: u8 }",
            "#[usercom(crate = \"not a path\")] struct S { #[usercom(email)] a: u8 }",
            "#[usercom] #[usercom()] struct S<'a, T: 'a> where T: ?Sized { #[usercom()] a: &'a T }",
            "struct S { #[usercom(flatten = 1, flatten)] a: u8, #[usercom(attribute = \"x\", attribute = \"y\")] b: u8 }",
            "enum E {}",
            "union U { a: u8 }",
            "struct S();",
        ] {
            check(text.as_bytes());
        }
    }
}
