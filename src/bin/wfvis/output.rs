//! Rendering: aligned text tables and the table form of records.

use std::fmt::Write as _;

use workflow_visibility::ExecutionRecord;
use workflow_visibility::model::time::format_rfc3339;

/// What a successful command prints. Stdout is collected and written only once the command
/// has succeeded, so a command that fails part-way leaves stdout empty.
#[derive(Debug, Default)]
pub struct Output {
    /// Text for stdout.
    pub stdout: String,
    /// Lines for stderr, printed after stdout (e.g. the next-page token).
    pub stderr: Vec<String>,
    /// Exit status (0 unless the command succeeded only partly).
    pub exit: u8,
}

/// An aligned text table with a header row.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these column names.
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row; cells are sanitised so control characters cannot break alignment.
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row.iter().map(|c| sanitize(c)).collect());
    }

    /// Appends the table to `out`: columns separated by two spaces, no trailing spaces.
    pub fn render(&self, out: &mut String) {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = row.get(i).map_or("", String::as_str);
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(cell);
                let pad = width - cell.chars().count();
                line.extend(std::iter::repeat_n(' ', pad));
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
}

/// Escapes control characters (newlines, tabs, …) so a cell stays on one line.
fn sanitize(cell: &str) -> String {
    if !cell.chars().any(char::is_control) {
        return cell.to_string();
    }
    cell.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Placeholder for a missing value in tables.
const MISSING: &str = "-";

/// The `list` table: one row per record.
pub fn records_table(records: &[ExecutionRecord]) -> Table {
    let mut table = Table::new(&[
        "workflow_id",
        "run_id",
        "workflow_type",
        "status",
        "start_time",
        "close_time",
        "task_queue",
    ]);
    for r in records {
        table.push(vec![
            r.workflow_id.clone(),
            r.run_id.clone(),
            r.workflow_type.clone(),
            r.status.name().to_string(),
            format_rfc3339(&r.start_time),
            r.close_time
                .as_ref()
                .map_or(MISSING.to_string(), format_rfc3339),
            r.task_queue.clone(),
        ]);
    }
    table
}

/// The `get` table: one field/value row per field, then one per search attribute.
pub fn record_fields_table(r: &ExecutionRecord) -> Table {
    let mut table = Table::new(&["field", "value"]);
    let mut row = |field: &str, value: String| table.push(vec![field.to_string(), value]);
    let missing = || MISSING.to_string();
    row("namespace_id", r.namespace_id.clone());
    row("workflow_id", r.workflow_id.clone());
    row("run_id", r.run_id.clone());
    row("workflow_type", r.workflow_type.clone());
    row("status", r.status.name().to_string());
    row("start_time", format_rfc3339(&r.start_time));
    row("execution_time", format_rfc3339(&r.execution_time));
    row(
        "close_time",
        r.close_time.as_ref().map_or_else(missing, format_rfc3339),
    );
    row(
        "execution_duration",
        r.execution_duration_nanos()
            .map_or_else(missing, |ns| format!("{ns} ns")),
    );
    row("history_length", r.history_length.to_string());
    row("history_size_bytes", r.history_size_bytes.to_string());
    row(
        "state_transition_count",
        r.state_transition_count.to_string(),
    );
    row("task_queue", r.task_queue.clone());
    for (what, reference) in [("parent", &r.parent), ("root", &r.root)] {
        let (w, run) = reference.as_ref().map_or_else(
            || (missing(), missing()),
            |e| (e.workflow_id.clone(), e.run_id.clone()),
        );
        row(&format!("{what}_workflow_id"), w);
        row(&format!("{what}_run_id"), run);
    }
    row(
        "memo",
        r.memo.as_ref().map_or_else(missing, |m| {
            format!("{} bytes, encoding {}", m.data.len(), m.encoding)
        }),
    );
    row("task_id", r.version.to_string());
    for (name, value) in &r.search_attributes {
        let json = value.to_json();
        let text = match json.as_str() {
            Some(s) => s.to_string(),
            None => json.to_string(),
        };
        row(&format!("search_attributes.{name}"), text);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns_and_escapes_control_characters() {
        let mut t = Table::new(&["a", "long_header"]);
        t.push(vec!["wide value".into(), "x".into()]);
        t.push(vec!["tab\there".into(), String::new()]);
        let mut out = String::new();
        t.render(&mut out);
        assert_eq!(out, "a           long_header\nwide value  x\ntab\\there\n");
    }
}
