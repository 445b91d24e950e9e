#[derive(usercom::IntoUserComUser)]
#[usercom(crate = "::usercom")]
struct ByString {
    #[usercom(email)]
    email: String,
}
