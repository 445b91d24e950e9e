//! The server's endpoints, and the routes faults can be aimed at.

/// The path every API route starts with.
pub(crate) const API_PREFIX: &str = "/api/public/";

/// An endpoint of the API: a known path, whatever the method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
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
}

impl Endpoint {
    /// The endpoint of `path` (from `/api/public/`, with its trailing slash), if it is one.
    pub(crate) fn of(path: &str) -> Option<Endpoint> {
        let rest = path.strip_prefix(API_PREFIX)?.strip_suffix('/')?;
        let segments: Vec<&str> = rest.split('/').collect();
        match segments.as_slice() {
            ["users"] => Some(Endpoint::Users),
            ["users", "update_or_create"] => Some(Endpoint::UpdateOrCreate),
            ["users", id] => user_id(id).map(Endpoint::User),
            ["users", id, "set_multiple_attributes"] => {
                user_id(id).map(Endpoint::SetMultipleAttributes)
            }
            ["attributes"] => Some(Endpoint::Attributes),
            _ => None,
        }
    }

    /// The one method the endpoint answers, for the `Allow` header of a 405.
    pub(crate) fn allowed_method(self) -> &'static str {
        match self {
            Endpoint::Users | Endpoint::UpdateOrCreate | Endpoint::SetMultipleAttributes(_) => {
                "POST"
            }
            Endpoint::User(_) | Endpoint::Attributes => "GET",
        }
    }

    /// The route a request with `method` to this endpoint takes, if the method is allowed.
    fn route(self, method: &str) -> Option<Route> {
        if method != self.allowed_method() {
            return None;
        }
        Some(match self {
            Endpoint::Users => Route::CreateUser,
            Endpoint::UpdateOrCreate => Route::UpdateOrCreate,
            Endpoint::User(_) => Route::GetUser,
            Endpoint::SetMultipleAttributes(_) => Route::SetMultipleAttributes,
            Endpoint::Attributes => Route::ListAttributes,
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

/// Which requests a fault is aimed at: see [`MockServer::fault_on`].
///
/// A route is a method and a path: `POST users/` is [`Route::CreateUser`], but `GET users/`
/// is on no route (the server answers it 405). [`Route::Any`] matches every request,
/// including those on no route (unknown paths, wrong methods).
///
/// ```
/// use usercom_mock::Route;
/// assert_eq!(
///     Route::of("POST", "/api/public/users/1000/set_multiple_attributes/"),
///     Some(Route::SetMultipleAttributes)
/// );
/// assert_eq!(Route::of("GET", "/api/public/users/"), None);
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
            ("GET", "/api/public/users/", None),
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
        ];
        for (method, path, route) in cases {
            assert_eq!(Route::of(method, path), route, "{method} {path}");
            assert!(Route::Any.matches(method, path), "{method} {path}");
        }
    }
}
