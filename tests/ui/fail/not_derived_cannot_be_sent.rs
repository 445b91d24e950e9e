use usercom::IntoUserComUser;

struct Customer {
    email: String,
}

fn payload<T: IntoUserComUser>(value: &T) {
    let _ = value.to_create_user();
}

fn send(customer: &Customer) {
    payload(customer);
}

fn main() {}
