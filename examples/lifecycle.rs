//! A user's life after sign-up, from the same struct that created them: the profile changes,
//! a value is cleared, an order is sent as an event, the user is tagged and put on a list,
//! every user is listed, and the account is closed (deleted).
//!
//! ```text
//! cargo lifecycle            # an alias of: cargo run -p examples --bin lifecycle
//! ```
//!
//! Without USERCOM_SUBDOMAIN and USERCOM_API_KEY it starts the embedded User.com server
//! (usercom-mock) and says so: no account needed. With both set it creates, changes and then
//! deletes one user in your real User.com app, and asks you to confirm first: pass `--yes`
//! (`cargo lifecycle -- --yes`) or set USERCOM_EXAMPLES_YES=1.

use std::process::ExitCode;

use futures_util::TryStreamExt;
use usercom::{Client, Error, IntoUserComEvent, IntoUserComUser};

#[path = "support/mod.rs"]
mod support;

/// The application's own model. Only the annotated fields are sent.
#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(user_id)]
    id: String,
    #[usercom(email)]
    email: String,
    #[usercom(city)]
    city: Option<String>,
    /// `Some(None)` clears the phone number in an update; `None` leaves it as it is.
    #[usercom(phone_number)]
    phone: Option<Option<String>>,
    #[usercom(attribute = "plan")]
    plan: Option<String>,
}

/// An order, as the application keeps it; sent as the event `order_placed`.
#[derive(IntoUserComEvent)]
#[usercom(event = "order_placed")]
struct OrderPlaced {
    #[usercom(data)]
    order_id: u64,
    #[usercom(data = "total")]
    amount: f64,
    #[usercom(timestamp)]
    at: std::time::SystemTime,
    #[allow(dead_code)]
    gift_message: String, // not mapped: never sent
}

#[tokio::main]
async fn main() -> ExitCode {
    let (client, _embedded) = match support::connect().await {
        Ok(connected) => connected,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    match lifecycle(&client).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", support::chain(&err));
            ExitCode::FAILURE
        }
    }
}

async fn lifecycle(client: &Client) -> Result<(), Error> {
    let mut customer = Customer {
        id: "lifecycle-example-1815".into(),
        email: "ada.lifecycle@example.org".into(),
        city: Some("London".into()),
        phone: Some(Some("+44 20 7946 0000".into())),
        plan: Some("free".into()),
    };
    let user = client.create_user(&customer).await?;
    println!("created user {} ({})", user.id, customer.id);

    // The profile changes: a new city and plan, and the phone number removed.
    customer.city = Some("Paris".into());
    customer.plan = Some("pro".into());
    customer.phone = Some(None);
    let user = client.update_user_by_user_id(&customer).await?;
    println!(
        "updated: city {}, phone {}, plan {}",
        user.city.as_deref().unwrap_or("-"),
        user.phone_number.as_deref().unwrap_or("cleared"),
        user.attribute("plan")
            .map_or("-".to_owned(), |v| v.to_string()),
    );

    let order = OrderPlaced {
        order_id: 1815,
        amount: 99.5,
        at: std::time::SystemTime::now(),
        gift_message: "Happy birthday".into(),
    };
    let event = client.create_event(user.id, &order).await?;
    println!("sent the event order_placed (event {})", event.id);

    client.add_tag(user.id, "vip").await?;
    client.add_to_list(user.id, 7).await?;
    let user = client.get_user(user.id).await?;
    let tags: Vec<&str> = user.tags.iter().map(|t| t.name.as_str()).collect();
    let lists: Vec<u64> = user.lists.iter().map(|l| l.id).collect();
    println!("tags {tags:?}, lists {lists:?}");

    let every: Vec<usercom::User> = client.users().try_collect().await?;
    println!("the app has {} user(s)", every.len());

    // The user closes the account.
    let deleted = client.delete_user_by_user_id(&customer.id).await?;
    println!("deleted: {deleted}");
    Ok(())
}
