use usercom::UserComValue;

#[derive(UserComValue)]
#[usercom(rename_all = "lowercase")]
enum Plan {
    Free,
    #[usercom(rename = "free")]
    Gratis,
    Pro,
}

fn main() {}
