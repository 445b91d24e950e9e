#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(user_id)]
    id: f64,
}
