//! How a command fails as a whole, and the process exit statuses.

use std::fmt;
use std::process::ExitCode;

/// Exit status of a command that failed.
pub const EXIT_FAILURE: u8 = 1;
/// Exit status of a usage error (bad flags, missing `--url`).
pub const EXIT_USAGE: u8 = 2;
/// Exit status of a `load` that rejected at least one input line.
pub const EXIT_REJECTED: u8 = 3;

/// A command that failed as a whole: printed as one `error: …` line on stderr.
#[derive(Debug)]
pub struct Failure {
    message: String,
    exit: u8,
}

impl Failure {
    /// A failure with exit status [`EXIT_FAILURE`].
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            exit: EXIT_FAILURE,
        }
    }

    /// A usage error with exit status [`EXIT_USAGE`].
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            exit: EXIT_USAGE,
        }
    }

    /// The exit status to end the process with.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.exit)
    }
}

impl fmt::Display for Failure {
    /// Writes the message on a single line: multi-line messages would break the
    /// one-line-per-failure contract that scripts rely on.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", one_line(&self.message))
    }
}

impl From<workflow_visibility::Error> for Failure {
    fn from(e: workflow_visibility::Error) -> Self {
        Failure::new(e.to_string())
    }
}

/// Joins the lines of `text` with `; ` so it prints as one line.
pub fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The result type of the commands.
pub type CliResult<T> = Result<T, Failure>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_on_one_line_with_prefix() {
        let f = Failure::new("first\n\n  second  \n");
        assert_eq!(f.to_string(), "error: first; second");
        let e = workflow_visibility::Error::NotFound("no such run".into());
        assert_eq!(
            Failure::from(e).to_string(),
            "error: not found: no such run"
        );
    }
}
