#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(score, with = as_text)]
    points: u32,
}
