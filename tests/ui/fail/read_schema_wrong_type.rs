use usercom::FromUserComUser;

#[derive(FromUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Customer {
    #[usercom(attribute = "seats")]
    seats: String,
}

fn main() {}
