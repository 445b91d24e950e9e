use usercom::IntoUserComUser;

#[derive(IntoUserComUser)]
#[usercom(schema = "../../../../tests/ui/schemas/app.json")]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "birthday")]
    value: String,
}

fn main() {}
