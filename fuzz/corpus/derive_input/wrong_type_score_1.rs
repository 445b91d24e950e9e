#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(score)]
    points: String,
}
