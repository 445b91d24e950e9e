use usercom::FromUserComUser;

#[derive(FromUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    password_hash: String,
}

fn main() {}
