#[derive(IntoUserComUser)]
struct Address {
    #[usercom(city)]
    city: String,
    #[usercom(attribute = "street")]
    street: String,
}
