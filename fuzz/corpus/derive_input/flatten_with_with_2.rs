#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(flatten, with = f)]
    address: Address,
}
