#[derive(IntoUserComUser)]
struct MoreIntegers<'a> {
    #[usercom(score)]
    a: Option<usize>,
    #[usercom(assigned_to)]
    b: &'a isize,
}
