#[derive(usercom::IntoUserComUser)]
#[usercom(crate = reexports::renamed)]
struct ByPath {
    #[usercom(email)]
    email: String,
}
