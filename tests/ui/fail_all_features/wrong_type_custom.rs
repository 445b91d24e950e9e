#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(attribute = "avatar")]
    avatar: Vec<u8>,
}

fn main() {}
