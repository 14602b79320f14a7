//! A normalised catalog of a SQLite database, from the `pragma_*` table-valued functions
//! rather than `sqlite_master.sql`, so that the same schema written with different whitespace
//! or reached through `ALTER TABLE` compares equal.

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

/// The file path of a `sqlite://PATH` URL.
pub fn path_of(url: &str) -> &str {
    let rest = url.strip_prefix("sqlite:").expect("a sqlite: URL");
    rest.strip_prefix("//").unwrap_or(rest)
}

async fn open(url: &str) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(path_of(url))
        .create_if_missing(false);
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap_or_else(|e| panic!("open {url}: {e}"))
}

/// Every value of every row, as text, columns joined by tabs.
pub async fn rows(url: &str, sql: &str) -> Vec<String> {
    let pool = open(url).await;
    let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_all(&pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    pool.close().await;
    rows.iter()
        .map(|row| {
            (0..row.len())
                .map(|i| cell(row, i))
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect()
}

fn cell(row: &sqlx::sqlite::SqliteRow, i: usize) -> String {
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return v.map_or_else(|| "NULL".to_string(), |v| v.to_string());
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
        return v.map_or_else(|| "NULL".to_string(), |v| v.to_string());
    }
    match row.try_get::<Option<String>, _>(i) {
        Ok(v) => v.unwrap_or_else(|| "NULL".to_string()),
        Err(e) => panic!("column {i}: {e}"),
    }
}

/// Collapses runs of whitespace, so SQL text written on several lines compares equal.
fn squeeze(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The normalised catalog: one line per object or column, sorted.
pub async fn dump(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    let objects = rows(
        url,
        "SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master \
         WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .await;
    for object in objects {
        let parts: Vec<&str> = object.splitn(4, '\t').collect();
        let (kind, name, table, sql) = (parts[0], parts[1], parts[2], parts[3]);
        match kind {
            "table" => {
                out.push(format!("table {name}"));
                // hidden: 0 normal, 1 hidden, 2 virtual generated, 3 stored generated.
                for column in rows(
                    url,
                    &format!(
                        "SELECT cid, name, type, \"notnull\", COALESCE(dflt_value, 'NULL'), pk, hidden \
                         FROM pragma_table_xinfo('{name}') ORDER BY cid"
                    ),
                )
                .await
                {
                    out.push(format!("column {name}: {column}"));
                }
                for fk in rows(
                    url,
                    &format!(
                        "SELECT \"table\", \"from\", COALESCE(\"to\", ''), on_update, on_delete \
                         FROM pragma_foreign_key_list('{name}') ORDER BY id, seq"
                    ),
                )
                .await
                {
                    out.push(format!("foreign key {name}: {fk}"));
                }
                // Collations, generated-column expressions, CHECK constraints and table
                // options (STRICT, WITHOUT ROWID) only show in the CREATE TABLE text.
                out.extend(table_definition(name, sql));
            }
            "index" => {
                let info = rows(
                    url,
                    &format!(
                        "SELECT \"unique\", origin, partial FROM pragma_index_list('{table}') \
                         WHERE name = '{name}'"
                    ),
                )
                .await;
                out.push(format!("index {name} on {table}: {}", info.join(" ")));
                let parts = rows(
                    url,
                    &format!(
                        "SELECT seqno, cid, CASE cid WHEN -1 THEN '<rowid>' WHEN -2 THEN '<expression>' \
                         ELSE name END, \"desc\", coll, key \
                         FROM pragma_index_xinfo('{name}') ORDER BY seqno"
                    ),
                )
                .await;
                // Expression parts and partial-index conditions only show in the SQL text.
                let squeezed = squeeze(&strip_comments(sql));
                if parts.iter().any(|p| p.contains("<expression>")) {
                    out.push(format!("index {name} definition: {squeezed}"));
                }
                if let Some((_, condition)) = squeezed.split_once(" WHERE ") {
                    out.push(format!("index {name} where: {condition}"));
                }
                out.extend(parts.into_iter().map(|p| format!("index {name} part: {p}")));
            }
            "trigger" | "view" => out.push(format!(
                "{kind} {name} on {table}: {}",
                squeeze(&strip_comments(sql))
            )),
            other => out.push(format!("{other} {name} on {table}")),
        }
    }
    out.sort();
    out
}

/// Removes `--` line comments and `/* */` block comments outside string literals.
fn strip_comments(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None => match (c, chars.peek()) {
                ('-', Some('-')) => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                    out.push(' ');
                }
                ('/', Some('*')) => {
                    chars.next();
                    let mut previous = ' ';
                    for c in chars.by_ref() {
                        if previous == '*' && c == '/' {
                            break;
                        }
                        previous = c;
                    }
                    out.push(' ');
                }
                ('\'' | '"' | '`', _) => {
                    quote = Some(c);
                    out.push(c);
                }
                _ => out.push(c),
            },
        }
    }
    out
}

/// Splits `text` at commas outside parentheses and quotes.
fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                current.push(c);
            }
            None => match c {
                '\'' | '"' | '`' => {
                    quote = Some(c);
                    current.push(c);
                }
                '(' => {
                    depth += 1;
                    current.push(c);
                }
                ')' => {
                    depth = depth.saturating_sub(1);
                    current.push(c);
                }
                ',' if depth == 0 => parts.push(std::mem::take(&mut current)),
                _ => current.push(c),
            },
        }
    }
    parts.push(current);
    parts.into_iter().map(|p| squeeze(&p)).collect()
}

/// One line per column definition and per table constraint of a CREATE TABLE statement,
/// whitespace-normalised, plus the table options after the closing parenthesis.
fn table_definition(table: &str, sql: &str) -> Vec<String> {
    let sql = strip_comments(sql);
    let (Some(open), Some(close)) = (sql.find('('), sql.rfind(')')) else {
        return vec![format!("table {table} definition: {}", squeeze(&sql))];
    };
    let mut out = Vec::new();
    for part in split_top_level(&sql[open + 1..close]) {
        let upper = part.to_ascii_uppercase();
        let is_constraint = [
            "CONSTRAINT ",
            "PRIMARY KEY",
            "UNIQUE",
            "CHECK",
            "FOREIGN KEY",
        ]
        .iter()
        .any(|k| upper.starts_with(k));
        if is_constraint {
            out.push(format!("table {table} constraint: {part}"));
        } else {
            out.push(format!("table {table} column definition: {part}"));
        }
    }
    let options = squeeze(&sql[close + 1..]);
    if !options.is_empty() {
        out.push(format!("table {table} options: {options}"));
    }
    out
}
