#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(emial)]
    email: String,
}
