//! Finds and reads the app's schema (`usercom.schema.json`), once per file version per
//! compilation.
//!
//! Where it is: `#[usercom(schema = "path")]` on the struct (relative to the crate's
//! manifest directory), else the `USERCOM_SCHEMA` environment variable (likewise), else
//! `usercom.schema.json` in the manifest directory. The first two are required: a missing
//! file is an error. The default is optional: no file, no checks.
//!
//! Proc macros may stay loaded across builds (rust-analyzer keeps them), so the cache is
//! keyed by path, length and modification time: an edited file is read again, never served
//! stale.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use usercom_schema::Schema;

/// A schema the derive checks against.
pub(crate) struct Loaded {
    /// The path as the user wrote it (or the default name), for messages.
    pub(crate) shown: String,
    /// Its attributes.
    pub(crate) schema: Arc<Schema>,
}

/// Where the schema comes from, for messages.
pub(crate) enum Source {
    /// `#[usercom(schema = "...")]`.
    Attribute,
    /// The `USERCOM_SCHEMA` environment variable.
    Env,
    /// `usercom.schema.json` next to `Cargo.toml`.
    Default,
}

/// The schema to check against, `Ok(None)` when none is configured and the default file
/// does not exist, or the error message (naming the path) when a file cannot be used.
pub(crate) fn find(attribute: Option<&str>) -> Result<Option<(Loaded, Source)>, String> {
    let (written, path, source) = locate(attribute);
    if matches!(source, Source::Default) && !path.is_file() {
        return Ok(None);
    }
    let origin = match source {
        Source::Attribute => "named by `schema = ...`".to_owned(),
        Source::Env => format!(
            "named by the environment variable {}",
            usercom_schema::ENV_VAR
        ),
        Source::Default => "found next to Cargo.toml".to_owned(),
    };
    let schema = load(&path).map_err(|problem| {
        format!("the schema file `{written}` ({origin}, relative to the crate's manifest directory) {problem}")
    })?;
    Ok(Some((
        Loaded {
            shown: written,
            schema,
        },
        source,
    )))
}

/// The path as written, the file it names, and where it was named.
fn locate(attribute: Option<&str>) -> (String, PathBuf, Source) {
    let (written, source) = match attribute {
        Some(path) => (path.to_owned(), Source::Attribute),
        None => match std::env::var(usercom_schema::ENV_VAR) {
            Ok(path) if !path.is_empty() => (path, Source::Env),
            _ => (
                usercom_schema::DEFAULT_FILE_NAME.to_owned(),
                Source::Default,
            ),
        },
    };
    let path = match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => Path::new(&dir).join(&written),
        None => PathBuf::from(&written),
    };
    (written, path, source)
}

/// Items that make the build follow the schema: the environment variable that can name it
/// (setting it re-runs the derive) and, when the file exists, an `include_bytes!` of it
/// (editing it re-runs the derive, errors included: a fixed malformed file is read again).
///
/// What they do is record the variable and the file in the crate's dep-info, which is one
/// record for the whole compilation; so they are emitted by the first derive of the
/// compilation that names each, not by every struct. (An `include_bytes!` per struct put the
/// whole file in the crate once per struct, as a constant to hash, evaluate and cache: with a
/// 200-attribute schema and 200 structs, 4 MB of constants and a third more `cargo check`
/// time.) Every derive of a crate runs in one compiler process, on one thread, in the same
/// order each build, so the first derive is the same from build to build; a compiler that
/// ran each derive on a thread of its own would get the items from every derive, as before.
pub(crate) fn tracking(attribute: Option<&str>) -> proc_macro2::TokenStream {
    let (_, path, _) = locate(attribute);
    let include =
        (path.is_absolute() && path.is_file() && first_in_compilation(&path.to_string_lossy()))
            .then(|| {
                let path = path.to_string_lossy();
                quote::quote!(
                    const _: &[u8] = ::core::include_bytes!(#path);
                )
            });
    let var = usercom_schema::ENV_VAR;
    let env = first_in_compilation(var).then(|| {
        quote::quote!(
            const _: ::core::option::Option<&str> = ::core::option_env!(#var);
        )
    });
    quote::quote! {
        #env
        #include
    }
}

/// Whether `key` (a schema's path, or the variable's name) is tracked for the first time in
/// the compilation of the crate being compiled (see [`tracking`]). The record is kept per
/// thread and per crate (`CARGO_MANIFEST_DIR`, `CARGO_CRATE_NAME`): a process that expands
/// several crates (an IDE's macro server) gets the items once for each.
fn first_in_compilation(key: &str) -> bool {
    use std::cell::RefCell;
    use std::collections::HashSet;
    thread_local! {
        static TRACKED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
    }
    let krate = format!(
        "{}\0{}\0{key}",
        std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default(),
        std::env::var("CARGO_CRATE_NAME").unwrap_or_default()
    );
    TRACKED.with(|tracked| tracked.borrow_mut().insert(krate))
}

type Cache = HashMap<PathBuf, (u64, Option<SystemTime>, Arc<Schema>)>;

fn load(path: &Path) -> Result<Arc<Schema>, String> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let metadata = std::fs::metadata(path).map_err(|e| {
        format!("cannot be read: {e}; write it with `usercom schema pull --out <path>`")
    })?;
    let key = (metadata.len(), metadata.modified().ok());
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some((len, modified, schema)) = cache.lock().ok().and_then(|c| c.get(path).cloned()) {
        if (len, modified) == key {
            return Ok(schema);
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot be read: {e}"))?;
    let schema = Arc::new(Schema::parse(&text).map_err(|e| format!("is malformed: {e}"))?);
    if let Ok(mut cache) = cache.lock() {
        cache.insert(path.to_owned(), (key.0, key.1, schema.clone()));
    }
    Ok(schema)
}
