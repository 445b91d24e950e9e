#![deny(warnings)]

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use usercom::{Gender, IntoUserComUser, Status};

#[derive(IntoUserComUser)]
struct Text<'a> {
    #[usercom(email)]
    a: String,
    #[usercom(first_name)]
    b: &'a str,
    #[usercom(last_name)]
    c: Box<str>,
    #[usercom(city)]
    d: Cow<'a, str>,
    #[usercom(country)]
    e: Arc<str>,
    #[usercom(region)]
    f: Rc<str>,
    #[usercom(timezone)]
    g: Option<String>,
    #[usercom(phone_number)]
    h: &'a String,
    #[usercom(facebook_url)]
    i: Option<&'a str>,
    #[usercom(google_url)]
    j: &'a Option<Box<str>>,
    #[usercom(gravatar_url)]
    k: Option<Cow<'a, str>>,
    #[usercom(linkedin_url)]
    l: &'a &'a str,
    #[usercom(twitter_url)]
    m: Option<Arc<str>>,
}

#[derive(IntoUserComUser)]
struct Ids {
    #[usercom(user_id)]
    a: u64,
    #[usercom(company_id)]
    b: Option<i32>,
}

#[derive(IntoUserComUser)]
struct IdsAsText<'a> {
    #[usercom(user_id)]
    a: &'a str,
    #[usercom(company_id)]
    b: Box<str>,
}

#[derive(IntoUserComUser)]
struct Integers {
    #[usercom(score)]
    a: i8,
    #[usercom(assigned_to)]
    b: u128,
}

#[derive(IntoUserComUser)]
struct MoreIntegers<'a> {
    #[usercom(score)]
    a: Option<usize>,
    #[usercom(assigned_to)]
    b: &'a isize,
}

#[derive(IntoUserComUser)]
struct Flags<'a> {
    #[usercom(notifications)]
    a: bool,
    #[usercom(unsubscribed)]
    b: Option<&'a bool>,
    #[usercom(gender)]
    c: Gender,
    #[usercom(status)]
    d: Option<Status>,
}

#[derive(IntoUserComUser)]
struct Custom<'a> {
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "a")]
    a: bool,
    #[usercom(attribute = "b")]
    b: i16,
    #[usercom(attribute = "c")]
    c: u64,
    #[usercom(attribute = "d")]
    d: f32,
    #[usercom(attribute = "e")]
    e: f64,
    #[usercom(attribute = "f")]
    f: String,
    #[usercom(attribute = "g")]
    g: &'a str,
    #[usercom(attribute = "h")]
    h: chrono::NaiveDate,
    #[usercom(attribute = "i")]
    i: chrono::NaiveDateTime,
    #[usercom(attribute = "j")]
    j: chrono::DateTime<chrono::Utc>,
    #[usercom(attribute = "k")]
    k: chrono::DateTime<chrono::FixedOffset>,
    #[usercom(attribute = "l")]
    l: serde_json::Value,
    #[usercom(attribute = "m")]
    m: Option<Cow<'a, str>>,
    #[usercom(attribute = "n")]
    n: &'a Option<serde_json::Value>,
    #[usercom(attribute = "o")]
    o: Arc<str>,
}

fn check<T: IntoUserComUser>() {}

fn main() {
    check::<Text<'static>>();
    check::<Ids>();
    check::<IdsAsText<'static>>();
    check::<Integers>();
    check::<MoreIntegers<'static>>();
    check::<Flags<'static>>();
    check::<Custom<'static>>();
}
