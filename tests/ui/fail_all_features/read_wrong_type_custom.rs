use usercom::FromUserComUser;

struct Seats(u32);

#[derive(FromUserComUser)]
struct Customer {
    #[usercom(attribute = "seats")]
    seats: Seats,
}

fn main() {}
