#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email, crate = usercom)]
    email: String,
}
