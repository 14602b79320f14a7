use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The status of a workflow execution.
///
/// Integer codes follow the reference server (`Running = 1` … `TimedOut = 7`); names are
/// case-sensitive. Sorting by status (`ORDER BY ExecutionStatus`) orders by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ExecutionStatus {
    /// Still running; has no close time.
    Running,
    /// Completed successfully.
    Completed,
    /// Failed.
    Failed,
    /// Canceled.
    Canceled,
    /// Terminated.
    Terminated,
    /// Continued as a new run.
    ContinuedAsNew,
    /// Timed out.
    TimedOut,
}

impl ExecutionStatus {
    /// All statuses in code order.
    pub const ALL: [ExecutionStatus; 7] = [
        ExecutionStatus::Running,
        ExecutionStatus::Completed,
        ExecutionStatus::Failed,
        ExecutionStatus::Canceled,
        ExecutionStatus::Terminated,
        ExecutionStatus::ContinuedAsNew,
        ExecutionStatus::TimedOut,
    ];

    /// The integer code (1–7).
    pub fn code(self) -> i64 {
        match self {
            ExecutionStatus::Running => 1,
            ExecutionStatus::Completed => 2,
            ExecutionStatus::Failed => 3,
            ExecutionStatus::Canceled => 4,
            ExecutionStatus::Terminated => 5,
            ExecutionStatus::ContinuedAsNew => 6,
            ExecutionStatus::TimedOut => 7,
        }
    }

    /// The status for an integer code, if it is one of 1–7.
    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL
            .get(usize::try_from(code.checked_sub(1)?).ok()?)
            .copied()
    }

    /// The case-sensitive name, e.g. `"ContinuedAsNew"`.
    pub fn name(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "Running",
            ExecutionStatus::Completed => "Completed",
            ExecutionStatus::Failed => "Failed",
            ExecutionStatus::Canceled => "Canceled",
            ExecutionStatus::Terminated => "Terminated",
            ExecutionStatus::ContinuedAsNew => "ContinuedAsNew",
            ExecutionStatus::TimedOut => "TimedOut",
        }
    }

    /// The status for an exact (case-sensitive) name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.name() == name)
    }

    /// Position when sorting by name (`Canceled` = 0 … `TimedOut` = 6).
    pub fn name_rank(self) -> i64 {
        match self {
            ExecutionStatus::Canceled => 0,
            ExecutionStatus::Completed => 1,
            ExecutionStatus::ContinuedAsNew => 2,
            ExecutionStatus::Failed => 3,
            ExecutionStatus::Running => 4,
            ExecutionStatus::Terminated => 5,
            ExecutionStatus::TimedOut => 6,
        }
    }

    /// Whether this status means the execution is closed.
    pub fn is_closed(self) -> bool {
        self != ExecutionStatus::Running
    }
}

impl fmt::Display for ExecutionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ExecutionStatus {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_name(s).ok_or_else(|| {
            Error::invalid_argument(format!(
                "unknown execution status '{s}' (expected one of Running, Completed, Failed, \
                 Canceled, Terminated, ContinuedAsNew, TimedOut)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_and_ranks_round_trip() {
        let mut by_name: Vec<_> = ExecutionStatus::ALL.to_vec();
        by_name.sort_by_key(|s| s.name());
        for (rank, s) in by_name.iter().enumerate() {
            assert_eq!(s.name_rank(), rank as i64);
        }
        for s in ExecutionStatus::ALL {
            assert_eq!(ExecutionStatus::from_code(s.code()), Some(s));
            assert_eq!(s.name().parse::<ExecutionStatus>().unwrap(), s);
        }
        assert_eq!(ExecutionStatus::from_code(0), None);
        assert_eq!(ExecutionStatus::from_code(8), None);
        assert!("running".parse::<ExecutionStatus>().is_err());
    }
}
