//! The types of the optional features (`uuid`, `url`, `time`, `rust_decimal`), in both
//! directions, through the embedded server. README's test command enables every feature;
//! without them this file says so, and fails under CI.

#[cfg(all(
    feature = "uuid",
    feature = "url",
    feature = "time",
    feature = "rust_decimal"
))]
mod common;

#[cfg(not(all(
    feature = "uuid",
    feature = "url",
    feature = "time",
    feature = "rust_decimal"
)))]
#[test]
fn needs_all_features() {
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "CI=true, but the feature types are not tested: run with --all-features"
    );
    eprintln!("SKIPPED: the feature types need --all-features");
}

#[cfg(all(
    feature = "uuid",
    feature = "url",
    feature = "time",
    feature = "rust_decimal"
))]
mod with_features {
    use super::common;
    use std::str::FromStr;

    use rust_decimal::Decimal;
    use usercom::{Error, FromUserComUser, IntoUserComUser};
    use usercom_mock::MockServer;

    #[derive(Debug, Clone, PartialEq, IntoUserComUser, FromUserComUser)]
    struct Account {
        #[usercom(email)]
        email: String,
        #[usercom(user_id, write_only)]
        id: uuid::Uuid,
        #[usercom(twitter_url)]
        twitter: url::Url,
        #[usercom(linkedin_url)]
        linkedin: Option<url::Url>,
        #[usercom(attribute = "external_ref")]
        external_ref: uuid::Uuid,
        #[usercom(attribute = "signed_up")]
        signed_up: time::Date,
        #[usercom(attribute = "last_login")]
        last_login: time::OffsetDateTime,
        #[usercom(attribute = "trial_end")]
        trial_end: time::PrimitiveDateTime,
        #[usercom(attribute = "balance")]
        balance: Decimal,
    }

    fn account() -> Account {
        let date = time::Date::from_calendar_date(2024, time::Month::February, 29).unwrap();
        let at = time::Time::from_hms_milli(13, 14, 15, 678).unwrap();
        Account {
            email: "ada@example.org".into(),
            id: uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            twitter: url::Url::parse("https://twitter.example/ada").unwrap(),
            linkedin: None,
            external_ref: uuid::Uuid::from_u128(42),
            signed_up: date,
            last_login: time::PrimitiveDateTime::new(date, at)
                .assume_offset(time::UtcOffset::from_hms(2, 0, 0).unwrap()),
            trial_end: time::PrimitiveDateTime::new(date, at),
            balance: Decimal::from_str("1234.5").unwrap(),
        }
    }

    #[tokio::test]
    async fn each_feature_type_round_trips() {
        let server = MockServer::start().await;
        let client = common::client_for(&server);
        let sent = account();
        let payload = sent.to_create_user().unwrap();
        assert_eq!(
            payload.user_id.as_deref(),
            Some("01234567-89ab-cdef-0123-456789abcdef")
        );
        assert_eq!(
            serde_json::to_value(payload.custom_attributes_body()).unwrap(),
            serde_json::json!({
                "external_ref": "00000000-0000-0000-0000-00000000002a",
                "signed_up": "2024-02-29",
                "last_login": "2024-02-29T13:14:15.678+02:00",
                "trial_end": "2024-02-29T13:14:15.678",
                "balance": 1234.5,
            })
        );
        let user = client.create_user(&sent).await.unwrap();
        let read = Account::from_user(&user).unwrap();
        assert_eq!(
            read,
            Account {
                id: uuid::Uuid::nil(),
                ..sent
            }
        );
    }

    #[test]
    fn a_decimal_a_float_cannot_carry_is_refused_not_rounded() {
        let mut value = account();
        value.balance = Decimal::from_str("0.1000000000000000000000000001").unwrap();
        let err = value.to_create_user().unwrap_err();
        match &err {
            Error::InvalidInput { attribute, .. } => assert_eq!(attribute, "balance"),
            other => panic!("{other:?}"),
        }
        assert_eq!(err.invalid_value(), Some("0.1000000000000000000000000001"));
        // Exactly representable amounts pass, trailing zeros included.
        value.balance = Decimal::from_str("19.90").unwrap();
        let payload = value.to_create_user().unwrap();
        assert_eq!(
            serde_json::to_value(payload.custom_attributes_body()).unwrap()["balance"],
            serde_json::json!(19.9)
        );
    }
}
