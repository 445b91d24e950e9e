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
