#![deny(warnings)]
#![allow(dead_code)]

mod shadowing {
    struct Option;
    struct Some;
    struct None;
    struct Result;
    struct Ok;
    struct Err;
    struct String;
    struct Box;
    struct Vec;
    struct Into;
    struct From;
    mod core {}
    mod std {}
    mod usercom {}

    #[derive(::usercom::IntoUserComUser)]
    #[usercom(crate = ::usercom)]
    pub struct Customer {
        #[usercom(email)]
        pub email: &'static str,
        #[usercom(score)]
        pub score: i32,
        #[usercom(attribute = "plan")]
        pub plan: &'static str,
        #[usercom(flatten)]
        pub inner: super::Inner,
    }
}

#[derive(usercom::IntoUserComUser)]
pub struct Inner {
    #[usercom(city)]
    pub city: &'static str,
}

fn main() {
    use usercom::IntoUserComUser;
    let c = shadowing::Customer { email: "a@example.org", score: 1, plan: "pro", inner: Inner { city: "Oslo" } };
    assert_eq!(c.to_create_user().unwrap().city.as_deref(), Some("Oslo"));
}
