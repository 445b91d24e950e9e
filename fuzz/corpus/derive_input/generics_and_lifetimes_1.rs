#[derive(IntoUserComUser)]
struct Generic<'a, 'b: 'a, T, U, const N: usize>
where
    T: Debug,
{
    #[usercom(email)]
    email: &'a str,
    #[usercom(user_id)]
    id: T,
    #[usercom(attribute = "extra")]
    extra: Option<U>,
    #[usercom(city)]
    city: &'b String,
    unmapped: [u8; N],
}
