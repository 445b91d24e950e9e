use usercom::IntoUserComUser;

#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "active")]
    value: String,
}

fn main() {}
