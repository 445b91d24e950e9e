use usercom::IntoUserComUser;

macro_rules! user_struct {
    ($name:ident, $points:ty) => {
        #[derive(IntoUserComUser)]
        struct $name {
            #[usercom(score)]
            points: $points,
        }
    };
}

user_struct!(Customer, String);

fn main() {}
