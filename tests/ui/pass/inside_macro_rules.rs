//! The derive on structs that a `macro_rules!` generates from its caller's tokens: the struct
//! name, field types, a `with` path and a custom attribute name all come from the caller.
#![deny(warnings)]

use usercom::IntoUserComUser;

mod conversions {
    pub fn id_text(id: &u32) -> String {
        format!("id-{id}")
    }
}

macro_rules! user_struct {
    ($name:ident, $id:ty, $conv:path, $points:ty, $plan_name:literal, $plan:ty) => {
        #[derive(IntoUserComUser)]
        pub struct $name {
            #[usercom(user_id, with = $conv)]
            pub id: $id,
            #[usercom(score)]
            pub points: $points,
            #[usercom(attribute = $plan_name)]
            pub plan: $plan,
            #[usercom(flatten)]
            pub extra: Option<Extra>,
        }
    };
}

#[derive(IntoUserComUser)]
pub struct Extra {
    #[usercom(city)]
    pub city: String,
}

user_struct!(Customer, u32, conversions::id_text, i32, "plan", Option<String>);

/// A macro that defines the struct in its own module, invoked from another module.
mod generated {
    #[macro_export]
    macro_rules! account_in_module {
        ($name:ident, $email:ty) => {
            pub mod accounts {
                #[derive(::usercom::IntoUserComUser)]
                pub struct $name {
                    #[usercom(email)]
                    pub email: $email,
                    #[usercom(attribute = "seats")]
                    pub seats: u16,
                }
            }
        };
    }
}

mod elsewhere {
    crate::account_in_module!(Account, String);
}

/// The field's own tokens written inside the macro, only the names coming from outside.
macro_rules! plain {
    ($name:ident) => {
        #[derive(IntoUserComUser)]
        struct $name {
            #[usercom(email)]
            email: &'static str,
        }
    };
}

plain!(Plain);

fn main() {
    let customer = Customer {
        id: 7,
        points: 12,
        plan: Some("pro".into()),
        extra: Some(Extra { city: "Paris".into() }),
    };
    let payload = customer.to_create_user().unwrap();
    assert_eq!(payload.user_id.as_deref(), Some("id-7"));
    assert_eq!(payload.score, Some(12));
    assert_eq!(payload.city.as_deref(), Some("Paris"));
    assert_eq!(payload.custom_attributes().len(), 1);
    assert_eq!(payload.custom_attributes()[0].0, "plan");

    let account = elsewhere::accounts::Account { email: "a@example.org".into(), seats: 3 };
    let payload = account.to_create_user().unwrap();
    assert_eq!(payload.email.as_deref(), Some("a@example.org"));
    assert_eq!(payload.custom_attributes()[0].0, "seats");

    let plain = Plain { email: "p@example.org" };
    assert_eq!(plain.to_create_user().unwrap().email.as_deref(), Some("p@example.org"));
}
