use usercom::{Client, IntoUserComUser};

#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
}

async fn sync(client: &Client, customer: &Customer) {
    let _ = client.update_user_by_user_id(customer).await;
    // By User.com's id it needs none.
    let _ = client.update_user(7, customer).await;
}

fn main() {}
