//! Property tests: payload strings round-trip exactly; decoding mutated responses never panics.

use proptest::prelude::*;
use serde_json::Value;
use usercom::{CreateUser, IntoUserComUser, User};

const SEED: &str = include_str!("fixtures/seed_create_user_response.json");

/// Strings heavy in what breaks encoders: quotes, backslashes, control characters, NUL,
/// emoji, right-to-left marks, combining characters; and any Unicode at all.
fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just('"'),
                Just('\\'),
                Just('\0'),
                Just('\n'),
                Just('\u{7f}'),
                Just('\u{202e}'),
                Just('\u{200f}'),
                Just('\u{301}'),
                Just('😀'),
                Just('👩'),
                Just('\u{fffd}'),
                any::<char>(),
            ],
            0..40
        )
        .prop_map(|chars| chars.into_iter().collect()),
    ]
}

#[derive(IntoUserComUser)]
struct Profile<'a> {
    #[usercom(city)]
    city: &'a str,
    #[usercom(user_id)]
    id: String,
    #[usercom(attribute = "bio")]
    bio: &'a str,
}

proptest! {
    #[test]
    fn strings_round_trip_exactly_through_the_payload(city in nasty_string(), id in nasty_string(), bio in nasty_string(), name in "[^\u{0}]{1,20}") {
        let profile = Profile { city: &city, id: id.clone(), bio: &bio };
        let payload = profile.to_create_user().unwrap();
        let body: Value = serde_json::from_slice(&serde_json::to_vec(&payload).unwrap()).unwrap();
        prop_assert_eq!(body["city"].as_str(), Some(city.as_str()));
        prop_assert_eq!(body["user_id"].as_str(), Some(id.as_str()));
        let custom: Value =
            serde_json::from_slice(&serde_json::to_vec(&payload.custom_attributes_body()).unwrap()).unwrap();
        prop_assert_eq!(custom["bio"].as_str(), Some(bio.as_str()));

        let by_hand = CreateUser::new().phone_number(city.as_str()).attribute(name.clone(), bio.as_str());
        let custom: Value =
            serde_json::from_slice(&serde_json::to_vec(&by_hand.custom_attributes_body()).unwrap()).unwrap();
        prop_assert_eq!(custom[name.as_str()].as_str(), Some(bio.as_str()));
    }

    #[test]
    fn names_count_unicode_scalar_values(name in "\\PC{0,60}") {
        let result = CreateUser::new().first_name(name.as_str()).validate();
        // At most 40 characters, and exactly what is sent: no control character (`\PC` has
        // none) and no white space at either end, which the server would trim.
        let expected = name.chars().count() <= 40 && name.trim() == name;
        prop_assert_eq!(result.is_ok(), expected);
    }
}

/// A JSON value of any shape, small.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        nasty_string().prop_map(Value::from),
        Just(Value::from("2017-06-13T12:22:38.748373Z")),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    Remove(usize),
    Add(String, Value),
    Truncate(usize),
    FlipByte(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), json_value()).prop_map(|(k, v)| Mutation::Replace(k, v)),
        any::<usize>().prop_map(Mutation::Remove),
        ("[a-z_]{1,12}", json_value()).prop_map(|(k, v)| Mutation::Add(k, v)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
    ]
}

fn apply(mutations: &[Mutation]) -> Vec<u8> {
    let mut value: Value = serde_json::from_str(SEED).unwrap();
    let mut bytes_edits = Vec::new();
    for m in mutations {
        let object = value.as_object_mut().unwrap();
        let keys: Vec<String> = object.keys().cloned().collect();
        match m {
            Mutation::Replace(k, v) if !keys.is_empty() => {
                object.insert(keys[k % keys.len()].clone(), v.clone());
            }
            Mutation::Remove(k) if !keys.is_empty() => {
                object.remove(&keys[k % keys.len()]);
            }
            Mutation::Add(k, v) => {
                object.insert(k.clone(), v.clone());
            }
            other => bytes_edits.push(other.clone()),
        }
    }
    let mut bytes = serde_json::to_vec(&value).unwrap();
    for edit in bytes_edits {
        match edit {
            Mutation::Truncate(n) if !bytes.is_empty() => bytes.truncate(n % bytes.len()),
            Mutation::FlipByte(i, b) if !bytes.is_empty() => {
                let i = i % bytes.len();
                bytes[i] ^= b;
            }
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn decoding_mutations_of_the_seed_sample_never_panics(mutations in proptest::collection::vec(mutation(), 1..6)) {
        let bytes = apply(&mutations);
        // Either a User or an error; a panic fails the test.
        if let Ok(user) = serde_json::from_slice::<User>(&bytes) {
            // What decodes also serializes and decodes again to the same user.
            let again: User = serde_json::from_value(serde_json::to_value(&user).unwrap()).unwrap();
            prop_assert_eq!(again, user);
        }
    }
}
