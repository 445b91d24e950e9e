#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(user_id)]
    id: u64,
    #[usercom(email)]
    email: String,
}
