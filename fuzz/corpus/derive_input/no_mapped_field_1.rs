#[derive(usercom::IntoUserComUser)]
struct Customer {
    email: String,
    password_hash: String,
}
