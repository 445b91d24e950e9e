#[derive(usercom::IntoUserComUser)]
struct Customer;
