#[derive(usercom::IntoUserComUser)]
#[usercom(email)]
struct Customer {
    #[usercom(first_name)]
    name: String,
}
