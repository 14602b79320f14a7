//! Listing order: default order, explicit keys, missing values last, status by name.

use super::*;
use crate::attributes::SystemAttribute;
use SearchAttributeType as T;
use SearchAttributeValue as V;

#[test]
fn default_order_puts_running_first_then_close_and_start_descending() {
    let mut state = State::default();
    put(
        &mut state,
        closed("w", "c-early", 0, 10, ExecutionStatus::Completed),
    );
    put(
        &mut state,
        closed("w", "c-late", 0, 20, ExecutionStatus::Failed),
    );
    put(&mut state, running("w", "run-old", 1));
    put(&mut state, running("w", "run-new", 5));
    // Same start time: run id ascending breaks the tie.
    put(&mut state, running("w", "run-new-b", 5));
    let q = query(Expr::True, vec![]);
    assert_eq!(
        list_runs(&state, &q),
        ["run-new", "run-new-b", "run-old", "c-late", "c-early"]
    );
    // An explicit `ORDER BY CloseTime DESC` treats running executions as missing: last.
    let q = query(
        Expr::True,
        vec![by(Field::System(SystemAttribute::CloseTime), true)],
    );
    assert_eq!(
        list_runs(&state, &q),
        ["c-late", "c-early", "run-new", "run-new-b", "run-old"]
    );
    let q = query(
        Expr::True,
        vec![by(Field::System(SystemAttribute::CloseTime), false)],
    );
    assert_eq!(
        list_runs(&state, &q),
        ["c-early", "c-late", "run-new", "run-new-b", "run-old"]
    );
}

#[test]
fn missing_values_sort_last_in_both_directions() {
    let mut state = state_with(&[("I", T::Int)]);
    put(&mut state, with(running("w", "i3", 0), "I", V::Int(3)));
    put(&mut state, running("w", "none-a", 0));
    put(&mut state, with(running("w", "i-1", 0), "I", V::Int(-1)));
    put(&mut state, running("w", "none-b", 0));
    put(&mut state, with(running("w", "i7", 0), "I", V::Int(7)));
    let i = custom(&state, "I");
    let asc = query(Expr::True, vec![by(i.clone(), false)]);
    assert_eq!(
        list_runs(&state, &asc),
        ["i-1", "i3", "i7", "none-a", "none-b"]
    );
    let desc = query(Expr::True, vec![by(i, true)]);
    assert_eq!(
        list_runs(&state, &desc),
        ["i7", "i3", "i-1", "none-a", "none-b"]
    );
    // Paging across the present/missing boundary keeps the same order.
    for size in 1..=5 {
        assert_eq!(
            list_runs_paged(&state, &asc, size),
            list_runs(&state, &asc),
            "page size {size}"
        );
        assert_eq!(
            list_runs_paged(&state, &desc, size),
            list_runs(&state, &desc),
            "page size {size}"
        );
    }
}

#[test]
fn execution_status_sorts_by_name() {
    let mut state = State::default();
    for (i, status) in ExecutionStatus::ALL.into_iter().enumerate() {
        let run = format!("r{i}");
        let record = if status.is_closed() {
            closed("w", &run, 0, 1, status)
        } else {
            running("w", &run, 0)
        };
        put(&mut state, record);
    }
    let status_of = |state: &State, q: &Query| -> Vec<String> {
        list_page(state, q, 100, None)
            .unwrap()
            .executions
            .into_iter()
            .map(|r| r.status.name().to_string())
            .collect()
    };
    let status = Field::System(SystemAttribute::ExecutionStatus);
    let asc = query(Expr::True, vec![by(status.clone(), false)]);
    assert_eq!(
        status_of(&state, &asc),
        [
            "Canceled",
            "Completed",
            "ContinuedAsNew",
            "Failed",
            "Running",
            "Terminated",
            "TimedOut"
        ]
    );
    let desc = query(Expr::True, vec![by(status, true)]);
    let mut reversed = status_of(&state, &asc);
    reversed.reverse();
    assert_eq!(status_of(&state, &desc), reversed);
}

#[test]
fn keyword_keys_sort_by_code_point_with_default_tie_breaks() {
    let mut state = state_with(&[("K", T::Keyword)]);
    for (run, value, start) in [
        ("r1", "b", 0),
        ("r2", "a ", 0),
        ("r3", "B", 0),
        ("r4", "a", 0),
        ("r5", "a", 9),
    ] {
        put(
            &mut state,
            with(running("w", run, start), "K", V::Keyword(value.into())),
        );
    }
    let q = query(Expr::True, vec![by(custom(&state, "K"), false)]);
    // Ties on "a" fall back to the default order: start time descending.
    assert_eq!(list_runs(&state, &q), ["r3", "r5", "r4", "r2", "r1"]);
}
