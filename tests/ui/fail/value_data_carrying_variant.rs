use usercom::UserComValue;

#[derive(UserComValue)]
enum Plan {
    Free,
    Pro { seats: u32 },
    Custom(String),
}

fn main() {}
