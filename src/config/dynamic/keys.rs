//! The dynamic-config keys this crate reads, and how a key written in a file is matched.

/// Which stores receive writes: `off`, `on` or `dual` (global).
pub const WRITING_MODE_KEY: &str = "system.secondaryVisibilityWritingMode";
/// Whether reads go to the secondary store (per namespace name or id, plus a default).
pub const READ_FROM_SECONDARY_KEY: &str = "system.enableReadFromSecondaryVisibility";
/// Read calls per second allowed on each store (global).
pub const MAX_READ_QPS_KEY: &str = "system.visibilityPersistenceMaxReadQPS";
/// Write calls per second allowed on each store (global).
pub const MAX_WRITE_QPS_KEY: &str = "system.visibilityPersistenceMaxWriteQPS";

/// A key this crate understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    WritingMode,
    ReadFromSecondary,
    MaxReadQps,
    MaxWriteQps,
}

impl Key {
    const ALL: [Key; 4] = [
        Key::WritingMode,
        Key::ReadFromSecondary,
        Key::MaxReadQps,
        Key::MaxWriteQps,
    ];

    /// The key as Temporal documents it.
    pub(super) fn canonical(self) -> &'static str {
        match self {
            Key::WritingMode => WRITING_MODE_KEY,
            Key::ReadFromSecondary => READ_FROM_SECONDARY_KEY,
            Key::MaxReadQps => MAX_READ_QPS_KEY,
            Key::MaxWriteQps => MAX_WRITE_QPS_KEY,
        }
    }

    /// The key a name written in a file refers to; Temporal lower-cases keys on load, so the
    /// match ignores case. Keys are ASCII, so ASCII case folding is enough.
    pub(super) fn from_name(name: &str) -> Option<Key> {
        Key::ALL
            .into_iter()
            .find(|k| k.canonical().eq_ignore_ascii_case(name))
    }
}
