//! Where the generated code finds usercom: `#[usercom(crate = path)]`, else the name under
//! which the crate being compiled depends on `usercom` (renamed or not), else on
//! `usercom-core` (without the facade), else `::usercom`.
//!
//! The dependency is looked up in the crate's own `Cargo.toml` (`CARGO_MANIFEST_DIR`), read
//! with the `toml` crate, once per compilation thread. Not with `proc-macro-crate`, which
//! does the same but also runs `cargo locate-project` in every compilation that expands the
//! derive (to read workspace-inherited dependencies): that process alone cost about 4% of a
//! `cargo check` of a crate of 200 derived structs (BENCHMARKS.md, "Compile time"). A
//! dependency renamed only in `[workspace.dependencies]` is not seen here: such a crate
//! writes `#[usercom(crate = ::name)]`.

use std::cell::RefCell;
use std::path::PathBuf;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::Path;

/// The path of the crate that holds `IntoUserComUser`, for `krate` (`crate = path`) if given.
pub(crate) fn crate_path(krate: Option<&Path>) -> TokenStream {
    if let Some(path) = krate {
        return quote!(#path);
    }
    let ident = Ident::new(&dependency_name(), Span::call_site());
    quote!(::#ident)
}

thread_local! {
    /// The manifest last read on this thread, and the name found in it.
    static FOUND: RefCell<Option<(PathBuf, String)>> = const { RefCell::new(None) };
}

/// The name of usercom (or usercom-core) in the compiled crate's dependencies.
fn dependency_name() -> String {
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return "usercom".to_owned();
    };
    let manifest = PathBuf::from(dir).join("Cargo.toml");
    FOUND.with(|found| {
        let mut found = found.borrow_mut();
        match &*found {
            Some((path, name)) if *path == manifest => name.clone(),
            _ => {
                let text = std::fs::read_to_string(&manifest).unwrap_or_default();
                let name = name_in(&text, std::env::var("CARGO_PKG_NAME").ok().as_deref());
                *found = Some((manifest, name.clone()));
                name
            }
        }
    })
}

/// The name under which the manifest `text` of the package `package` reaches usercom:
/// the package itself, a dependency on `usercom`, then one on `usercom-core`, in any
/// dependency table (normal, dev, build, per target); `usercom` when there is none (or the
/// manifest cannot be read: the compiler then says what is missing).
fn name_in(text: &str, package: Option<&str>) -> String {
    let table: toml::Table = text.parse().unwrap_or_default();
    let tables = dependency_tables(&table);
    for wanted in ["usercom", "usercom-core"] {
        if package == Some(wanted) {
            return wanted.replace('-', "_");
        }
        for dependencies in &tables {
            for (key, value) in dependencies.iter() {
                let real = value
                    .get("package")
                    .and_then(toml::Value::as_str)
                    .unwrap_or(key);
                if real == wanted {
                    return key.replace('-', "_");
                }
            }
        }
    }
    "usercom".to_owned()
}

/// Every dependency table of a manifest: `[dependencies]`, `[dev-dependencies]`,
/// `[build-dependencies]` (and their old `dev_dependencies` spellings), and each of them
/// under `[target.'cfg(...)']`.
fn dependency_tables(manifest: &toml::Table) -> Vec<&toml::Table> {
    const KINDS: [&str; 5] = [
        "dependencies",
        "dev-dependencies",
        "dev_dependencies",
        "build-dependencies",
        "build_dependencies",
    ];
    fn of(table: &toml::Table) -> impl Iterator<Item = &toml::Table> {
        KINDS
            .iter()
            .filter_map(|kind| table.get(*kind).and_then(toml::Value::as_table))
    }
    let mut tables: Vec<&toml::Table> = of(manifest).collect();
    if let Some(targets) = manifest.get("target").and_then(toml::Value::as_table) {
        for target in targets.values().filter_map(toml::Value::as_table) {
            tables.extend(of(target));
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::name_in;

    #[test]
    fn the_name_is_the_dependency_key_of_usercom_or_usercom_core() {
        let name = |text: &str| name_in(text, Some("app"));
        assert_eq!(name("[dependencies]\nusercom = \"0.1\""), "usercom");
        assert_eq!(
            name("[dependencies]\nuc = { package = \"usercom\", version = \"0.1\" }"),
            "uc"
        );
        assert_eq!(
            name("[dependencies]\nusercom-core = \"0.1\"\nusercom-derive = \"0.1\""),
            "usercom_core"
        );
        assert_eq!(
            name("[dependencies]\nusercom-core = \"0.1\"\n[dev-dependencies]\nusercom = \"0.1\""),
            "usercom",
            "the facade first"
        );
        assert_eq!(
            name("[target.'cfg(unix)'.dependencies]\nmine = { package = \"usercom\" }"),
            "mine"
        );
        assert_eq!(
            name("[dependencies]\nusercom = { workspace = true }"),
            "usercom"
        );
        assert_eq!(name(""), "usercom");
        assert_eq!(name("not toml at all ["), "usercom");
        assert_eq!(name_in("", Some("usercom-core")), "usercom_core");
    }
}
