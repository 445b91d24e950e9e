//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// What `usercom --help` shows after the options.
const AFTER_HELP: &str = "\
Which app:
  USERCOM_SUBDOMAIN   your app's subdomain: `my-app` for https://my-app.user.com
                      (not needed with --base-url)
  USERCOM_API_KEY     a public REST API key of that app (User.com: Settings ->
                      Public REST API keys); always required, never printed or written

Exit status:
  0  success; for `check`, the file matches the app
  1  `check` only: the file no longer matches the app (the differences are printed)
  2  anything else went wrong: usage, configuration, network, User.com's answer, the
     file; the reason is printed and a file being written is left as it was

Examples:
  export USERCOM_SUBDOMAIN=my-app USERCOM_API_KEY=...
  usercom schema pull          # write usercom.schema.json; commit it
  usercom schema check         # in CI: fails when the app's attributes changed";

/// The `usercom` command line.
#[derive(Debug, Parser)]
#[command(
    name = "usercom",
    version,
    about = "Keep usercom.schema.json, the custom user attributes of your User.com app, in \
             step with the app.",
    long_about = "Keep usercom.schema.json in step with your User.com app.\n\n\
                  The file lists the app's custom user attributes (name, value type, and for \
                  `fixed` attributes the choices you write by hand). #[derive(IntoUserComUser)] \
                  reads it to check your #[usercom(attribute = \"...\")] mappings at compile \
                  time. `usercom schema pull` writes it from the app; `usercom schema check` \
                  tells, in CI, when the app has changed since.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Send requests to this API base URL instead of
    /// https://$USERCOM_SUBDOMAIN.user.com/api/public/ (a proxy, a test server). It must be
    /// https, or http on a loopback address.
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// A top-level command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pull or check usercom.schema.json.
    #[command(subcommand, after_help = AFTER_HELP)]
    Schema(SchemaCommand),
    /// Look at or reset a usercom-sync store (the state the sync keeps of what User.com
    /// accepted).
    #[command(subcommand)]
    Sync(SyncCommand),
}

/// `usercom sync ...`.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Print what the store holds: counts, the last runs, the failing keys with their errors.
    Status(StoreArgs),
    /// Forget the store's state: the next run sends every user again (as upserts by
    /// `user_id`: none is created twice) and every event whose key it no longer knows.
    Reset(StoreArgs),
}

/// The store a `usercom sync` command acts on.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The store: a file path or sqlite://path (SQLite), or
    /// postgres://user:password@host/database.
    #[arg(long, value_name = "URL")]
    pub store: String,
}

/// `usercom schema ...`.
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Write the app's custom user attributes to the schema file.
    #[command(
        long_about = "Write the app's custom user attributes to the schema file.\n\n\
                      Reads every attribute definition of the app (GET /attributes/, all \
                      pages), keeps those of users, and writes them sorted by name_std. \
                      Choices written by hand for a `fixed` attribute are kept while it stays \
                      `fixed`. The file is replaced in one step: if anything fails, the old \
                      file is left exactly as it was.",
        after_help = AFTER_HELP
    )]
    Pull(PullArgs),
    /// Exit 1, listing the differences, when the schema file no longer matches the app.
    #[command(
        long_about = "Exit 1, listing the differences, when the schema file no longer matches \
                      the app.\n\n\
                      Prints one line per difference on standard output: `+ name (type) added \
                      in the app`, `- name (type) removed from the app`, `~ name: value type \
                      a -> b`, `~ name: display name \"A\" -> \"B\"`. Choices are not compared \
                      (the API does not expose them). Nothing is written.",
        after_help = AFTER_HELP
    )]
    Check(CheckArgs),
}

/// The arguments of `usercom schema pull`.
#[derive(Debug, Args)]
pub struct PullArgs {
    /// The file to write.
    #[arg(long, value_name = "PATH", default_value = usercom_schema::DEFAULT_FILE_NAME)]
    pub out: PathBuf,
}

/// The arguments of `usercom schema check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The committed schema file.
    #[arg(value_name = "PATH", default_value = usercom_schema::DEFAULT_FILE_NAME)]
    pub path: PathBuf,
}
