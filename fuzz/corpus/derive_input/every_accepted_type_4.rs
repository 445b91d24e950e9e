#[derive(IntoUserComUser)]
struct Integers {
    #[usercom(score)]
    a: i8,
    #[usercom(assigned_to)]
    b: u128,
}
