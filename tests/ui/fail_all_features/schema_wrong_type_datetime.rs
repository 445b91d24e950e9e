use usercom::IntoUserComUser;

#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "last_order")]
    value: chrono::NaiveDate,
}

fn main() {}
