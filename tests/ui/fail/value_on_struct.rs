use usercom::UserComValue;

#[derive(UserComValue)]
struct Plan {
    name: String,
}

fn main() {}
