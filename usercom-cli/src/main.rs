//! `usercom`: see `usercom --help`, and the library's documentation.
#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = usercom_cli::run(
        std::env::args_os(),
        &usercom_cli::Env::from_process(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}
