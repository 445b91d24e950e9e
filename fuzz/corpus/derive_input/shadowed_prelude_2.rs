#[derive(usercom::IntoUserComUser)]
pub struct Inner {
    #[usercom(city)]
    pub city: &'static str,
}
