//! `wfvis list`.

use workflow_visibility::request::ListRequest;
use workflow_visibility::{ExecutionRecord, VisibilityManager};

use crate::args::{ListArgs, OutputFormat};
use crate::failure::{CliResult, Failure};
use crate::jsonl::format_record;
use crate::output::{Output, records_table};

/// Page size for a single page when `--page-size` is not given.
const DEFAULT_PAGE_SIZE: usize = 100;
/// Page size for `--all` when `--page-size` is not given: fewer round trips.
const DEFAULT_ALL_PAGE_SIZE: usize = 1000;

/// Prints one page (and the token for the next on stderr) or, with `--all`, every page.
pub async fn run(store: &dyn VisibilityManager, args: ListArgs) -> CliResult<Output> {
    let page_size = match args.page_size {
        Some(k) => k as usize,
        None if args.all => DEFAULT_ALL_PAGE_SIZE,
        None => DEFAULT_PAGE_SIZE,
    };
    let mut request = ListRequest::new(args.namespace)
        .query(args.query)
        .page_size(page_size)
        .next_page_token(args.next_page_token.map(String::into_bytes));
    let mut records: Vec<ExecutionRecord> = Vec::new();
    let mut stderr = Vec::new();
    loop {
        let page = store.list_workflow_executions(request.clone()).await?;
        records.extend(page.executions);
        match page.next_page_token {
            None => break,
            Some(token) if args.all => {
                // A store bug that hands back the token it was given would loop forever.
                if request.next_page_token.as_ref() == Some(&token) {
                    return Err(Failure::new(format!(
                        "store {} returned the same next-page token twice; stopping",
                        store.store_name()
                    )));
                }
                request = request.next_page_token(Some(token));
            }
            Some(token) => {
                stderr.push(format!("next-page-token: {}", token_text(token)?));
                break;
            }
        }
    }
    let mut stdout = String::new();
    match args.output {
        OutputFormat::Json => {
            for r in &records {
                stdout.push_str(&format_record(r));
                stdout.push('\n');
            }
        }
        OutputFormat::Table => records_table(&records).render(&mut stdout),
    }
    Ok(Output {
        stdout,
        stderr,
        exit: 0,
    })
}

/// The token as text for `--next-page-token`. Tokens are printable ASCII; anything else could
/// not be passed back on a command line unchanged, so it is refused rather than mangled.
fn token_text(token: Vec<u8>) -> CliResult<String> {
    if !token.is_empty() && token.iter().all(|b| b.is_ascii_graphic()) {
        // All bytes are ASCII, so this cannot fail.
        return String::from_utf8(token).map_err(|e| Failure::new(e.to_string()));
    }
    Err(Failure::new(
        "the store returned a next-page token that is not printable text; use --all instead",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_must_be_printable_ascii() {
        assert_eq!(token_text(b"eyJ2Ijox-_".to_vec()).unwrap(), "eyJ2Ijox-_");
        assert!(token_text(b"a b".to_vec()).is_err());
        assert!(token_text(vec![0xff]).is_err());
        assert!(token_text(Vec::new()).is_err());
    }
}
