#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(notifications)]
    notifications: &'static str,
}
