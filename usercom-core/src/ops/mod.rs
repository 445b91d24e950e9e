//! Operations beside those in `client`, one file for each thing they act on:
//! [`attributes`] (the app's custom attribute definitions), [`lookups`] (reading users
//! back) and [`bulk`] (many at the server's pace, with options).

pub(crate) mod attributes;
pub(crate) mod bulk;
pub(crate) mod lookups;
