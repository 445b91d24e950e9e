use usercom::IntoUserComUser;

#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "seats")]
    value: String,
}

fn main() {}
