//! The data: the create-user payload ([`payload`]) and what it clears ([`clears`]), the user User.com answers with
//! ([`user`]), attribute values ([`value`]), the enumerations ([`enums`]) and the API
//! versions' wire names and bodies ([`wire`]).

pub(crate) mod clears;
pub(crate) mod enums;
pub(crate) mod event;
pub(crate) mod payload;
pub(crate) mod user;
pub(crate) mod value;
pub(crate) mod wire;
