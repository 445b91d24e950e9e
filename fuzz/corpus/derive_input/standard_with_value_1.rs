#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email = "x")]
    email: String,
}
