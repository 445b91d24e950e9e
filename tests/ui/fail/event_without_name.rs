use usercom::IntoUserComEvent;

#[derive(IntoUserComEvent)]
struct OrderPlaced {
    #[usercom(data)]
    order_id: u64,
}

#[derive(IntoUserComEvent)]
#[usercom(event = "")]
struct Empty {
    #[usercom(data)]
    order_id: u64,
}

#[derive(IntoUserComEvent)]
#[usercom(event = " paid")]
struct Spaced {}

#[derive(IntoUserComEvent)]
#[usercom(evnt = "paid")]
struct Misspelled {}

fn main() {}
