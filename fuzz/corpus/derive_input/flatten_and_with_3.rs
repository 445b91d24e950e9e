#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(user_id, with = convert::uuid_to_string)]
    id: [u8; 4],
    #[usercom(gender, with = convert::gender_of)]
    title: String,
    #[usercom(attribute = "nickname", with = convert::optional)]
    nickname: String,
    #[usercom(flatten)]
    names: Names,
}
