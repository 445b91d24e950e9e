use usercom::sync::Store;
use usercom::{Client, IntoUserComUser};

#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
}

async fn sync(store: &Store, client: &Client, customers: &[Customer]) {
    let _ = store.sync_user(client, &customers[0]).await;
    let _ = store.sync_users(client, customers).await;
}

fn main() {}
