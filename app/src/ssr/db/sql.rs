//! [`Sql`]: a statement grown piece by piece, each value bound to the next `$N` placeholder, the
//! one way Roster builds a statement whose shape depends on its input (a filter, a list of values,
//! many rows at once).

use super::{DbResult, Tx};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyConnection, Arguments, AssertSqlSafe, Encode, FromRow, Row as _, Type};

/// A statement and its values. Text is only ever Roster's own; what a person typed is bound.
pub struct Sql {
    text: String,
    arguments: AnyArguments,
    bound: usize,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            arguments: AnyArguments::default(),
            bound: 0,
        }
    }

    /// Appends text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the next placeholder and binds `value` to it.
    pub fn bind<'t, T: Encode<'t, Any> + Type<Any> + 't>(&mut self, value: T) -> &mut Self {
        self.bound += 1;
        self.text.push('$');
        self.text.push_str(&self.bound.to_string());
        // Encoding the plain values Roster binds cannot fail; should it, the value is left
        // unbound and the database refuses the statement when it runs.
        if let Err(e) = self.arguments.add(value) {
            tracing::error!(error = %e, "a value could not be bound");
        }
        self
    }

    /// Appends `$a, $b, ...`, one placeholder per value.
    pub fn list<'t, T: Encode<'t, Any> + Type<Any> + 't>(
        &mut self,
        values: impl IntoIterator<Item = T>,
    ) -> &mut Self {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(value);
        }
        self
    }

    /// Appends one row of values, `($a, $b, ...)`, filled by `values`; rows after the first are
    /// separated by a comma.
    pub fn row(&mut self, values: impl FnOnce(&mut Row<'_>)) -> &mut Self {
        if self.text.ends_with(')') {
            self.text.push_str(", ");
        }
        self.text.push('(');
        values(&mut Row {
            sql: self,
            first: true,
        });
        self.text.push(')');
        self
    }

    /// How many values are bound so far.
    pub fn bound(&self) -> usize {
        self.bound
    }

    /// The statement to run (this `Sql` is left empty: a builder is used once).
    pub fn query(&mut self) -> sqlx::query::Query<'static, Any, AnyArguments> {
        let (text, arguments) = self.take();
        sqlx::query_with(AssertSqlSafe(text), arguments)
    }

    /// The statement to run, its rows read as `R`.
    pub fn query_as<R>(&mut self) -> sqlx::query::QueryAs<'static, Any, R, AnyArguments>
    where
        R: for<'r> FromRow<'r, AnyRow>,
    {
        let (text, arguments) = self.take();
        sqlx::query_as_with(AssertSqlSafe(text), arguments)
    }

    /// The statement to run, the first column of its rows read as `T`.
    pub fn query_scalar<T>(&mut self) -> sqlx::query::QueryScalar<'static, Any, T, AnyArguments>
    where
        (T,): for<'r> FromRow<'r, AnyRow>,
    {
        let (text, arguments) = self.take();
        sqlx::query_scalar_with(AssertSqlSafe(text), arguments)
    }

    fn take(&mut self) -> (String, AnyArguments) {
        self.bound = 0;
        (
            std::mem::take(&mut self.text),
            std::mem::take(&mut self.arguments),
        )
    }
}

/// The values of one row being appended by [`Sql::row`].
pub struct Row<'a> {
    sql: &'a mut Sql,
    first: bool,
}

impl Row<'_> {
    /// The row's next value.
    pub fn value<'t, T: Encode<'t, Any> + Type<Any> + 't>(&mut self, value: T) -> &mut Self {
        if !std::mem::take(&mut self.first) {
            self.sql.text.push_str(", ");
        }
        self.sql.bind(value);
        self
    }

    /// A literal part of the row (a constant), written as is.
    pub fn literal(&mut self, text: &str) -> &mut Self {
        if !std::mem::take(&mut self.first) {
            self.sql.text.push_str(", ");
        }
        self.sql.text.push_str(text);
        self
    }
}

/// How many values one statement should bind on the database behind `conn`. Postgres takes
/// large statements in its stride (up to 65,535 values). SQLite and sqlx look each `$N` up by
/// name, which costs time in the square of the values per statement: there, small statements
/// are much faster (10,000 users import in about a fifth of the time with 250 values per
/// statement rather than 30,000).
pub fn bind_budget(conn: &AnyConnection) -> usize {
    if conn.backend_name().eq_ignore_ascii_case("postgresql") {
        30_000
    } else {
        250
    }
}

/// Writes `items` with as few `head VALUES (...), (...) tail` statements as the bind budget
/// allows, `row` filling one item's values, and returns what the statements return.
/// `written` is told how many items each statement wrote.
pub async fn insert_rows<T>(
    tx: &mut Tx,
    head: &str,
    tail: &str,
    items: &[T],
    width: usize,
    row: impl Fn(&mut Row<'_>, &T),
    written: &mut (dyn FnMut(usize) + Send),
) -> DbResult<Vec<AnyRow>> {
    let per_statement = (bind_budget(tx) / width.max(1)).clamp(1, 1_000);
    let mut returned = Vec::new();
    for chunk in items.chunks(per_statement) {
        let mut sql = Sql::new(head);
        sql.push(" VALUES ");
        for item in chunk {
            sql.row(|r| row(r, item));
        }
        sql.push(" ").push(tail);
        returned.extend(sql.query().fetch_all(&mut **tx).await?);
        written(chunk.len());
    }
    Ok(returned)
}

/// The rows `select` finds for `values`, asked for a few hundred values at a time: `select`
/// writes the statement up to its `IN (`, binding anything it needs first; `)` and what follows
/// (`rest`) are added after the values.
pub async fn select_in<R, V>(
    conn: &mut AnyConnection,
    select: impl Fn(&mut Sql),
    values: &[V],
    rest: &str,
) -> DbResult<Vec<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    V: AsRef<str>,
{
    let mut found = Vec::new();
    let per_statement = bind_budget(conn).min(1_000);
    for chunk in values.chunks(per_statement) {
        let mut sql = Sql::new("");
        select(&mut sql);
        sql.list(chunk.iter().map(|v| v.as_ref().to_owned()));
        sql.push(")").push(rest);
        found.extend(sql.query_as::<R>().fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

/// One page of a list, and how many rows match in all.
pub struct Listing<'a> {
    /// `SELECT columns`.
    pub select: &'a str,
    /// `FROM tables` for the page.
    pub from: &'a str,
    /// `FROM tables` for the count: as few as the filter needs.
    pub count_from: &'a str,
    /// What follows `ORDER BY`: only ever one of Roster's own column lists.
    pub order: &'a str,
    pub limit: u32,
    pub start: u32,
    /// How to pick a page's rows before reading them, if not in one statement (see [`PickFirst`]).
    pub pick_first: Option<PickFirst<'a>>,
    /// How many rows match in all, when that is known already (a count kept in step): then
    /// nothing is counted.
    pub total: Option<u64>,
}

/// A page picked by its keys first (a "deferred join"): the rows skipped to reach a deep page
/// are walked in an index that holds the order and the filter, with none of the page's joins
/// and subqueries, and only the page's own rows are then read whole.
pub struct PickFirst<'a> {
    /// The column that keys the rows (`u.id`).
    pub key: &'a str,
    /// `FROM tables` that the filter and the order need, and no more.
    pub from: &'a str,
    /// Whether the filter leaves few rows (a search its index narrowed), so that counting them
    /// as the page is picked costs next to nothing beside finding them: the page of a broad
    /// filter stops at its last row, a count in the same statement would read every one.
    pub few: bool,
}

impl Listing<'_> {
    /// The page and the count, `filter` writing the conditions after `WHERE` (binding their
    /// values); it is run once for each of the two statements.
    pub async fn fetch<R>(
        &self,
        pool: &sqlx::AnyPool,
        filter: impl Fn(&mut Sql),
    ) -> DbResult<(u64, Vec<R>)>
    where
        R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        self.fetch_after(pool, filter, None::<fn(&mut Sql)>).await
    }

    /// [`Self::fetch`], the page's rows also meeting `after` (conditions that follow `AND`,
    /// such as a keyset cursor's), which the count leaves out.
    ///
    /// A page picked first from [`PickFirst::few`] rows whose count is not known is counted in
    /// the same statement, as the rows the pick ranks (`COUNT(*) OVER ()` before its `LIMIT`): a
    /// search's matches are found once, not once for the count and again for the page. Past
    /// the last row, or after a cursor (which the count must not heed), the count is a
    /// statement of its own.
    pub async fn fetch_after<R>(
        &self,
        pool: &sqlx::AnyPool,
        filter: impl Fn(&mut Sql),
        after: Option<impl Fn(&mut Sql)>,
    ) -> DbResult<(u64, Vec<R>)>
    where
        R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let counted_with_page = self.total.is_none()
            && after.is_none()
            && self.pick_first.as_ref().is_some_and(|first| first.few);
        // What comes before the conditions and after the page's `LIMIT`: the page joined to
        // its ranked keys with their count, picked by its keys, or read as it is.
        let (head, tail) = match &self.pick_first {
            Some(first) if counted_with_page => (
                format!(
                    ", p.listing_total {} JOIN (SELECT {} AS listing_key, \
                     COUNT(*) OVER () AS listing_total {} WHERE ",
                    self.from, first.key, first.from
                ),
                format!(
                    ") p ON p.listing_key = {} ORDER BY {}",
                    first.key, self.order
                ),
            ),
            Some(first) => (
                format!(
                    " {} WHERE {} IN (SELECT {} {} WHERE ",
                    self.from, first.key, first.key, first.from
                ),
                format!(") ORDER BY {}", self.order),
            ),
            None => (format!(" {} WHERE ", self.from), String::new()),
        };
        let mut rows = Sql::new(self.select);
        rows.push(&head);
        filter(&mut rows);
        if let Some(after) = &after {
            after(&mut rows);
        }
        rows.push(&format!(" ORDER BY {} LIMIT ", self.order))
            .bind(i64::from(self.limit))
            .push(" OFFSET ")
            .bind(i64::from(self.start))
            .push(&tail);
        let rows = rows.query().fetch_all(pool).await?;
        let total = match (self.total, rows.first()) {
            (Some(known), _) => Some(known),
            (None, _) if !counted_with_page => None,
            (None, Some(first)) => Some(first.try_get::<i64, _>("listing_total")?.max(0) as u64),
            // Nothing matches at all, or the page starts past the last match.
            (None, None) => (self.start == 0).then_some(0),
        };
        let total = match total {
            Some(total) => total,
            None => {
                let mut count = Sql::new(&format!("SELECT COUNT(*) {} WHERE ", self.count_from));
                filter(&mut count);
                let counted: i64 = count.query_scalar().fetch_one(pool).await?;
                counted.max(0) as u64
            }
        };
        let rows = rows
            .iter()
            .map(R::from_row)
            .collect::<Result<Vec<R>, _>>()?;
        Ok((total, rows))
    }
}

/// A `LIKE ... ESCAPE '\'` pattern matching text that contains `search` (lower-cased), with the
/// pattern's own wildcards in `search` taken literally.
pub fn contains_pattern(search: &str) -> String {
    format!(
        "%{}%",
        search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// The shortest search the users' trigram index answers (see the migration
/// `..._users_search_index`): a piece of fewer characters has no trigram to look up.
const INDEXED_SEARCH_CHARS: usize = 3;

/// The phrase that finds `search` through the trigram index `users_search`, when the index can
/// answer it: a piece of at least [`INDEXED_SEARCH_CHARS`] characters and none of `LIKE`'s own
/// wildcards or escape. It is written as FTS5 writes a phrase (in double quotes, any inside
/// doubled), which `SELECT rowid FROM users_search($1)` takes on both databases: SQLite's FTS5
/// table matches it as consecutive trigrams, straight from the index; Postgres' function of the
/// same name reads it back into a `LIKE` its trigram index answers. The query keeps the plain
/// [`contains_pattern`] condition beside it, so this only narrows where to look.
pub fn indexed_phrase(search: &str) -> Option<String> {
    let lower = search.to_lowercase();
    (lower.chars().count() >= INDEXED_SEARCH_CHARS && !lower.contains(['%', '_', '\\']))
        .then(|| format!("\"{}\"", lower.replace('"', "\"\"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_the_order_values_are_bound() {
        let mut sql = Sql::new("SELECT id FROM users WHERE domain_id = ");
        sql.bind(7_i64)
            .push(" AND extension IN (")
            .list(["101", "102"])
            .push(")");
        assert_eq!(
            sql.text,
            "SELECT id FROM users WHERE domain_id = $1 AND extension IN ($2, $3)"
        );
        assert_eq!(sql.bound(), 3);
    }

    #[test]
    fn rows_are_separated_and_may_hold_constants() {
        let mut sql = Sql::new("INSERT INTO t (a, b, c) VALUES ");
        for n in [1_i64, 2] {
            sql.row(|r| {
                r.value(n).literal("'*'").value("x");
            });
        }
        assert_eq!(
            sql.text,
            "INSERT INTO t (a, b, c) VALUES ($1, '*', $2), ($3, '*', $4)"
        );
    }

    #[test]
    fn the_index_serves_searches_of_three_characters_without_wildcards() {
        assert_eq!(indexed_phrase("Smi").as_deref(), Some("\"smi\""));
        assert_eq!(indexed_phrase("Müller").as_deref(), Some("\"müller\""));
        assert_eq!(
            indexed_phrase("say \"hi\"").as_deref(),
            Some("\"say \"\"hi\"\"\"")
        );
        assert_eq!(indexed_phrase("sm"), None, "too short to have a trigram");
        assert_eq!(indexed_phrase("ab%c"), None);
        assert_eq!(indexed_phrase("a_bc"), None);
        assert_eq!(indexed_phrase("a\\bc"), None);
    }

    #[test]
    fn a_search_matches_its_wildcards_literally() {
        assert_eq!(contains_pattern("50%_A\\"), "%50\\%\\_a\\\\%");
    }
}
