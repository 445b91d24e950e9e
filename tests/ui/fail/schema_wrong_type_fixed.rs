use usercom::IntoUserComUser;

#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "tier")]
    value: u8,
}

fn main() {}
