#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom = "email"]
    email: String,
}
