#[derive(usercom::IntoUserComUser)]
struct Address {
    #[usercom(city)]
    city: String,
}

fn f(a: &Address) -> &Address {
    a
}

#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(flatten, with = f)]
    address: Address,
}

fn main() {}
