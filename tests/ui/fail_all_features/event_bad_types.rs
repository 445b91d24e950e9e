use usercom::IntoUserComEvent;

struct Money(u64);

#[derive(IntoUserComEvent)]
#[usercom(event = "order_placed")]
struct OrderPlaced {
    #[usercom(data)]
    total: Money,
    #[usercom(timestamp)]
    at: String,
}

fn main() {}
