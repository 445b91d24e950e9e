#[derive(IntoUserComUser)]
struct Leaf {
    #[usercom(email)]
    email: String,
}
