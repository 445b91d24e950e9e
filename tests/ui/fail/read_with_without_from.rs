use usercom::{FromUserComUser, IntoUserComUser};

fn to_text(id: &u32) -> String {
    id.to_string()
}

#[derive(IntoUserComUser, FromUserComUser)]
struct Customer {
    #[usercom(attribute = "account", with = to_text)]
    account: u32,
}

fn main() {}
