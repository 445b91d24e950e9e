#![deny(warnings)]

use usercom::{Client, CreateUser, IntoUserComUser};

#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(user_id)]
    id: u64,
    #[usercom(email)]
    email: String,
}

#[allow(dead_code)]
async fn sync(client: &Client, customer: &Customer) -> Result<bool, usercom::Error> {
    let by_hand = CreateUser::new().user_id("7");
    client.upsert_user(&by_hand).await?;
    Ok(client.upsert_user(customer).await?.created)
}

fn main() {
    let customer = Customer { id: 1, email: "a@example.org".into() };
    assert_eq!(customer.to_create_user().unwrap().user_id.as_deref(), Some("1"));
}
