#[derive(usercom::IntoUserComUser)]
#[usercom(crat = usercom)]
struct Customer {
    #[usercom(email)]
    email: String,
}
