//! Running the `wfvis` binary from integration tests (feature `cli`).
//!
//! Include it with `#[cfg(feature = "cli")] mod cli_support;`.

#![allow(dead_code)]

use std::process::Command;

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// Exit status (-1 when killed by a signal).
    pub code: i32,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success: {self:?}");
        &self.stdout
    }

    /// Asserts the failure contract (non-zero status, empty stdout, one `error: …` line on
    /// stderr) and returns that line.
    #[track_caller]
    pub fn failed(&self) -> &str {
        assert_ne!(self.code, 0, "expected failure: {self:?}");
        assert_eq!(self.stdout, "", "stdout must be empty on failure: {self:?}");
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "expected one stderr line: {self:?}");
        assert!(lines[0].starts_with("error: "), "{self:?}");
        lines[0]
    }
}

/// The binary under test. `WFVIS_TEST_BIN` overrides the one cargo built (several checkouts
/// sharing one target directory overwrite each other's `target/debug/wfvis`, possibly with a
/// build lacking the features a test needs).
pub fn binary() -> std::ffi::OsString {
    std::env::var_os("WFVIS_TEST_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_wfvis").into())
}

/// Runs the binary with exactly `args` plus `env`, without inherited configuration.
pub fn wfvis(args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(binary())
        .args(args)
        .env_remove("WFVIS_URL")
        .env_remove("WFVIS_LOG")
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", binary()));
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    // Say so plainly instead of failing on a confusing assertion later.
    assert!(
        !run.stderr
            .contains("this build of workflow-visibility has no"),
        "the wfvis binary at {:?} lacks a store this test needs (a build with other features \
         sharing the target directory may have replaced it; rebuild, or set WFVIS_TEST_BIN): {}",
        binary(),
        run.stderr.trim()
    );
    run
}
