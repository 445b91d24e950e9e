use usercom::FromUserComUser;

#[derive(FromUserComUser)]
struct Customer<'a> {
    #[usercom(email)]
    email: &'a str,
}

fn main() {}
