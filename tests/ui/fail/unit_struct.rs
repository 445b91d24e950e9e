#[derive(usercom::IntoUserComUser)]
struct Customer;

fn main() {}
