use usercom::IntoUserComUser;

#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/no-such-file.json")]
struct Customer {
    #[usercom(attribute = "plan")]
    plan: String,
}

fn main() {}
