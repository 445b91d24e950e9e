#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(assigned_to)]
    agent: Option<String>,
}
