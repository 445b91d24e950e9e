use usercom::IntoUserComUser;

fn seat_count(text: &String) -> String {
    text.clone()
}

#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Customer {
    #[usercom(attribute = "seats", with = seat_count)]
    seats: String,
}

fn main() {}
