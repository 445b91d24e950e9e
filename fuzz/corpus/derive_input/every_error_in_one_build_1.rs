#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(emial)]
    email: String,
    #[usercom(first_name, last_name)]
    name: String,
    #[usercom(attribute = "")]
    plan: String,
    #[usercom(city)]
    city: String,
    #[usercom(city)]
    town: String,
}
