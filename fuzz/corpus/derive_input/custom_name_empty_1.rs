#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "")]
    plan: String,
}
