//! The server's endpoints, and the routes faults can be aimed at.

/// The path every API route starts with.
pub(crate) const API_PREFIX: &str = "/api/public/";

/// An endpoint of the API: a known path, whatever the method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint<'a> {
    /// `users/`
    Users,
    /// `users/update_or_create/`
    UpdateOrCreate,
    /// `users/<id>/`
    User(u64),
    /// `users/<id>/set_multiple_attributes/`
    SetMultipleAttributes(u64),
    /// `attributes/`
    Attributes,
    /// `users/search/` (the query says what to look for)
    Search,
    /// `users-by-id/<user_id>/`, with the segment as received (still percent-encoded)
    UserByUserId(&'a str),
    /// `users/<id>/add_tag/` (`true`) or `users/<id>/remove_tag/` (`false`)
    Tag(u64, bool),
    /// `users-by-id/<user_id>/add_tag/` or `.../remove_tag/`, the segment as received
    TagByUserId(&'a str, bool),
    /// `users/<id>/add_to_list/` (`true`) or `users/<id>/remove_from_list/` (`false`)
    List(u64, bool),
    /// `events/`
    Events,
    /// `users-by-id/<user_id>/events/`, the segment as received
    EventsByUserId(&'a str),
}

impl<'a> Endpoint<'a> {
    /// The endpoint of `path` (from `/api/public/`, with its trailing slash), if it is one.
    pub(crate) fn of(path: &'a str) -> Option<Endpoint<'a>> {
        let rest = path.strip_prefix(API_PREFIX)?.strip_suffix('/')?;
        let segments: Vec<&str> = rest.split('/').collect();
        match segments.as_slice() {
            ["users"] => Some(Endpoint::Users),
            ["users", "update_or_create"] => Some(Endpoint::UpdateOrCreate),
            ["users", "search"] => Some(Endpoint::Search),
            ["users", id] => user_id(id).map(Endpoint::User),
            ["users", id, "set_multiple_attributes"] => {
                user_id(id).map(Endpoint::SetMultipleAttributes)
            }
            ["attributes"] => Some(Endpoint::Attributes),
            ["events"] => Some(Endpoint::Events),
            ["users-by-id", user_id, "events"] if !user_id.is_empty() => {
                Some(Endpoint::EventsByUserId(user_id))
            }
            ["users", id, "add_tag"] => user_id(id).map(|id| Endpoint::Tag(id, true)),
            ["users", id, "remove_tag"] => user_id(id).map(|id| Endpoint::Tag(id, false)),
            ["users", id, "add_to_list"] => user_id(id).map(|id| Endpoint::List(id, true)),
            ["users", id, "remove_from_list"] => user_id(id).map(|id| Endpoint::List(id, false)),
            ["users-by-id", user_id] if !user_id.is_empty() => {
                Some(Endpoint::UserByUserId(user_id))
            }
            ["users-by-id", user_id, "add_tag"] if !user_id.is_empty() => {
                Some(Endpoint::TagByUserId(user_id, true))
            }
            ["users-by-id", user_id, "remove_tag"] if !user_id.is_empty() => {
                Some(Endpoint::TagByUserId(user_id, false))
            }
            _ => None,
        }
    }

    /// The methods the endpoint answers, as the `Allow` header of a 405 lists them.
    pub(crate) fn allowed_methods(self) -> &'static str {
        match self {
            Endpoint::Users => "GET, POST",
            Endpoint::UpdateOrCreate
            | Endpoint::SetMultipleAttributes(_)
            | Endpoint::Tag(..)
            | Endpoint::TagByUserId(..)
            | Endpoint::List(..)
            | Endpoint::Events
            | Endpoint::EventsByUserId(_) => "POST",
            Endpoint::User(_) | Endpoint::UserByUserId(_) => "GET, PUT, DELETE",
            Endpoint::Attributes | Endpoint::Search => "GET",
        }
    }

    /// The route a request with `method` to this endpoint takes, if the method is allowed.
    pub(crate) fn route(self, method: &str) -> Option<Route> {
        Some(match (self, method) {
            (Endpoint::Users, "POST") => Route::CreateUser,
            (Endpoint::Users, "GET") => Route::ListUsers,
            (Endpoint::UpdateOrCreate, "POST") => Route::UpdateOrCreate,
            (Endpoint::User(_), "GET") => Route::GetUser,
            (Endpoint::User(_), "PUT") => Route::UpdateUser,
            (Endpoint::User(_), "DELETE") => Route::DeleteUser,
            (Endpoint::SetMultipleAttributes(_), "POST") => Route::SetMultipleAttributes,
            (Endpoint::Attributes, "GET") => Route::ListAttributes,
            (Endpoint::Search, "GET") => Route::FindUserByEmail,
            (Endpoint::UserByUserId(_), "GET") => Route::FindUserByUserId,
            (Endpoint::UserByUserId(_), "PUT") => Route::UpdateUserByUserId,
            (Endpoint::UserByUserId(_), "DELETE") => Route::DeleteUserByUserId,
            (Endpoint::Tag(_, true), "POST") => Route::AddTag,
            (Endpoint::Tag(_, false), "POST") => Route::RemoveTag,
            (Endpoint::TagByUserId(_, true), "POST") => Route::AddTagByUserId,
            (Endpoint::TagByUserId(_, false), "POST") => Route::RemoveTagByUserId,
            (Endpoint::List(_, true), "POST") => Route::AddToList,
            (Endpoint::List(_, false), "POST") => Route::RemoveFromList,
            (Endpoint::Events, "POST") => Route::CreateEvent,
            (Endpoint::EventsByUserId(_), "POST") => Route::CreateEventByUserId,
            _ => return None,
        })
    }
}

/// A user id in a path: decimal digits only (no sign, no spaces) that fit a `u64`.
fn user_id(segment: &str) -> Option<u64> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok()
}

/// `text` percent-decoded, as Django decodes paths and queries: `%XX` becomes that byte, a
/// `%` not followed by two hex digits stays as it is, bytes that are not UTF-8 become U+FFFD;
/// with `plus_is_space` (a query), `+` is a space.
pub(crate) fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
        match bytes[i] {
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of the query parameter `name`, decoded; the last one when it is given more than
/// once (as Django's `QueryDict.get`). A parameter without `=` has the empty value.
pub(crate) fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').rev().find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key, true) == name).then(|| percent_decode(value, true))
    })
}

/// Which requests a fault is aimed at: see [`MockServer::fault_on`].
///
/// A route is a method and a path: `POST users/` is [`Route::CreateUser`], `GET users/`
/// [`Route::ListUsers`], and `DELETE users/` is on no route (the server answers it 405). [`Route::Any`] matches every request,
/// including those on no route (unknown paths, wrong methods).
///
/// ```
/// use usercom_mock::Route;
/// assert_eq!(
///     Route::of("POST", "/api/public/users/1000/set_multiple_attributes/"),
///     Some(Route::SetMultipleAttributes)
/// );
/// assert_eq!(Route::of("GET", "/api/public/users/"), Some(Route::ListUsers));
/// assert_eq!(Route::of("DELETE", "/api/public/users/"), None);
/// assert!(Route::Any.matches("DELETE", "/anything"));
/// assert!(!Route::GetUser.matches("POST", "/api/public/users/"));
/// ```
///
/// [`MockServer::fault_on`]: crate::MockServer::fault_on
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Route {
    /// Any request at all. [`MockServer::push_fault`] and [`MockServer::fail_next`] aim
    /// their faults here.
    ///
    /// [`MockServer::push_fault`]: crate::MockServer::push_fault
    /// [`MockServer::fail_next`]: crate::MockServer::fail_next
    Any,
    /// `POST users/`: create a user.
    CreateUser,
    /// `POST users/update_or_create/`: create or update a user by `user_id` / `custom_id`.
    UpdateOrCreate,
    /// `GET users/<id>/`: one user.
    GetUser,
    /// `POST users/<id>/set_multiple_attributes/`: set a user's custom attributes.
    SetMultipleAttributes,
    /// `GET attributes/`: a page of the custom attribute definitions (whatever the query).
    ListAttributes,
    /// `GET users/search/?email=<email>`: the first user, in creation order, whose email is
    /// exactly the (form-decoded) `email` parameter (which user the API answers when several
    /// share an email is not documented). None: `404 {"detail": "Not found."}`; no `email`
    /// parameter: `400 {"email": ["This field is required."]}`. Other parameters (`many`,
    /// `key`) are ignored; every query is on this route.
    FindUserByEmail,
    /// `GET users-by-id/<user_id>/`: the first user, in creation order, whose `user_id` (v1)
    /// / `custom_id` (v2) is exactly the percent-decoded segment (`a%2Fb` is `a/b`). None:
    /// `404 {"detail": "Not found."}`.
    FindUserByUserId,
    /// `GET users/`: a page of every user, in id order: `{"count", "next", "previous",
    /// "results"}`, at most 100 users a page ([`MockServer::set_users_page_size`]), `next`
    /// an absolute URL of the server with a `cursor` query (the last id of the page; one that
    /// is not an id is a 404).
    ///
    /// [`MockServer::set_users_page_size`]: crate::MockServer::set_users_page_size
    ListUsers,
    /// `PUT users/<id>/`: update a user. The standard attributes sent are checked as a
    /// create checks them and merged into the user's (those not sent stay as they are);
    /// answers `200` with the user.
    UpdateUser,
    /// `PUT users-by-id/<user_id>/`: [`Route::UpdateUser`] for the first user, in creation
    /// order, whose `user_id` is the percent-decoded segment; `404` when there is none.
    UpdateUserByUserId,
    /// `DELETE users/<id>/`: delete a user. `204` with no body, then `404` for that id.
    DeleteUser,
    /// `DELETE users-by-id/<user_id>/`: delete the first user, in creation order, whose
    /// `user_id` is the percent-decoded segment. `204`, or `404` when there is none.
    DeleteUserByUserId,
    /// `POST users/<id>/add_tag/` with `{"name": <tag>}`: tag a user (a tag the app does not
    /// have yet is created; one the user has already is no error). Answers `200
    /// {"created": <whether the app's tag is new>, "tag": {"id", "name"}}`.
    AddTag,
    /// `POST users/<id>/remove_tag/` with `{"name": <tag>}`: untag a user. `200 {}`, also
    /// when the user did not have the tag.
    RemoveTag,
    /// `POST users-by-id/<user_id>/add_tag/`: [`Route::AddTag`] by the user's `user_id`.
    AddTagByUserId,
    /// `POST users-by-id/<user_id>/remove_tag/`: [`Route::RemoveTag`] by the user's
    /// `user_id`.
    RemoveTagByUserId,
    /// `POST users/<id>/add_to_list/` with `{"list": <list id>}`: put a user on a list (any
    /// positive list id is a list, named `List <id>`). `200 {}`, also when the user was on it.
    AddToList,
    /// `POST users/<id>/remove_from_list/` with `{"list": <list id>}`: take a user off a list.
    /// `200 {}`, also when the user was not on it.
    RemoveFromList,
    /// `POST events/` with `{"client" (v1) / "user_id" (v2), "name", "data", "timestamp"}`:
    /// record an event of an existing user (see [`MockServer::events`]). `201 {"id",
    /// "created"}`, `created` saying whether the event's name is new; events are not
    /// de-duplicated.
    ///
    /// [`MockServer::events`]: crate::MockServer::events
    CreateEvent,
    /// `POST users-by-id/<user_id>/events/`: [`Route::CreateEvent`] for the first user, in
    /// creation order, whose `user_id` is the percent-decoded segment (the body names no
    /// user); `404` when there is none.
    CreateEventByUserId,
}

impl Route {
    /// The route of a request with `method` (`"POST"`: methods are case-sensitive) and `path` (from
    /// `/api/public/`, as [`RecordedRequest::path`]), or `None` when it is on none: an
    /// unknown path, a path without its trailing slash, or a method the path does not
    /// answer. Never [`Route::Any`].
    ///
    /// [`RecordedRequest::path`]: crate::RecordedRequest::path
    pub fn of(method: &str, path: &str) -> Option<Route> {
        Endpoint::of(path).and_then(|endpoint| endpoint.route(method))
    }

    /// Whether a request with `method` and `path` is on this route ([`Route::Any`]: always).
    pub fn matches(self, method: &str, path: &str) -> bool {
        self == Route::Any || Route::of(method, path) == Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_classified_by_method_and_path() {
        let cases = [
            ("POST", "/api/public/users/", Some(Route::CreateUser)),
            ("post", "/api/public/users/", None),
            ("GET", "/api/public/users/", Some(Route::ListUsers)),
            ("PUT", "/api/public/users/", None),
            ("POST", "/api/public/users", None),
            (
                "POST",
                "/api/public/users/update_or_create/",
                Some(Route::UpdateOrCreate),
            ),
            ("GET", "/api/public/users/update_or_create/", None),
            ("GET", "/api/public/users/1000/", Some(Route::GetUser)),
            ("GET", "/api/public/users/+1/", None),
            ("GET", "/api/public/users/99999999999999999999999/", None),
            ("GET", "/api/public/users//", None),
            (
                "POST",
                "/api/public/users/7/set_multiple_attributes/",
                Some(Route::SetMultipleAttributes),
            ),
            ("POST", "/api/public/users/7/other/", None),
            ("POST", "/api/public/users/x/set_multiple_attributes/", None),
            ("POST", "/elsewhere/users/", None),
            (
                "GET",
                "/api/public/attributes/",
                Some(Route::ListAttributes),
            ),
            ("POST", "/api/public/attributes/", None),
            ("GET", "/api/public/attributes", None),
            ("POST", "", None),
            (
                "GET",
                "/api/public/users/search/",
                Some(Route::FindUserByEmail),
            ),
            ("POST", "/api/public/users/search/", None),
            ("GET", "/api/public/users/search", None),
            (
                "GET",
                "/api/public/users-by-id/u-1/",
                Some(Route::FindUserByUserId),
            ),
            (
                "GET",
                "/api/public/users-by-id/a%2Fb%20c/",
                Some(Route::FindUserByUserId),
            ),
            ("GET", "/api/public/users-by-id//", None),
            ("GET", "/api/public/users-by-id/", None),
            ("GET", "/api/public/users-by-id/a/b/", None),
            ("POST", "/api/public/users-by-id/u-1/", None),
            ("DELETE", "/api/public/users/7/", Some(Route::DeleteUser)),
            ("PUT", "/api/public/users/7/", Some(Route::UpdateUser)),
            ("PUT", "/api/public/users/", None),
            (
                "PUT",
                "/api/public/users-by-id/u-1/",
                Some(Route::UpdateUserByUserId),
            ),
            ("DELETE", "/api/public/users/", None),
            (
                "DELETE",
                "/api/public/users-by-id/a%2Fb/",
                Some(Route::DeleteUserByUserId),
            ),
            ("POST", "/api/public/users/7/add_tag/", Some(Route::AddTag)),
            ("DELETE", "/api/public/users/7/add_tag/", None),
            (
                "POST",
                "/api/public/users/7/remove_tag/",
                Some(Route::RemoveTag),
            ),
            (
                "POST",
                "/api/public/users-by-id/u-1/add_tag/",
                Some(Route::AddTagByUserId),
            ),
            (
                "POST",
                "/api/public/users-by-id/u-1/remove_tag/",
                Some(Route::RemoveTagByUserId),
            ),
            ("POST", "/api/public/users-by-id//add_tag/", None),
            (
                "POST",
                "/api/public/users/7/add_to_list/",
                Some(Route::AddToList),
            ),
            (
                "POST",
                "/api/public/users/7/remove_from_list/",
                Some(Route::RemoveFromList),
            ),
            ("POST", "/api/public/users/x/add_to_list/", None),
            ("GET", "/api/public/users/7/remove_from_list/", None),
            ("POST", "/api/public/events/", Some(Route::CreateEvent)),
            ("GET", "/api/public/events/", None),
            (
                "POST",
                "/api/public/users-by-id/u-1/events/",
                Some(Route::CreateEventByUserId),
            ),
        ];
        for (method, path, route) in cases {
            assert_eq!(Route::of(method, path), route, "{method} {path}");
            assert!(Route::Any.matches(method, path), "{method} {path}");
        }
    }

    #[test]
    fn paths_and_queries_are_decoded_as_django_decodes_them() {
        assert_eq!(percent_decode("a%2Fb%20c+d", false), "a/b c+d");
        assert_eq!(percent_decode("a%2Fb%20c+d", true), "a/b c d");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode("%C3%A9%FF", false), "\u{e9}\u{fffd}");
        assert_eq!(percent_decode("%", true), "%");
        let query = Some("many=true&email=a%2Bb%26c%40x.org&email=last%40x.org&flag");
        assert_eq!(query_value(query, "email").as_deref(), Some("last@x.org"));
        assert_eq!(query_value(query, "many").as_deref(), Some("true"));
        assert_eq!(query_value(query, "flag").as_deref(), Some(""));
        assert_eq!(query_value(query, "key"), None);
        assert_eq!(query_value(None, "email"), None);
        assert_eq!(
            query_value(Some("email=a%2Bb%26c%40x.org"), "email").as_deref(),
            Some("a+b&c@x.org")
        );
    }
}
