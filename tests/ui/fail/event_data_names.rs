use usercom::IntoUserComEvent;

#[derive(IntoUserComEvent)]
#[usercom(event = "order_placed")]
struct OrderPlaced {
    #[usercom(data = "total")]
    amount: f64,
    #[usercom(data)]
    total: f64,
    #[usercom(data = "")]
    empty: u32,
    #[usercom(data = total)]
    unquoted: u32,
}

fn main() {}
