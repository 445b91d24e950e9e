use usercom::FromUserComUser;

#[derive(FromUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(first_name)]
    first_name: String,
    #[usercom(company_id)]
    company: Option<String>,
}

fn main() {}
