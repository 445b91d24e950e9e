#[derive(IntoUserComUser)]
struct Wrapper<Inner> {
    #[usercom(flatten)]
    inner: Inner,
    #[usercom(score)]
    score: i32,
}
