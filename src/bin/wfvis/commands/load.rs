//! `wfvis load FILE.jsonl`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use workflow_visibility::request::{
    ListSearchAttributesRequest, RecordClosedRequest, RecordStartedRequest,
};
use workflow_visibility::{Error, ErrorKind, ExecutionStatus, VisibilityManager};

use crate::args::LoadArgs;
use crate::failure::{CliResult, EXIT_REJECTED, Failure, one_line};
use crate::jsonl::{AttributeTypes, parse_line, to_record};
use crate::output::Output;

/// Why one line was not loaded.
enum LineError {
    /// The line is bad; report it and go on.
    Rejected(String),
    /// The store cannot take more writes (unreachable, full, broken); stop the load.
    Fatal(Error),
}

impl From<Error> for LineError {
    fn from(e: Error) -> Self {
        match e.kind() {
            // Problems with this record only.
            ErrorKind::InvalidArgument | ErrorKind::NotFound | ErrorKind::AlreadyExists => {
                LineError::Rejected(e.to_string())
            }
            ErrorKind::Unavailable | ErrorKind::ResourceExhausted | ErrorKind::Internal => {
                LineError::Fatal(e)
            }
        }
    }
}

/// Loads every line of the file; rejected lines are reported on stderr as they occur.
pub async fn run(store: &dyn VisibilityManager, args: LoadArgs) -> CliResult<Output> {
    let (mut reader, size) = open(&args.file)?;
    let progress = progress_bar(size);
    let mut loader = Loader {
        store,
        types: HashMap::new(),
    };
    let (mut loaded, mut rejected) = (0u64, 0u64);
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| {
            progress.finish_and_clear();
            Failure::new(format!(
                "reading {} failed after line {line_no}: {e}",
                args.file.display()
            ))
        })?;
        if n == 0 {
            break;
        }
        line_no += 1;
        progress.inc(n as u64);
        match loader.load_line(&buf).await {
            Ok(true) => loaded += 1,
            Ok(false) => {}
            Err(LineError::Rejected(reason)) => {
                rejected += 1;
                progress.suspend(|| eprintln!("line {line_no}: {}", one_line(&reason)));
            }
            Err(LineError::Fatal(e)) => {
                progress.finish_and_clear();
                return Err(Failure::new(format!(
                    "line {line_no}: {e}; stopped after loading {loaded} records"
                )));
            }
        }
        if line_no.is_multiple_of(64) {
            progress.set_message(format!("{loaded} loaded, {rejected} rejected"));
        }
    }
    progress.finish_and_clear();
    Ok(Output {
        stdout: String::new(),
        stderr: vec![format!(
            "loaded {loaded} records, rejected {rejected} lines"
        )],
        exit: if rejected > 0 { EXIT_REJECTED } else { 0 },
    })
}

/// Writes records and remembers each namespace's attribute types.
struct Loader<'a> {
    store: &'a dyn VisibilityManager,
    types: HashMap<String, AttributeTypes>,
}

impl Loader<'_> {
    /// Loads one raw line. `Ok(false)` for a blank line.
    async fn load_line(&mut self, raw: &[u8]) -> Result<bool, LineError> {
        let text = std::str::from_utf8(raw)
            .map_err(|e| LineError::Rejected(format!("not valid UTF-8: {e}")))?;
        let text = text.trim();
        if text.is_empty() {
            return Ok(false);
        }
        let line = parse_line(text).map_err(LineError::Rejected)?;
        let types = self.types_of(&line.namespace_id).await?;
        let record = to_record(line, types).map_err(LineError::Rejected)?;
        if record.status == ExecutionStatus::Running {
            self.store
                .record_workflow_execution_started(RecordStartedRequest::new(record))
                .await?;
        } else {
            self.store
                .record_workflow_execution_closed(RecordClosedRequest::new(record))
                .await?;
        }
        Ok(true)
    }

    /// The namespace's attribute types, read from the store once per namespace.
    async fn types_of(&mut self, namespace: &str) -> Result<&AttributeTypes, LineError> {
        if !self.types.contains_key(namespace) {
            let response = self
                .store
                .list_search_attributes(ListSearchAttributesRequest::new(namespace))
                .await?;
            self.types.insert(
                namespace.to_string(),
                AttributeTypes {
                    custom: response.custom,
                },
            );
        }
        Ok(&self.types[namespace])
    }
}

/// Opens the input (`-` is stdin) and returns its size when known, for the progress bar.
fn open(path: &Path) -> CliResult<(Box<dyn BufRead>, Option<u64>)> {
    if path == Path::new("-") {
        return Ok((Box::new(std::io::stdin().lock()), None));
    }
    let file = File::open(path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(BufReader::new(file)), size))
}

/// A progress bar on stderr when stderr is a terminal; hidden otherwise so that logs and
/// captured output only contain the per-line reports and the summary.
fn progress_bar(size: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (bar, template) = match size {
        Some(len) => (
            ProgressBar::new(len),
            "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {msg}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {elapsed_precise} {bytes} {msg}",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
