//! The name under which the crate being compiled depends on `usercom` (or `usercom-core`):
//! its `Cargo.toml` is scanned for the dependency, renamed or not.
//!
//! Only the lines that declare dependencies are read, so no TOML parser is compiled into the
//! derive (a full one doubles the derive's build time): `name = ...` and `name.key = ...`
//! lines in `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]` and their
//! `[target.'...'.*]` forms, with `package = "..."` in an inline table, and
//! `[dependencies.name]` tables with a `package = "..."` line. A dependency inherited with
//! `workspace = true` is looked up in the workspace's `[workspace.dependencies]` for a
//! `package` rename.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// The identifier (`-` as `_`) under which the crate being compiled reaches `package`: its
/// own name when it is that package, else the dependency's (possibly renamed) key; `None`
/// when it does not depend on it or its manifest cannot be read.
pub(crate) fn dependency_name(package: &str) -> Option<String> {
    if std::env::var("CARGO_PKG_NAME").ok().as_deref() == Some(package) {
        return Some(package.replace('-', "_"));
    }
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let deps = cached_dependencies(&dir.join("Cargo.toml"))?;
    // The last declaration wins, as in Cargo's own tables.
    deps.iter()
        .rev()
        .find(|dep| dep.package == package)
        .map(|dep| dep.key.replace('-', "_"))
}

/// One declared dependency: the key it is declared (and reached) under, and the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dependency {
    pub(crate) key: String,
    pub(crate) package: String,
}

type Cached = (PathBuf, Option<SystemTime>, Vec<Dependency>);

/// The dependencies of the manifest at `path`, re-read when its modification time changes
/// (a derive runs once per struct; the manifest is read once per crate).
fn cached_dependencies(path: &Path) -> Option<Vec<Dependency>> {
    static CACHE: Mutex<Option<Cached>> = Mutex::new(None);
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((cached_path, cached_modified, deps)) = cache.as_ref() {
        if cached_path == path && *cached_modified == modified {
            return Some(deps.clone());
        }
    }
    let text = std::fs::read_to_string(path).ok()?;
    let mut deps = dependencies(&text);
    if deps.iter().any(|dep| dep.package.is_empty()) {
        let workspace = workspace_manifest(path).map(|text| workspace_dependencies(&text));
        for dep in &mut deps {
            if dep.package.is_empty() {
                dep.package = workspace
                    .as_ref()
                    .and_then(|ws| ws.iter().find(|w| w.key == dep.key))
                    .map_or_else(|| dep.key.clone(), |w| w.package.clone());
            }
        }
    }
    *cache = Some((path.to_owned(), modified, deps.clone()));
    Some(deps)
}

/// The text of the nearest `Cargo.toml`, `manifest` itself or one above it, that has a
/// `[workspace]` table.
fn workspace_manifest(manifest: &Path) -> Option<String> {
    let mut dir = manifest.parent();
    while let Some(current) = dir {
        if let Ok(text) = std::fs::read_to_string(current.join("Cargo.toml")) {
            if text
                .lines()
                .any(|line| table_header(line).as_deref() == Some("workspace"))
            {
                return Some(text);
            }
        }
        dir = current.parent();
    }
    None
}

/// The dependencies a manifest declares. A dependency inherited from the workspace
/// (`workspace = true`) has an empty `package`, to be looked up there.
pub(crate) fn dependencies(manifest: &str) -> Vec<Dependency> {
    declared(manifest, is_dependency_table)
}

/// The `[workspace.dependencies]` of a workspace manifest.
fn workspace_dependencies(manifest: &str) -> Vec<Dependency> {
    declared(manifest, |table| table == "workspace.dependencies")
}

fn is_dependency_table(table: &str) -> bool {
    let last = table.rsplit('.').next().unwrap_or(table);
    matches!(
        last,
        "dependencies" | "dev-dependencies" | "build-dependencies"
    ) && (table == last || table.starts_with("target."))
}

fn declared(manifest: &str, wanted: impl Fn(&str) -> bool) -> Vec<Dependency> {
    let mut out = Vec::new();
    // In a `[dependencies.name]` table: the index of `name` in `out`.
    let mut sub_table: Option<usize> = None;
    let mut in_table = false;
    for line in manifest.lines() {
        let line = line.trim();
        if let Some(header) = table_header(line) {
            in_table = wanted(&header);
            sub_table = None;
            if !in_table {
                if let Some((table, key)) = header.rsplit_once('.') {
                    if wanted(table) {
                        out.push(Dependency {
                            key: key.to_owned(),
                            package: key.to_owned(),
                        });
                        sub_table = Some(out.len() - 1);
                    }
                }
            }
            continue;
        }
        let Some((key, value)) = key_value(line) else {
            continue;
        };
        if let Some(index) = sub_table {
            match key.as_slice() {
                [k] if k == "package" => {
                    if let Some(package) = string_value(value) {
                        out[index].package = package;
                    }
                }
                [k] if k == "workspace" && value.trim() == "true" => out[index].package.clear(),
                _ => {}
            }
        } else if in_table {
            let name = key[0].clone();
            let package = match key.get(1).map(String::as_str) {
                // `name.workspace = true`
                Some("workspace") => String::new(),
                Some("package") => string_value(value).unwrap_or_else(|| name.clone()),
                Some(_) => name.clone(),
                None => inline_package(value).unwrap_or_else(|| name.clone()),
            };
            // `name.package = "..."` after `name.version = "..."` updates the same entry.
            match out.iter_mut().rev().find(|dep| dep.key == name) {
                Some(dep) if key.len() > 1 => {
                    if key[1] == "package" || key[1] == "workspace" {
                        dep.package = package;
                    }
                }
                _ => out.push(Dependency { key: name, package }),
            }
        }
    }
    out
}

/// `[a.b."c"]` as `a.b.c`; `None` for anything that is not a table header (array-of-tables
/// headers `[[...]]` included).
fn table_header(line: &str) -> Option<String> {
    let inner = line.strip_prefix('[')?;
    if inner.starts_with('[') {
        return None;
    }
    let end = inner.find(']')?;
    let keys = dotted_key(&inner[..end])?;
    Some(keys.join("."))
}

/// A `key = value` line: the dotted key's parts and the value text.
fn key_value(line: &str) -> Option<(Vec<String>, &str)> {
    if line.starts_with('#') {
        return None;
    }
    let mut in_quotes = None;
    for (i, c) in line.char_indices() {
        match (c, in_quotes) {
            ('"' | '\'', None) => in_quotes = Some(c),
            (q, Some(open)) if q == open => in_quotes = None,
            ('=', None) => return Some((dotted_key(&line[..i])?, line[i + 1..].trim())),
            _ => {}
        }
    }
    None
}

/// `a.'b'."c"` as `["a", "b", "c"]`; `None` when it is not a key.
fn dotted_key(text: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    for part in text.split('.') {
        let part = part.trim();
        let unquoted = part
            .strip_prefix('"')
            .and_then(|p| p.strip_suffix('"'))
            .or_else(|| part.strip_prefix('\'').and_then(|p| p.strip_suffix('\'')));
        let key = match unquoted {
            Some(key) => key,
            None if !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                part
            }
            None => return None,
        };
        parts.push(key.to_owned());
    }
    Some(parts)
}

/// The string a value starts with (`"x"` or `'x'`).
fn string_value(value: &str) -> Option<String> {
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &value[1..];
    Some(rest[..rest.find(quote)?].to_owned())
}

/// `package = "..."` inside an inline table value; an empty string for `workspace = true`.
fn inline_package(value: &str) -> Option<String> {
    let inner = value.strip_prefix('{')?;
    let mut workspace = false;
    for item in inner.split(',') {
        let Some((key, value)) = key_value(item.trim().trim_end_matches('}').trim()) else {
            continue;
        };
        match key.as_slice() {
            [k] if k == "package" => return string_value(value),
            [k] if k == "workspace" && value.trim_end_matches('}').trim() == "true" => {
                workspace = true
            }
            _ => {}
        }
    }
    workspace.then(String::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(manifest: &str, package: &str) -> Option<String> {
        dependencies(manifest)
            .into_iter()
            .rev()
            .find(|dep| dep.package == package)
            .map(|dep| dep.key)
    }

    #[test]
    fn plain_renamed_and_sub_table_dependencies() {
        let manifest = r#"
[package]
name = "app"
description = "usercom = 1"   # not a dependency table

[dependencies]
serde = { version = "1", features = [
    "derive",
] }
usercom = "0.1"

[dev-dependencies]
crm = { package = "usercom-core", version = "0.1" } # renamed

[target.'cfg(unix)'.dependencies.user-com]
version = "0.1"
package = "usercom"
"#;
        assert_eq!(find(manifest, "usercom").as_deref(), Some("user-com"));
        assert_eq!(find(manifest, "usercom-core").as_deref(), Some("crm"));
        assert_eq!(find(manifest, "serde").as_deref(), Some("serde"));
        assert_eq!(find(manifest, "app"), None);
    }

    #[test]
    fn dotted_keys_and_workspace_inheritance() {
        let manifest = r#"
[dependencies]
usercom.workspace = true
"crm".version = "0.1"
"crm".package = "usercom-core"
other = { workspace = true, features = ["x"] }
"#;
        let deps = dependencies(manifest);
        assert_eq!(
            deps,
            [
                Dependency {
                    key: "usercom".into(),
                    package: String::new()
                },
                Dependency {
                    key: "crm".into(),
                    package: "usercom-core".into()
                },
                Dependency {
                    key: "other".into(),
                    package: String::new()
                },
            ]
        );
        let workspace = "[workspace]\n[workspace.dependencies]\nother = { package = \"usercom\", path = \"x\" }\n";
        assert_eq!(
            workspace_dependencies(workspace),
            [Dependency {
                key: "other".into(),
                package: "usercom".into()
            }]
        );
    }

    #[test]
    fn tables_that_are_not_dependencies_are_skipped() {
        let manifest = "[features]\nusercom = []\n[workspace.dependencies]\nusercom = \"1\"\n\
                        [package.metadata.dependencies]\nusercom = \"1\"\n";
        assert_eq!(find(manifest, "usercom"), None);
    }

    #[test]
    fn this_crates_own_manifest() {
        // usercom-derive depends on neither: the derive falls back to `::usercom`.
        assert_eq!(dependency_name("usercom"), None);
        assert_eq!(
            dependency_name("usercom-table").as_deref(),
            Some("usercom_table")
        );
        assert_eq!(
            dependency_name("usercom-derive").as_deref(),
            Some("usercom_derive")
        );
    }
}
