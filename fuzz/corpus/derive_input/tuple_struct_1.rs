#[derive(usercom::IntoUserComUser)]
struct Customer(#[usercom(email)] String);
