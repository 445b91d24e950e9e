#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(with = f)]
    plan: String,
}
