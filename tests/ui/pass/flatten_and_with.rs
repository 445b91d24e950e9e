#![deny(warnings)]

use usercom::{Gender, IntoUserComUser};

#[derive(IntoUserComUser)]
struct Address {
    #[usercom(city)]
    city: String,
    #[usercom(attribute = "street")]
    street: String,
}

#[derive(IntoUserComUser)]
struct Names {
    #[usercom(first_name)]
    first: String,
    #[usercom(flatten)]
    address: Option<Box<Address>>,
}

mod convert {
    pub fn uuid_to_string(id: &[u8; 4]) -> String {
        id.iter().map(|b| format!("{b:02x}")).collect()
    }
    pub fn gender_of(title: &str) -> usercom::Gender {
        match title {
            "Mr" => usercom::Gender::Male,
            "Ms" => usercom::Gender::Female,
            _ => usercom::Gender::Unknown,
        }
    }
    pub fn optional(text: &String) -> Option<&str> {
        (!text.is_empty()).then_some(text.as_str())
    }
}

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

fn main() {
    let customer = Customer {
        id: [0xde, 0xad, 0xbe, 0xef],
        title: "Ms".into(),
        nickname: String::new(),
        names: Names {
            first: "Ada".into(),
            address: Some(Box::new(Address { city: "London".into(), street: "Main".into() })),
        },
    };
    let payload = customer.to_create_user().unwrap();
    assert_eq!(payload.user_id.as_deref(), Some("deadbeef"));
    assert_eq!(payload.gender, Some(Gender::Female));
    assert_eq!(payload.city.as_deref(), Some("London"));
    assert_eq!(payload.custom_attributes().len(), 1);
}
