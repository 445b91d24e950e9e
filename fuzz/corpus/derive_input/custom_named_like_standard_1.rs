#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(attribute = "email")]
    email: String,
}
