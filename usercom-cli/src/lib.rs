//! The `usercom` command: writes a User.com app's custom user attributes to
//! `usercom.schema.json` (`usercom schema pull`), and tells CI when the committed file no
//! longer matches the app (`usercom schema check`).
//!
//! The binary is a thin shell around [`run`]; the steps are public for tests and for tools
//! of your own:
//!
//! ```no_run
//! # async fn run() -> Result<(), usercom_cli::CliError> {
//! use std::path::Path;
//! use usercom_cli::{check, client, Env};
//! let client = client(None, &Env::from_process())?;
//! let checked = check(&client, Path::new("usercom.schema.json")).await?;
//! for change in &checked.changes {
//!     println!("{change}");
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod args;
mod sync;
mod write;

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Parser;
use usercom_core::{AttributeDefinition, Client, Error};
use usercom_schema::{Attribute, Change, ParseError, Schema, ValueType};

pub use args::{CheckArgs, Cli, Command, PullArgs, SchemaCommand, StoreArgs, SyncCommand};
pub use write::write_atomically;

/// Exit status: success; for `check`, the file matches the app.
pub const EXIT_OK: u8 = 0;
/// Exit status of `check` when the file no longer matches the app.
pub const EXIT_DRIFT: u8 = 1;
/// Exit status of every failure: usage, configuration, network, the API, the file.
pub const EXIT_ERROR: u8 = 2;

/// The environment variable holding the API key.
pub const API_KEY_VAR: &str = "USERCOM_API_KEY";
/// The environment variable holding the app's subdomain.
pub const SUBDOMAIN_VAR: &str = "USERCOM_SUBDOMAIN";

/// What the command reads from the environment.
#[derive(Clone, Default)]
pub struct Env {
    /// `USERCOM_API_KEY`.
    pub api_key: Option<OsString>,
    /// `USERCOM_SUBDOMAIN`.
    pub subdomain: Option<OsString>,
}

impl Env {
    /// The process's `USERCOM_API_KEY` and `USERCOM_SUBDOMAIN`.
    pub fn from_process() -> Env {
        Env {
            api_key: std::env::var_os(API_KEY_VAR),
            subdomain: std::env::var_os(SUBDOMAIN_VAR),
        }
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Env")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("subdomain", &self.subdomain)
            .finish()
    }
}

/// Why a command failed. `Display` is the one-line reason, [`CliError::hints`] the advice
/// printed under it; neither ever contains the API key.
#[derive(Debug)]
#[non_exhaustive]
pub enum CliError {
    /// The command cannot start: a variable is missing or unusable. Nothing was sent.
    Config(String),
    /// The client could not be built (an API key of the wrong shape, a bad base URL).
    /// Nothing was sent.
    Client(Error),
    /// Listing the app's attribute definitions failed.
    Api(Error),
    /// A user attribute's value type is not one this version knows.
    UnknownValueType {
        /// The attribute.
        name_std: String,
        /// The value type the app gave.
        value_type: String,
    },
    /// The app's list cannot be written as a schema file (an empty name, a name listed
    /// twice with different definitions).
    App(String),
    /// A file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A schema file is malformed.
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        source: ParseError,
    },
    /// The schema file could not be written (the old one, if any, is unchanged).
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Config(what) | CliError::App(what) => f.write_str(what),
            CliError::Client(error) => write!(f, "{error}"),
            CliError::Api(error) => match error {
                Error::Api { status, .. } if matches!(status, 401 | 403) => write!(
                    f,
                    "User.com refused the API key ({status}): {}",
                    server_message(error, *status)
                ),
                _ => write!(
                    f,
                    "listing the app's attribute definitions failed: {}",
                    library_message(error)
                ),
            },
            CliError::UnknownValueType {
                name_std,
                value_type,
            } => write!(
                f,
                "the app's user attribute `{name_std}` has the value type {value_type:?}, which \
                 this version of usercom does not know (it knows {})",
                ValueType::ALL.map(ValueType::as_str).join(", ")
            ),
            CliError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            CliError::Parse { path, source } => {
                write!(f, "{} is not a valid schema file: {source}", path.display())
            }
            CliError::Write { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Client(error) | CliError::Api(error) => Some(error),
            CliError::Read { source, .. } | CliError::Write { source, .. } => Some(source),
            CliError::Parse { source, .. } => Some(source),
            CliError::Config(_) | CliError::App(_) | CliError::UnknownValueType { .. } => None,
        }
    }
}

impl CliError {
    /// Advice for the reader, one line each (may be empty).
    ///
    /// ```
    /// use usercom_cli::CliError;
    /// let error = CliError::Config("USERCOM_API_KEY is not set".into());
    /// assert!(error.hints().is_empty());
    /// ```
    pub fn hints(&self) -> Vec<String> {
        let mut hints = Vec::new();
        match self {
            CliError::Api(Error::Api { status: 401, .. }) => hints.push(format!(
                "check {API_KEY_VAR}: it must be a public REST API key of this app (User.com: \
                 Settings -> Public REST API keys), and {SUBDOMAIN_VAR} or --base-url must name \
                 the app the key belongs to"
            )),
            CliError::Api(Error::Api { status: 403, .. }) => hints.push(format!(
                "the key in {API_KEY_VAR} was recognised but may not read attribute definitions: \
                 check its permissions in User.com (Settings -> Public REST API keys)"
            )),
            CliError::Api(Error::Api { status: 404, .. }) => hints.push(
                "is the base URL right? User.com's is https://<subdomain>.user.com/api/public/"
                    .to_owned(),
            ),
            CliError::UnknownValueType { .. } => {
                hints.push("a newer version of usercom may know it".to_owned())
            }
            CliError::Read { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                hints.push("create it with `usercom schema pull`".to_owned())
            }
            CliError::Parse { .. } => hints.push(
                "fix the file at the place shown, or move it away and run `usercom schema \
                 pull` again (its hand-written choices would then be lost)"
                    .to_owned(),
            ),
            _ => {}
        }
        hints
    }
}

/// The library error's message, without the note about creates of unknown outcome (the
/// command only reads).
fn library_message(error: &Error) -> String {
    let mut text = error.to_string();
    if let Some(cut) = text.find(" (the outcome is unknown") {
        text.truncate(cut);
    }
    text
}

/// What the server said in an error answer with `status`, as the library summarises it.
fn server_message(error: &Error, status: u16) -> String {
    let text = library_message(error);
    match text.strip_prefix(&format!("User.com answered {status}: ")) {
        Some(message) => message.to_owned(),
        None => text,
    }
}

/// A client of the app that `base_url` (else `USERCOM_SUBDOMAIN`) names, with the key in
/// `USERCOM_API_KEY` and the library's default timeouts and retries. Nothing is sent.
///
/// ```
/// use usercom_cli::{client, Env};
/// let env = Env { api_key: Some("k".repeat(64).into()), subdomain: Some("my-app".into()) };
/// assert_eq!(client(None, &env)?.base_url(), "https://my-app.user.com/api/public/");
/// let local = client(Some("http://127.0.0.1:8080/api/public"), &env)?;
/// assert_eq!(local.base_url(), "http://127.0.0.1:8080/api/public/");
/// # Ok::<(), usercom_cli::CliError>(())
/// ```
pub fn client(base_url: Option<&str>, env: &Env) -> Result<Client, CliError> {
    let mut builder = Client::builder();
    builder =
        match base_url {
            Some(url) => builder.base_url(url),
            None => match env.subdomain.as_deref().filter(|s| !s.is_empty()) {
                None => {
                    return Err(CliError::Config(format!(
                        "no app is named: set {SUBDOMAIN_VAR} to your app's subdomain (`my-app` \
                     for https://my-app.user.com), or pass --base-url URL"
                    )))
                }
                Some(subdomain) => builder.subdomain(subdomain.to_str().ok_or_else(|| {
                    CliError::Config(format!("{SUBDOMAIN_VAR} is not valid UTF-8"))
                })?),
            },
        };
    let key = match env.api_key.as_deref() {
        None => {
            return Err(CliError::Config(format!(
                "{API_KEY_VAR} is not set: set it to a public REST API key of the app \
                 (User.com: Settings -> Public REST API keys)"
            )))
        }
        Some(key) if key.is_empty() => {
            return Err(CliError::Config(format!("{API_KEY_VAR} is empty")))
        }
        Some(key) => key.to_str().ok_or_else(|| {
            CliError::Config(format!(
                "{API_KEY_VAR} is not valid UTF-8 (a key is 64 letters and digits)"
            ))
        })?,
    };
    builder.api_key(key).build().map_err(CliError::Client)
}

/// The user attributes among `definitions` as a schema (no choices: the API has none).
///
/// Definitions of companies, deals and others are left out. A value type this version does
/// not know is an error naming it, never a silent omission; so are an empty name and one
/// `name_std` listed twice with different definitions.
///
/// ```
/// # fn definitions() -> Vec<usercom_core::AttributeDefinition> { Vec::new() }
/// let schema = usercom_cli::user_schema(&definitions())?;
/// for attribute in schema.attributes() {
///     println!("{} ({})", attribute.name_std, attribute.value_type);
/// }
/// # Ok::<(), usercom_cli::CliError>(())
/// ```
pub fn user_schema(definitions: &[AttributeDefinition]) -> Result<Schema, CliError> {
    let mut schema = Schema::new();
    for definition in definitions.iter().filter(|d| d.is_user_attribute()) {
        if definition.name_std.is_empty() || definition.name.is_empty() {
            return Err(CliError::App(format!(
                "the app lists a user attribute (id {}) with an empty name or name_std",
                definition.id
            )));
        }
        let value_type = ValueType::from_name(&definition.value_type).ok_or_else(|| {
            CliError::UnknownValueType {
                name_std: definition.name_std.clone(),
                value_type: definition.value_type.clone(),
            }
        })?;
        if let Some(seen) = schema.get(&definition.name_std) {
            if seen.value_type != value_type || seen.name != definition.name {
                return Err(CliError::App(format!(
                    "the app lists the user attribute `{}` twice, as {:?} ({}) and as {:?} ({})",
                    definition.name_std, seen.name, seen.value_type, definition.name, value_type
                )));
            }
            continue;
        }
        schema.insert(Attribute {
            name_std: definition.name_std.clone(),
            name: definition.name.clone(),
            value_type,
            choices: None,
        });
    }
    Ok(schema)
}

/// The app's user attributes now: every page of `GET attributes/`, through [`user_schema`].
pub async fn app_schema(client: &Client) -> Result<Schema, CliError> {
    let definitions = client.list_attributes().await.map_err(CliError::Api)?;
    user_schema(&definitions)
}

/// Reads the schema file at `path`; `Ok(None)` when there is none.
///
/// ```
/// let missing = std::path::Path::new("no/such/usercom.schema.json");
/// assert!(usercom_cli::read_schema(missing)?.is_none());
/// # Ok::<(), usercom_cli::CliError>(())
/// ```
pub fn read_schema(path: &Path) -> Result<Option<(String, Schema)>, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(CliError::Read {
                path: path.to_owned(),
                source,
            })
        }
    };
    let schema = Schema::parse(&text).map_err(|source| CliError::Parse {
        path: path.to_owned(),
        source,
    })?;
    Ok(Some((text, schema)))
}

/// What [`pull`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Pulled {
    /// How the file changed (against no file: every attribute added).
    pub changes: Vec<Change>,
    /// How many attributes the file now has.
    pub attributes: usize,
    /// Whether the file was written (`false`: it already had exactly this text).
    pub written: bool,
}

/// Writes the app's user attributes to the schema file at `path`, keeping the hand-written
/// choices of attributes that are still `fixed`.
///
/// The existing file is read first: a malformed one is an error, and nothing is sent. The
/// new text replaces the file in one step ([`write_atomically`]); on any error the file is
/// as it was. A file that already has exactly the new text is not touched.
pub async fn pull(client: &Client, path: &Path) -> Result<Pulled, CliError> {
    let existing = read_schema(path)?;
    let pulled = app_schema(client).await?;
    let (old_text, old) = existing.unwrap_or_default();
    let merged = old.merged_with_pulled(&pulled);
    let text = merged.to_json();
    // The file must read back as what was pulled; never write one the derive would refuse.
    match Schema::parse(&text) {
        Ok(reread) if reread == merged => {}
        _ => {
            return Err(CliError::App(
                "the app's attributes do not make a valid schema file".to_owned(),
            ))
        }
    }
    let written = text != old_text;
    if written {
        write_atomically(path, text.as_bytes()).map_err(|source| CliError::Write {
            path: path.to_owned(),
            source,
        })?;
    }
    Ok(Pulled {
        changes: old.diff(&merged),
        attributes: merged.len(),
        written,
    })
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Checked {
    /// The differences from the file to the app, sorted by `name_std`; empty when it
    /// matches.
    pub changes: Vec<Change>,
    /// How many attributes the file has.
    pub attributes: usize,
}

/// Compares the schema file at `path` with the app. A missing or malformed file is an
/// error; nothing is written.
pub async fn check(client: &Client, path: &Path) -> Result<Checked, CliError> {
    let (_, committed) = read_schema(path)?.ok_or_else(|| CliError::Read {
        path: path.to_owned(),
        source: io::Error::new(io::ErrorKind::NotFound, "no such file"),
    })?;
    let app = app_schema(client).await?;
    Ok(Checked {
        changes: committed.diff(&app),
        attributes: committed.len(),
    })
}

/// The whole command: parses `args` (the first is the program name), runs it with `env`,
/// writes to `out` and `err`, and returns the exit status ([`EXIT_OK`], [`EXIT_DRIFT`],
/// [`EXIT_ERROR`]). A failed write to `out` or `err` (a closed pipe) is ignored.
///
/// ```
/// use usercom_cli::{run, Env, EXIT_ERROR, EXIT_OK};
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// assert_eq!(run(["usercom", "--help"], &Env::default(), &mut out, &mut err), EXIT_OK);
/// assert!(String::from_utf8(out).unwrap().contains("USERCOM_API_KEY"));
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// assert_eq!(run(["usercom", "schema", "check"], &Env::default(), &mut out, &mut err), EXIT_ERROR);
/// assert!(String::from_utf8(err).unwrap().starts_with("error: no app is named"));
/// ```
pub fn run<I, T>(args: I, env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let text = error.render().to_string();
            let _ = if error.use_stderr() {
                err.write_all(text.as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
            return if error.exit_code() == 0 {
                EXIT_OK
            } else {
                EXIT_ERROR
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = writeln!(err, "error: cannot start the async runtime: {error}");
            return EXIT_ERROR;
        }
    };
    let command = match cli.command {
        Command::Schema(command) => command,
        Command::Sync(command) => return sync::run(&runtime, command, out, err),
    };
    // Whatever stops a pull, the file it was to write is as it was.
    let note = match &command {
        SchemaCommand::Pull(args) => Some(format!("{} was left unchanged", args.out.display())),
        SchemaCommand::Check(_) => None,
    };
    let client = match client(cli.base_url.as_deref(), env) {
        Ok(client) => client,
        Err(error) => return fail(err, &error, note),
    };
    match command {
        SchemaCommand::Pull(args) => match runtime.block_on(pull(&client, &args.out)) {
            Ok(pulled) => {
                for change in &pulled.changes {
                    let _ = writeln!(out, "{change}");
                }
                let _ = if pulled.written {
                    writeln!(
                        out,
                        "wrote {} attributes to {}",
                        pulled.attributes,
                        args.out.display()
                    )
                } else {
                    writeln!(
                        out,
                        "{} is up to date ({} attributes); not rewritten",
                        args.out.display(),
                        pulled.attributes
                    )
                };
                EXIT_OK
            }
            Err(error) => fail(err, &error, note),
        },
        SchemaCommand::Check(args) => match runtime.block_on(check(&client, &args.path)) {
            Ok(checked) if checked.changes.is_empty() => {
                let _ = writeln!(
                    out,
                    "{} matches the app ({} attributes)",
                    args.path.display(),
                    checked.attributes
                );
                EXIT_OK
            }
            Ok(checked) => {
                for change in &checked.changes {
                    let _ = writeln!(out, "{change}");
                }
                let _ = writeln!(
                    err,
                    "{} does not match the app ({} {}): run `usercom schema pull`, review the \
                     change and commit it",
                    args.path.display(),
                    checked.changes.len(),
                    if checked.changes.len() == 1 {
                        "difference"
                    } else {
                        "differences"
                    }
                );
                EXIT_DRIFT
            }
            Err(error) => fail(err, &error, None),
        },
    }
}

/// Prints `error`, its hints and `note` to `err`; [`EXIT_ERROR`].
fn fail(err: &mut dyn Write, error: &CliError, note: Option<String>) -> u8 {
    let _ = writeln!(err, "error: {error}");
    for hint in error.hints() {
        let _ = writeln!(err, "hint: {hint}");
    }
    if let Some(note) = note {
        let _ = writeln!(err, "note: {note}");
    }
    EXIT_ERROR
}
