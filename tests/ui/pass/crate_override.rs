#![deny(warnings)]

mod reexports {
    pub use usercom as renamed;
}

#[derive(usercom::IntoUserComUser)]
#[usercom(crate = reexports::renamed)]
struct ByPath {
    #[usercom(email)]
    email: String,
}

#[derive(usercom::IntoUserComUser)]
#[usercom(crate = "::usercom")]
struct ByString {
    #[usercom(email)]
    email: String,
}

fn main() {
    use usercom::IntoUserComUser;
    let a = ByPath { email: "a@example.org".into() };
    let b = ByString { email: "b@example.org".into() };
    assert!(a.to_create_user().is_ok() && b.to_create_user().is_ok());
}
