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
