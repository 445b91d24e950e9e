#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(gender)]
    gender: String,
}
