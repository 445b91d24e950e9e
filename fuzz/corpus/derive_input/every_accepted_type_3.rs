#[derive(IntoUserComUser)]
struct IdsAsText<'a> {
    #[usercom(user_id)]
    a: &'a str,
    #[usercom(company_id)]
    b: Box<str>,
}
