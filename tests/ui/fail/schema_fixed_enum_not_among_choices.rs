use usercom::{IntoUserComUser, UserComValue};

#[derive(UserComValue)]
#[usercom(rename_all = "snake_case")]
enum Plan {
    Free,
    Pro,
    PremiumPlus,
}

#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Customer {
    #[usercom(attribute = "plan")]
    plan: Option<Plan>,
}

fn main() {}
