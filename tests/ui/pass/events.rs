//! `#[derive(IntoUserComEvent)]` on a plain struct, a generic one, one that a `macro_rules!`
//! generates from its caller's tokens, and one behind a renamed import, with `crate = path`.
#![deny(warnings)]

use usercom::IntoUserComEvent;
use usercom::IntoUserComEvent as Event;

#[derive(IntoUserComEvent)]
#[usercom(event = "order_placed")]
pub struct OrderPlaced {
    #[usercom(data)]
    pub order_id: u64,
    #[usercom(data = "total")]
    pub amount: f64,
    #[usercom(data)]
    pub note: Option<&'static str>,
    #[usercom(timestamp)]
    pub at: chrono::DateTime<chrono::FixedOffset>,
    pub internal: Vec<u8>,
}

#[derive(IntoUserComEvent)]
#[usercom(event = "measured")]
pub struct Measured<V, T> {
    #[usercom(data)]
    pub value: V,
    #[usercom(timestamp)]
    pub at: T,
}

macro_rules! event_struct {
    ($name:ident, $event:literal, $data:literal, $ty:ty) => {
        #[derive(Event)]
        #[usercom(event = $event, crate = ::usercom)]
        pub struct $name {
            #[usercom(data = $data)]
            pub value: $ty,
            #[usercom(timestamp)]
            pub at: std::time::SystemTime,
        }
    };
}

event_struct!(Paid, "paid", "amount", i64);

fn sent<E: usercom::IntoUserComEvent>(event: &E) -> usercom::CreateEvent<'_> {
    event.to_create_event().unwrap()
}

fn main() {
    let paid = Paid {
        value: 7,
        at: std::time::UNIX_EPOCH,
    };
    assert_eq!(sent(&paid).name(), "paid");
    let measured = Measured { value: "x", at: 3u8 };
    assert_eq!(sent(&measured).unix_timestamp(), Some(3));
}
