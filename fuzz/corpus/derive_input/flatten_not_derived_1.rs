#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(flatten)]
    address: Address,
}
