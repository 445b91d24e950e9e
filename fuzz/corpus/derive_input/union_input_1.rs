#[derive(usercom::IntoUserComUser)]
union Customer {
    id: u32,
    score: i32,
}
