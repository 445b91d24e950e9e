//! `GET users/`: every user, a page at a time, as the API pages lists.

use serde_json::{json, Value};

use crate::route;
use crate::store::Store;

/// The most users a page of `GET users/` lists unless a test sets another size (the API
/// documents "up to 100").
pub(crate) const DEFAULT_USERS_PAGE_SIZE: usize = 100;

/// The page of `GET users/` that follows the cursor of `query` (the id of the last user of
/// the page before), with `page_size` users at most, in id order, and an absolute `next`
/// link under `base_url`; `None` for a cursor that is not an id.
///
/// The cursor is a position among ids, not an offset: a user deleted or created between
/// two pages moves no other user from one page to another, so none is listed twice or
/// skipped.
pub(crate) fn page(
    store: &Store,
    query: Option<&str>,
    page_size: usize,
    base_url: &str,
) -> Option<Value> {
    let after = match route::query_value(query, "cursor") {
        None => None,
        Some(cursor) => Some(cursor.parse::<u64>().ok()?),
    };
    let page_size = page_size.max(1);
    let ids: Vec<u64> = store.ids_after(after).take(page_size + 1).collect();
    let more = ids.len() > page_size;
    let ids = &ids[..ids.len().min(page_size)];
    let results: Vec<Value> = ids.iter().filter_map(|&id| store.response(id)).collect();
    let next = match (more, ids.last()) {
        (true, Some(last)) => Some(format!("{base_url}users/?cursor={last}")),
        _ => None,
    };
    Some(json!({
        "count": store.user_count(),
        "next": next,
        "previous": null,
        "results": results,
    }))
}
