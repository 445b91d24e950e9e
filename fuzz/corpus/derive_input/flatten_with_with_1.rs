#[derive(usercom::IntoUserComUser)]
struct Address {
    #[usercom(city)]
    city: String,
}
