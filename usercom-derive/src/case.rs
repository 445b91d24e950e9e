//! serde's case styles for `rename_all`: which there are, and how a variant's name reads in
//! each.

/// The case styles `rename_all` accepts, as serde names them.
pub(crate) const CASE_STYLES: &[&str] = &[
    "lowercase",
    "UPPERCASE",
    "PascalCase",
    "camelCase",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "SCREAMING-KEBAB-CASE",
];

/// `variant` (PascalCase, as Rust writes variants) in the case `style`, as serde does it.
pub(crate) fn apply_case(style: &str, variant: &str) -> String {
    let snake = || {
        let mut out = String::new();
        for (i, c) in variant.char_indices() {
            if c.is_uppercase() && i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        }
        out
    };
    match style {
        "lowercase" => variant.to_lowercase(),
        "UPPERCASE" => variant.to_uppercase(),
        "camelCase" => {
            let mut chars = variant.chars();
            chars
                .next()
                .map(|first| first.to_lowercase().chain(chars).collect())
                .unwrap_or_default()
        }
        "snake_case" => snake(),
        "SCREAMING_SNAKE_CASE" => snake().to_uppercase(),
        "kebab-case" => snake().replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => snake().to_uppercase().replace('_', "-"),
        _ => variant.to_owned(), // PascalCase, and unknown styles (reported apart)
    }
}

#[cfg(test)]
mod tests {
    use super::apply_case;

    #[test]
    fn case_styles_follow_serde() {
        let cases = [
            ("lowercase", "freetrial"),
            ("UPPERCASE", "FREETRIAL"),
            ("PascalCase", "FreeTrial"),
            ("camelCase", "freeTrial"),
            ("snake_case", "free_trial"),
            ("SCREAMING_SNAKE_CASE", "FREE_TRIAL"),
            ("kebab-case", "free-trial"),
            ("SCREAMING-KEBAB-CASE", "FREE-TRIAL"),
        ];
        for (style, expected) in cases {
            assert_eq!(apply_case(style, "FreeTrial"), expected, "{style}");
        }
    }
}
