struct Address {
    city: String,
}

#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(flatten)]
    address: Address,
}

fn main() {}
