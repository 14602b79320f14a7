//! A normalised catalog of a PostgreSQL database's current schema, read from `pg_catalog` with
//! the server's own deparsers (`format_type`, `pg_get_indexdef`, `pg_get_constraintdef`,
//! `pg_get_triggerdef`, `pg_get_expr`), so that a schema built by `CREATE TABLE` and one
//! reached through `ALTER TABLE` compare equal when they are equivalent.

use crate::support::databases::TestServer;

/// Each query yields one text column per row; rows are sorted by the caller.
const CATALOG_QUERIES: &[(&str, &str)] = &[
    (
        "relation",
        "SELECT c.relname || ' kind=' || c.relkind::text || ' persistence=' || c.relpersistence::text
                || ' options=' || COALESCE(array_to_string(c.reloptions, ','), '')
         FROM pg_class c
         WHERE c.relnamespace = current_schema()::text::regnamespace
           AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')",
    ),
    (
        // Column order counts (rank among live columns, so dropped columns leave no trace).
        "column",
        "SELECT c.relname || '.' || a.attname
                || ' position=' || row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)
                || ' type=' || format_type(a.atttypid, a.atttypmod)
                || ' not_null=' || a.attnotnull
                || ' default=' || COALESCE(pg_get_expr(d.adbin, d.adrelid), '')
                || ' collation=' || COALESCE(co.collname, '')
                || ' identity=' || a.attidentity::text
                || ' generated=' || a.attgenerated::text
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         LEFT JOIN pg_collation co ON co.oid = a.attcollation
         WHERE c.relnamespace = current_schema()::text::regnamespace
           AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
           AND a.attnum > 0 AND NOT a.attisdropped",
    ),
    (
        "index",
        "SELECT pg_get_indexdef(i.indexrelid)
                || ' valid=' || i.indisvalid || ' primary=' || i.indisprimary
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relnamespace = current_schema()::text::regnamespace",
    ),
    (
        "constraint",
        "SELECT t.relname || ' ' || k.conname || ' type=' || k.contype::text
                || ' ' || pg_get_constraintdef(k.oid)
         FROM pg_constraint k
         JOIN pg_class t ON t.oid = k.conrelid
         WHERE k.connamespace = current_schema()::text::regnamespace",
    ),
    (
        "trigger",
        "SELECT pg_get_triggerdef(g.oid) || ' enabled=' || g.tgenabled::text
         FROM pg_trigger g
         JOIN pg_class t ON t.oid = g.tgrelid
         WHERE t.relnamespace = current_schema()::text::regnamespace AND NOT g.tgisinternal",
    ),
    (
        // Sequence settings, not their current values.
        "sequence",
        "SELECT c.relname || ' type=' || format_type(s.seqtypid, NULL) || ' start=' || s.seqstart
                || ' increment=' || s.seqincrement || ' min=' || s.seqmin || ' max=' || s.seqmax
                || ' cache=' || s.seqcache || ' cycle=' || s.seqcycle
         FROM pg_sequence s
         JOIN pg_class c ON c.oid = s.seqrelid
         WHERE c.relnamespace = current_schema()::text::regnamespace",
    ),
    (
        "view",
        "SELECT c.relname || ' ' || pg_get_viewdef(c.oid)
         FROM pg_class c
         WHERE c.relnamespace = current_schema()::text::regnamespace AND c.relkind IN ('v', 'm')",
    ),
    (
        "function",
        "SELECT p.proname || '(' || pg_get_function_arguments(p.oid) || ') '
                || pg_get_functiondef(p.oid)
         FROM pg_proc p
         WHERE p.pronamespace = current_schema()::text::regnamespace",
    ),
];

/// The normalised catalog of the database at `url` on `server`: one line per object, sorted.
pub fn dump(server: &TestServer, url: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (kind, sql) in CATALOG_QUERIES {
        // Wrap so that definitions spanning lines come back as one line each.
        let one_line =
            format!("SELECT regexp_replace(x, '\\s+', ' ', 'g') FROM ({sql}) AS catalog(x)");
        for row in server.query(url, &one_line).lines() {
            if !row.is_empty() {
                out.push(format!("{kind} {row}"));
            }
        }
    }
    out.sort();
    out
}
