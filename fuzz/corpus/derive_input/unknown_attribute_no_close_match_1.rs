#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(favourite_colour)]
    colour: String,
}
