#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email, first_name)]
    email: String,
}
