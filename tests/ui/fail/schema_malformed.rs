use usercom::IntoUserComUser;

#[derive(IntoUserComUser)]
#[usercom(schema = "../../../../tests/ui/schemas/malformed.json")]
struct Customer {
    #[usercom(attribute = "plan")]
    plan: String,
}

fn main() {}
