#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(status)]
    active: bool,
}
