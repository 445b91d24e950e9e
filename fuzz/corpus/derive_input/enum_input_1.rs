#[derive(usercom::IntoUserComUser)]
enum Customer {
    Person { email: String },
}
