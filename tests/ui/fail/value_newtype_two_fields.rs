use usercom::UserComValue;

#[derive(UserComValue)]
struct Money(u64, String);

fn main() {}
