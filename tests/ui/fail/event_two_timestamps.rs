use usercom::IntoUserComEvent;

#[derive(IntoUserComEvent)]
#[usercom(event = "order_placed")]
struct OrderPlaced {
    #[usercom(timestamp)]
    placed: u64,
    #[usercom(timestamp)]
    paid: u64,
    #[usercom(data, timestamp)]
    both: u64,
}

fn main() {}
