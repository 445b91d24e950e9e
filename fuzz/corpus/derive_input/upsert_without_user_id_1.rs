#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
}
