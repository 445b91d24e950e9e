//! The small JSON reader and string writer the schema file needs.
//!
//! Written here rather than taken from serde_json because this crate is compiled into the
//! derive: a proc-macro's dependencies are built a second time for the compiler (with the
//! build profile), so serde_json and serde would be compiled twice in every application that
//! uses `usercom`. Errors say what serde_json says, at the same line and column (a test
//! compares the two).

use std::collections::BTreeMap;

/// A JSON value. Numbers are checked but not kept: no schema field is a number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Number,
    String(String),
    Array(Vec<Value>),
    /// Keys in sorted order; a repeated key keeps its last value.
    Object(BTreeMap<String, Value>),
}

/// Why a text is not JSON, and where (1-based line; column as serde_json counts it: the
/// offending character's, or the end of the line at the end of the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Error {
    pub(crate) message: &'static str,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// Arrays and objects may nest less deeply than this (serde_json's limit).
const MAX_DEPTH: usize = 128;

/// Parses one JSON value, surrounded by nothing but white space.
pub(crate) fn parse(text: &str) -> Result<Value, Error> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        index: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.whitespace();
    if parser.index < parser.bytes.len() {
        return Err(parser.peek_error("trailing characters"));
    }
    Ok(value)
}

/// `text` as a JSON string literal, escaped as serde_json writes it (`"`, `\`, and the
/// control characters; nothing else).
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct Parser<'a> {
    bytes: &'a [u8],
    /// How many bytes are consumed.
    index: usize,
    depth: usize,
}

impl Parser<'_> {
    /// An error at byte `index` (serde_json's position of a consumed prefix).
    fn error_at(&self, index: usize, message: &'static str) -> Error {
        let before = &self.bytes[..index.min(self.bytes.len())];
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        Error {
            message,
            line: 1 + before.iter().filter(|b| **b == b'\n').count(),
            column: index.min(self.bytes.len()) - line_start,
        }
    }

    /// An error about the last consumed byte.
    fn error(&self, message: &'static str) -> Error {
        self.error_at(self.index, message)
    }

    /// An error about the next, not yet consumed, byte.
    fn peek_error(&self, message: &'static str) -> Error {
        self.error_at(self.index + 1, message)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.index).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.index += 1;
        }
    }

    fn value(&mut self) -> Result<Value, Error> {
        self.whitespace();
        match self.peek() {
            None => Err(self.peek_error("EOF while parsing a value")),
            Some(b'n') => self.ident(b"null", Value::Null),
            Some(b't') => self.ident(b"true", Value::Bool(true)),
            Some(b'f') => self.ident(b"false", Value::Bool(false)),
            Some(b'"') => {
                self.index += 1;
                self.string().map(Value::String)
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => self.nested(Parser::array),
            Some(b'{') => self.nested(Parser::object),
            Some(_) => Err(self.peek_error("expected value")),
        }
    }

    fn nested(&mut self, parse: fn(&mut Self) -> Result<Value, Error>) -> Result<Value, Error> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.peek_error("recursion limit exceeded"));
        }
        self.index += 1;
        let value = parse(self);
        self.depth -= 1;
        value
    }

    fn ident(&mut self, word: &[u8], value: Value) -> Result<Value, Error> {
        self.index += 1;
        for expected in &word[1..] {
            match self.peek() {
                None => return Err(self.error("EOF while parsing a value")),
                Some(b) if b == *expected => self.index += 1,
                Some(_) => {
                    self.index += 1;
                    return Err(self.error("expected ident"));
                }
            }
        }
        Ok(value)
    }

    fn digits(&mut self) -> usize {
        let start = self.index;
        while let Some(b'0'..=b'9') = self.peek() {
            self.index += 1;
        }
        self.index - start
    }

    fn number(&mut self) -> Result<Value, Error> {
        if self.peek() == Some(b'-') {
            self.index += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.index += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.peek_error("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            None => return Err(self.error("EOF while parsing a value")),
            Some(_) => return Err(self.peek_error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.index += 1;
            if self.digits() == 0 {
                return Err(match self.peek() {
                    None => self.error("EOF while parsing a value"),
                    Some(_) => self.peek_error("invalid number"),
                });
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.index += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.index += 1;
            }
            if self.digits() == 0 {
                return Err(match self.peek() {
                    None => self.error("EOF while parsing a value"),
                    Some(_) => self.peek_error("invalid number"),
                });
            }
        }
        Ok(Value::Number)
    }

    /// The rest of a string whose opening quote is consumed.
    fn string(&mut self) -> Result<String, Error> {
        let mut out = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error("EOF while parsing a string"));
            };
            self.index += 1;
            match b {
                b'"' => break,
                b'\\' => self.escape(&mut out)?,
                0..=0x1f => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                _ => out.push(b),
            }
        }
        // The input is a `&str` and escapes write UTF-8: the bytes are UTF-8.
        Ok(String::from_utf8(out).expect("UTF-8 in, UTF-8 out"))
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let Some(b) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.index += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(self.error("invalid escape")),
        };
        let mut buffer = [0; 4];
        out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
        Ok(())
    }

    /// Four hex digits, read at once (as serde_json does, so errors point past them).
    fn hex4(&mut self) -> Result<u16, Error> {
        let Some(digits) = self.bytes.get(self.index..self.index + 4) else {
            self.index = self.bytes.len();
            return Err(self.error("EOF while parsing a string"));
        };
        self.index += 4;
        let mut n = 0u16;
        for b in digits {
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.error("invalid escape")),
            };
            n = n * 16 + u16::from(digit);
        }
        Ok(n)
    }

    fn unicode_escape(&mut self) -> Result<char, Error> {
        let first = self.hex4()?;
        let code = match first {
            0xDC00..=0xDFFF => return Err(self.error("lone leading surrogate in hex escape")),
            0xD800..=0xDBFF => {
                if self.peek() != Some(b'\\') {
                    return Err(match self.peek() {
                        None => self.error("EOF while parsing a string"),
                        Some(_) => {
                            self.index += 1;
                            self.error("unexpected end of hex escape")
                        }
                    });
                }
                self.index += 1;
                if self.peek() != Some(b'u') {
                    return Err(match self.peek() {
                        None => self.error("EOF while parsing a string"),
                        Some(_) => {
                            self.index += 1;
                            self.error("unexpected end of hex escape")
                        }
                    });
                }
                self.index += 1;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            n => u32::from(n),
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn array(&mut self) -> Result<Value, Error> {
        let mut items = Vec::new();
        self.whitespace();
        if self.peek() == Some(b']') {
            self.index += 1;
            return Ok(Value::Array(items));
        }
        if self.peek().is_none() {
            return Err(self.peek_error("EOF while parsing a list"));
        }
        loop {
            items.push(self.value()?);
            self.whitespace();
            match self.peek() {
                Some(b']') => {
                    self.index += 1;
                    return Ok(Value::Array(items));
                }
                Some(b',') => {
                    self.index += 1;
                    self.whitespace();
                    if self.peek() == Some(b']') {
                        return Err(self.peek_error("trailing comma"));
                    }
                }
                None => return Err(self.peek_error("EOF while parsing a list")),
                Some(_) => return Err(self.peek_error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, Error> {
        let mut map = BTreeMap::new();
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.index += 1;
            return Ok(Value::Object(map));
        }
        loop {
            match self.peek() {
                Some(b'"') => self.index += 1,
                None => return Err(self.peek_error("EOF while parsing an object")),
                Some(_) => return Err(self.peek_error("key must be a string")),
            }
            let key = self.string()?;
            self.whitespace();
            match self.peek() {
                Some(b':') => self.index += 1,
                None => return Err(self.peek_error("EOF while parsing an object")),
                Some(_) => return Err(self.peek_error("expected `:`")),
            }
            let value = self.value()?;
            map.insert(key, value);
            self.whitespace();
            match self.peek() {
                Some(b'}') => {
                    self.index += 1;
                    return Ok(Value::Object(map));
                }
                Some(b',') => {
                    self.index += 1;
                    self.whitespace();
                    match self.peek() {
                        Some(b'}') => return Err(self.peek_error("trailing comma")),
                        None => return Err(self.peek_error("EOF while parsing a value")),
                        _ => {}
                    }
                }
                None => return Err(self.peek_error("EOF while parsing an object")),
                Some(_) => return Err(self.peek_error("expected `,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde_json's verdict on `text`, in our terms.
    fn serde_json_says(text: &str) -> Result<Value, Error> {
        fn convert(value: serde_json::Value) -> Value {
            match value {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::Bool(b) => Value::Bool(b),
                serde_json::Value::Number(_) => Value::Number,
                serde_json::Value::String(s) => Value::String(s),
                serde_json::Value::Array(items) => {
                    Value::Array(items.into_iter().map(convert).collect())
                }
                serde_json::Value::Object(map) => {
                    Value::Object(map.into_iter().map(|(k, v)| (k, convert(v))).collect())
                }
            }
        }
        serde_json::from_str::<serde_json::Value>(text)
            .map(convert)
            .map_err(|e| {
                let message = e.to_string();
                let message = message[..message.rfind(" at line ").unwrap()].to_owned();
                Error {
                    message: Box::leak(message.into_boxed_str()),
                    line: e.line(),
                    column: e.column(),
                }
            })
    }

    #[test]
    fn agrees_with_serde_json() {
        let cases = [
            "",
            "   ",
            "{}",
            "[]",
            "{",
            "[",
            "[1,",
            "[1 2]",
            "[1,]",
            "{\"a\": 1,}",
            "{\n  \"attributes\": [\n    {\"name_std\": \"plan\",}\n  ]\n}",
            "{\"a\" 1}",
            "{\"a\": 1 \"b\": 2}",
            "{1: 2}",
            "{\"a\":",
            "{\"a\"",
            "{\"a\": 1",
            "{\"a\": 1,",
            "nul",
            "nulx",
            "tru",
            "falsy",
            "truex",
            "x",
            "\"abc",
            "\"a\\qb\"",
            "\"a\\u12\"",
            "\"a\\u12g4\"",
            "\"\\ud800\"",
            "\"\\ud800\\u0041\"",
            "\"\\ud800x\"",
            "\"\\udc00\"",
            "\"\\ud83d\\ude00\"",
            "\"tab\there\"",
            "\"line\nbreak\"",
            "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"",
            "\"é ü 😀\"",
            "-",
            "-x",
            "01",
            "1.",
            "1.x",
            "1e",
            "1e+",
            "1ex",
            "-0.5e-3",
            "123456789012345678901234567890",
            "1 2",
            "{} x",
            "{\"a\": [1, {\"b\": null}], \"a\": true}",
            "[true, false, null, \"s\", 1, -2.5, {}]",
            "\n\n  [\n 1,\n  ]",
            "{\"a\": [1, 2}",
            "[{\"a\": 1]",
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter(|text| parse(text) != serde_json_says(text))
            .map(|text| format!("{text:?}: {:?} vs {:?}", parse(text), serde_json_says(text)))
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(parse(&deep), serde_json_says(&deep));
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(parse(&ok), serde_json_says(&ok));
    }

    #[test]
    fn agrees_with_serde_json_on_every_one_character_edit_of_a_schema() {
        let text = "{\"attributes\": [\n  {\"name_std\": \"plan\", \"name\": \"Pl\\u00e9n\", \
                    \"value_type\": \"fixed\", \"choices\": [\"free\", null, true, -1.5e3]}\n]}\n";
        let mut edits = Vec::new();
        for (i, _) in text.char_indices() {
            let mut deleted = text.to_owned();
            deleted.remove(i);
            edits.push(deleted);
            for c in "{}[],:\"\\ a1-.eu\n".chars() {
                let mut inserted = text.to_owned();
                inserted.insert(i, c);
                edits.push(inserted);
            }
        }
        let wrong: Vec<String> = edits
            .iter()
            .filter(|text| parse(text) != serde_json_says(text))
            .map(|text| format!("{text:?}: {:?} vs {:?}", parse(text), serde_json_says(text)))
            .collect();
        assert!(
            wrong.is_empty(),
            "{} of {}:\n{}",
            wrong.len(),
            edits.len(),
            wrong.join("\n")
        );
    }

    #[test]
    fn quotes_as_serde_json_writes() {
        for text in [
            "",
            "plain",
            "é 😀",
            "\"quoted\" \\ /",
            "\u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f}",
        ] {
            assert_eq!(
                quote(text),
                serde_json::Value::from(text).to_string(),
                "{text:?}"
            );
        }
    }
}
