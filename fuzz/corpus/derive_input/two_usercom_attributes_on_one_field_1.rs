#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    #[usercom(attribute = "contact")]
    email: String,
}
