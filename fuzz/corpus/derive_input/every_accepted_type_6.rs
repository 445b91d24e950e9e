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
