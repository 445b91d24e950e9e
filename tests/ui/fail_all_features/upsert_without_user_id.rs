use usercom::{Client, IntoUserComUser};

#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
}

async fn sync(client: &Client, customer: &Customer) {
    let _ = client.upsert_user(customer).await;
}

fn main() {}
