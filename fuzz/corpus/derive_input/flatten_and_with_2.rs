#[derive(IntoUserComUser)]
struct Names {
    #[usercom(first_name)]
    first: String,
    #[usercom(flatten)]
    address: Option<Box<Address>>,
}
