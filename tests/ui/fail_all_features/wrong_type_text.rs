#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: i32,
}

fn main() {}
