#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(email)]
    work_email: String,
}
