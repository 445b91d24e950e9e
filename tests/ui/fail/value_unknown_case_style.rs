use usercom::UserComValue;

#[derive(UserComValue)]
#[usercom(rename_all = "snakecase")]
enum Plan {
    Free,
    Pro,
}

fn main() {}
