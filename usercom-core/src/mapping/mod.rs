//! Between Rust values and User.com attributes: [`convert`] (a value to an attribute, the
//! traits the derive checks fields against), [`read`] (a user back into the caller's type),
//! [`validate`] (the documented rules a value is checked against before sending), and the
//! optional features' types ([`extra_types`]).

pub mod convert;
mod extra_types;
pub mod read;
pub(crate) mod validate;
