use usercom::IntoUserComUser;

#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(emial)]
    email: String,
}

fn payload(customer: &Customer) {
    let _ = customer.to_create_user();
}

fn main() {}
