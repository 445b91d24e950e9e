use usercom::IntoUserComUser;

#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/malformed.json")]
struct Customer {
    #[usercom(attribute = "plan")]
    plan: String,
}

fn main() {}
