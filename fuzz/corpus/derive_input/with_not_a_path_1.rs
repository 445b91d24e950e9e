#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email, with = 3)]
    email: String,
}
