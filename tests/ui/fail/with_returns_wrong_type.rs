fn as_text(points: &u32) -> String {
    points.to_string()
}

#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(score, with = as_text)]
    points: u32,
}

fn main() {}
