#[derive(IntoUserComUser)]
struct Ids {
    #[usercom(user_id)]
    a: u64,
    #[usercom(company_id)]
    b: Option<i32>,
}
