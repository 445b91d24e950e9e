use usercom::UserComValue;

#[derive(UserComValue)]
#[usercom(attribute = "plan", rename_all = "lowercase")]
#[usercom(schema = "schemas/app.json")]
enum Plan {
    Free,
    Pro,
    Premium,
}

fn main() {}
