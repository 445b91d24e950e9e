#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(emial)]
    email: String,
}
