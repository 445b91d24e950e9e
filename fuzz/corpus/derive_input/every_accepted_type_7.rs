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
