#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "plan")]
    plan: String,
    #[usercom(attribute = "plan")]
    tier: String,
}
