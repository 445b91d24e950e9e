use usercom::IntoUserComEvent;

#[derive(IntoUserComEvent)]
#[usercom(event = "order_placed")]
struct OrderPlaced {
    #[usercom(dta)]
    order_id: u64,
    #[usercom(timestmp)]
    at: u64,
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "plan")]
    plan: String,
}

fn main() {}
