#![deny(warnings)]

use std::fmt::Debug;

use usercom::IntoUserComUser;

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

#[derive(IntoUserComUser)]
struct Wrapper<Inner> {
    #[usercom(flatten)]
    inner: Inner,
    #[usercom(score)]
    score: i32,
}

#[derive(IntoUserComUser)]
struct Leaf {
    #[usercom(email)]
    email: String,
}

fn main() {
    let city = String::from("Oslo");
    let value = Generic::<'_, '_, u32, bool, 2> {
        email: "a@example.org",
        id: 7,
        extra: Some(true),
        city: &city,
        unmapped: [0; 2],
    };
    let payload = value.to_create_user().unwrap();
    assert_eq!(payload.user_id.as_deref(), Some("7"));
    assert_eq!(value.unmapped.len(), 2);

    let wrapped = Wrapper { inner: Leaf { email: "b@example.org".into() }, score: 3 };
    let payload = wrapped.to_create_user().unwrap();
    assert_eq!(payload.email.as_deref(), Some("b@example.org"));
    assert_eq!(payload.score, Some(3));
}
