//! The app's custom attribute definitions: `GET attributes/`, every page.

use crate::ops::pages::Pager;
use crate::{Client, Error};

/// One custom attribute definition of the app, as `GET attributes/` lists it.
///
/// Keys the API adds beyond these are ignored.
///
/// ```
/// use usercom_core::AttributeDefinition;
/// let definition: AttributeDefinition = serde_json::from_str(
///     r#"{"id": 7, "name": "Plan", "name_std": "plan", "value_type": "fixed",
///         "content_type": "user", "created_at": "2024-01-01T00:00:00Z"}"#,
/// )?;
/// assert_eq!(definition.name_std, "plan");
/// assert!(definition.is_user_attribute());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[non_exhaustive]
pub struct AttributeDefinition {
    /// The definition's User.com id.
    pub id: u64,
    /// The display name (`"My Attribute"`).
    pub name: String,
    /// The key requests use (`"my_attribute"`).
    pub name_std: String,
    /// The value type as User.com names it: `boolean`, `integer`, `float`, `string`,
    /// `date`, `datetime`, `json` or `fixed` (kept as text: a type added later does not
    /// break the listing).
    pub value_type: String,
    /// What the attribute belongs to: `user`, `company`, `deal`, `product`, `ticket`...
    pub content_type: String,
}

impl AttributeDefinition {
    /// Whether the attribute belongs to users (`content_type` is `user`): the only ones a
    /// user's `set_multiple_attributes` takes.
    pub fn is_user_attribute(&self) -> bool {
        self.content_type == "user"
    }
}

impl Client {
    /// Every custom attribute definition of the app (of users, companies, deals...; filter
    /// with [`AttributeDefinition::is_user_attribute`]), in the order the API lists them:
    /// `GET attributes/`, then each page's `next` link until there is none.
    ///
    /// Each page is one request under the client's retry policy (a GET is safe to repeat);
    /// a handle's call bound ([`Client::with_call_timeout`]) covers the whole listing.
    /// A `next` link is followed only when it lies under the client's
    /// [`base_url`](Client::base_url): a link elsewhere is an error, and the API key is
    /// never sent there. A `next` link that answers `404` ends the listing (one client has
    /// seen User.com do that at the end of a list); a link already followed is an error
    /// rather than an endless loop. Both errors are [`Error::Decode`] at the path `next`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), usercom_core::Error> {
    /// use usercom_core::Client;
    /// let client = Client::new("my-app", &std::env::var("USERCOM_API_KEY").unwrap())?;
    /// for definition in client.list_attributes().await? {
    ///     if definition.is_user_attribute() {
    ///         println!("{} ({})", definition.name_std, definition.value_type);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_attributes(&self) -> Result<Vec<AttributeDefinition>, Error> {
        let bound = self.call_bound();
        let mut pager = Pager::new(self, "attributes/")?;
        let mut definitions = Vec::new();
        while let Some(definition) = pager.next_item(self, bound).await? {
            definitions.push(definition);
        }
        Ok(definitions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_ignore_unknown_keys() {
        let definition: AttributeDefinition = serde_json::from_str(
            r#"{"id": 1, "name": "Seats", "name_std": "seats", "value_type": "integer",
                "content_type": "company", "extra": [1, 2]}"#,
        )
        .unwrap();
        assert_eq!(definition.value_type, "integer");
        assert!(!definition.is_user_attribute());
    }
}
