#[derive(usercom::IntoUserComUser)]
enum Customer {
    Person { email: String },
}

fn main() {}
