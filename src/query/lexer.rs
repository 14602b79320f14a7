//! Splits List Filter text into tokens, one at a time, borrowing from the text.
//!
//! String literals are unescaped here (borrowed when they contain no escape); numbers are
//! only checked for shape and left as text for the parser to convert.

use std::borrow::Cow;

use crate::error::Error;

/// Reserved words, recognised case-insensitively. Attribute names that collide with one
/// must be back-quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    And,
    Or,
    Not,
    In,
    Between,
    StartsWith,
    Is,
    Null,
    True,
    False,
    Order,
    Group,
    By,
    Asc,
    Desc,
    Limit,
}

impl Keyword {
    /// The keyword spelled by `word` (any case), if any. Candidates are grouped by length
    /// so that most attribute names are rejected by one comparison.
    fn classify(word: &str) -> Option<Keyword> {
        use Keyword as K;
        let candidates: &[(&str, Keyword)] = match word.len() {
            2 => &[("OR", K::Or), ("IN", K::In), ("IS", K::Is), ("BY", K::By)],
            3 => &[("AND", K::And), ("NOT", K::Not), ("ASC", K::Asc)],
            4 => &[("NULL", K::Null), ("TRUE", K::True), ("DESC", K::Desc)],
            5 => &[
                ("FALSE", K::False),
                ("ORDER", K::Order),
                ("GROUP", K::Group),
                ("LIMIT", K::Limit),
            ],
            7 => &[("BETWEEN", K::Between)],
            11 => &[("STARTS_WITH", K::StartsWith)],
            _ => return None,
        };
        candidates
            .iter()
            .find(|(text, _)| text.eq_ignore_ascii_case(word))
            .map(|&(_, kw)| kw)
    }
}

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok<'a> {
    /// A bare word that is not a keyword: an attribute name (or a mistake).
    Word(&'a str),
    /// A reserved word.
    Keyword(Keyword),
    /// A back-quoted name, without the quotes.
    Quoted(&'a str),
    /// A string literal, unescaped.
    Str(Cow<'a, str>),
    /// A number, as written (shape already checked).
    Number(&'a str),
    /// `=`
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// End of the text.
    Eof,
}

/// A token and its byte span `start..end` in the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token<'a> {
    /// The token.
    pub tok: Tok<'a>,
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

/// An on-demand tokenizer over List Filter text.
#[derive(Debug, Clone)]
pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// `[A-Za-z0-9_]` as a table: words dominate the text, and one load per byte beats a
/// chain of range checks.
static WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

fn is_word_byte(b: u8) -> bool {
    WORD_BYTE[usize::from(b)]
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Lexer { text, pos: 0 }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn char_at(&self, at: usize) -> char {
        self.text[at..].chars().next().unwrap_or('\0')
    }

    /// The next token; [`Tok::Eof`] at the end (repeatedly).
    pub fn next_token(&mut self) -> Result<Token<'a>, Error> {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
        let start = self.pos;
        let Some(b) = self.byte(start) else {
            return Ok(Token {
                tok: Tok::Eof,
                start,
                end: start,
            });
        };
        let (tok, len) = match b {
            b'(' => (Tok::LParen, 1),
            b')' => (Tok::RParen, 1),
            b',' => (Tok::Comma, 1),
            b'=' => (Tok::Eq, 1),
            b'!' if self.byte(start + 1) == Some(b'=') => (Tok::Ne, 2),
            b'<' => match self.byte(start + 1) {
                Some(b'=') => (Tok::Le, 2),
                Some(b'>') => (Tok::Ne, 2),
                _ => (Tok::Lt, 1),
            },
            b'>' => match self.byte(start + 1) {
                Some(b'=') => (Tok::Ge, 2),
                _ => (Tok::Gt, 1),
            },
            b'\'' | b'"' => return self.string(b),
            b'`' => return self.quoted_name(),
            b'-' | b'.' | b'0'..=b'9' => return self.number(),
            b if is_word_start(b) => {
                let end = start
                    + 1
                    + bytes[start + 1..]
                        .iter()
                        .position(|&b| !is_word_byte(b))
                        .unwrap_or(bytes.len() - start - 1);
                self.pos = end;
                let word = &self.text[start..end];
                let tok = match Keyword::classify(word) {
                    Some(kw) => Tok::Keyword(kw),
                    None => Tok::Word(word),
                };
                return Ok(Token { tok, start, end });
            }
            _ => {
                return Err(Error::invalid_query(
                    format!("unexpected character '{}'", self.char_at(start)),
                    start,
                ));
            }
        };
        self.pos = start + len;
        Ok(Token {
            tok,
            start,
            end: self.pos,
        })
    }

    /// A string literal delimited by `quote`. The delimiter is escaped by doubling it; `\'`,
    /// `\"` and `\\` are the only backslash escapes.
    fn string(&mut self, quote: u8) -> Result<Token<'a>, Error> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let content = start + 1;
        let mut owned: Option<String> = None;
        let mut segment = content;
        let mut i = content;
        loop {
            let Some(offset) = bytes[i..].iter().position(|&c| c == quote || c == b'\\') else {
                return Err(Error::invalid_query("unterminated string literal", start));
            };
            i += offset;
            if bytes[i] == quote {
                if self.byte(i + 1) == Some(quote) {
                    let buf = owned.get_or_insert_with(String::new);
                    buf.push_str(&self.text[segment..=i]);
                    i += 2;
                    segment = i;
                    continue;
                }
                let value = match owned {
                    Some(mut buf) => {
                        buf.push_str(&self.text[segment..i]);
                        Cow::Owned(buf)
                    }
                    None => Cow::Borrowed(&self.text[content..i]),
                };
                self.pos = i + 1;
                return Ok(Token {
                    tok: Tok::Str(value),
                    start,
                    end: self.pos,
                });
            }
            let escaped = match self.byte(i + 1) {
                Some(c @ (b'\'' | b'"' | b'\\')) => c as char,
                Some(_) => {
                    return Err(Error::invalid_query(
                        format!(
                            "invalid escape sequence '\\{}' in string literal (only \\', \\\" \
                             and \\\\ are allowed)",
                            self.char_at(i + 1)
                        ),
                        i,
                    ));
                }
                None => {
                    return Err(Error::invalid_query("unterminated string literal", start));
                }
            };
            let buf = owned.get_or_insert_with(String::new);
            buf.push_str(&self.text[segment..i]);
            buf.push(escaped);
            i += 2;
            segment = i;
        }
    }

    /// A back-quoted attribute name (no escapes; it may not be empty).
    fn quoted_name(&mut self) -> Result<Token<'a>, Error> {
        let start = self.pos;
        let Some(len) = self.text[start + 1..].find('`') else {
            return Err(Error::invalid_query("unterminated back-quoted name", start));
        };
        if len == 0 {
            return Err(Error::invalid_query("empty back-quoted name", start));
        }
        let end = start + 1 + len + 1;
        self.pos = end;
        Ok(Token {
            tok: Tok::Quoted(&self.text[start + 1..end - 1]),
            start,
            end,
        })
    }

    /// `-?(digits[.digits*] | .digits)([eE][+-]?digits)?`, not followed by a word character.
    fn number(&mut self) -> Result<Token<'a>, Error> {
        let start = self.pos;
        let mut i = start;
        if self.byte(i) == Some(b'-') {
            i += 1;
        }
        let digits = |from: usize| {
            let mut to = from;
            while self.byte(to).is_some_and(|b| b.is_ascii_digit()) {
                to += 1;
            }
            to
        };
        let int_end = digits(i);
        let mut mantissa_digits = int_end - i;
        i = int_end;
        if self.byte(i) == Some(b'.') {
            let frac_end = digits(i + 1);
            mantissa_digits += frac_end - (i + 1);
            i = frac_end;
        }
        if mantissa_digits == 0 {
            let what = if self.byte(start) == Some(b'-') {
                "'-' must be followed by a number"
            } else {
                "unexpected character '.'"
            };
            return Err(Error::invalid_query(what, start));
        }
        if matches!(self.byte(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(self.byte(j), Some(b'+' | b'-')) {
                j += 1;
            }
            let exp_end = digits(j);
            if exp_end == j {
                return Err(Error::invalid_query(
                    format!(
                        "invalid number '{}': the exponent has no digits",
                        &self.text[start..exp_end]
                    ),
                    start,
                ));
            }
            i = exp_end;
        }
        if self.byte(i).is_some_and(|b| is_word_byte(b) || b == b'.') {
            let mut end = i;
            while self.byte(end).is_some_and(|b| is_word_byte(b) || b == b'.') {
                end += 1;
            }
            return Err(Error::invalid_query(
                format!("invalid number '{}'", &self.text[start..end]),
                start,
            ));
        }
        self.pos = i;
        Ok(Token {
            tok: Tok::Number(&self.text[start..i]),
            start,
            end: i,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(text: &str) -> Result<Vec<Tok<'_>>, Error> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let t = lexer.next_token()?;
            if t.tok == Tok::Eof {
                return Ok(out);
            }
            out.push(t.tok);
        }
    }

    fn lex_err(text: &str) -> (String, usize) {
        let e = lex(text).expect_err(text);
        (e.message().to_owned(), e.position().expect("position"))
    }

    fn s(v: &str) -> Tok<'_> {
        Tok::Str(Cow::Borrowed(v))
    }

    #[test]
    fn operators_and_punctuation() {
        assert_eq!(
            lex("= != <> < <= > >= ( ) ,").unwrap(),
            [
                Tok::Eq,
                Tok::Ne,
                Tok::Ne,
                Tok::Lt,
                Tok::Le,
                Tok::Gt,
                Tok::Ge,
                Tok::LParen,
                Tok::RParen,
                Tok::Comma
            ]
        );
        assert_eq!(
            lex("a>=1").unwrap(),
            [Tok::Word("a"), Tok::Ge, Tok::Number("1")]
        );
        assert_eq!(lex_err("a ! b"), ("unexpected character '!'".into(), 2));
        assert_eq!(lex_err("a = é"), ("unexpected character 'é'".into(), 4));
    }

    #[test]
    fn keywords_are_case_insensitive_and_words_are_not_keywords() {
        assert_eq!(
            lex(
                "and Or NOT starts_with Between nULL TrUe false order GROUP by asc DESC limit is in"
            )
            .unwrap(),
            [
                Tok::Keyword(Keyword::And),
                Tok::Keyword(Keyword::Or),
                Tok::Keyword(Keyword::Not),
                Tok::Keyword(Keyword::StartsWith),
                Tok::Keyword(Keyword::Between),
                Tok::Keyword(Keyword::Null),
                Tok::Keyword(Keyword::True),
                Tok::Keyword(Keyword::False),
                Tok::Keyword(Keyword::Order),
                Tok::Keyword(Keyword::Group),
                Tok::Keyword(Keyword::By),
                Tok::Keyword(Keyword::Asc),
                Tok::Keyword(Keyword::Desc),
                Tok::Keyword(Keyword::Limit),
                Tok::Keyword(Keyword::Is),
                Tok::Keyword(Keyword::In),
            ]
        );
        assert_eq!(
            lex("Android _x9 ORDERS `AND` `Custom Name`").unwrap(),
            [
                Tok::Word("Android"),
                Tok::Word("_x9"),
                Tok::Word("ORDERS"),
                Tok::Quoted("AND"),
                Tok::Quoted("Custom Name"),
            ]
        );
        assert_eq!(
            lex_err("a = `x"),
            ("unterminated back-quoted name".into(), 4)
        );
        assert_eq!(lex_err("`` = 1"), ("empty back-quoted name".into(), 0));
    }

    #[test]
    fn strings_borrow_when_unescaped() {
        let toks = lex(r#"'abc' "d'e" '' """#).unwrap();
        assert_eq!(toks, [s("abc"), s("d'e"), s(""), s("")]);
        assert!(toks.iter().all(|t| matches!(t, Tok::Str(Cow::Borrowed(_)))));
    }

    #[test]
    fn string_escapes() {
        let cases = [
            (r"'it''s'", "it's"),
            (r"'it\'s'", "it's"),
            (r#"'say \"hi\"'"#, r#"say "hi""#),
            (r#""say ""hi""""#, r#"say "hi""#),
            (r#""it\'s""#, "it's"),
            (r"'a\\b'", r"a\b"),
            (r"'\\'", r"\"),
            (r"'%_'", "%_"),
            (r#"'a""b'"#, r#"a""b"#),
            ("'ünï''cödé'", "ünï'cödé"),
        ];
        for (text, want) in cases {
            let toks = lex(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(toks, [Tok::Str(Cow::Owned(want.to_owned()))], "{text}");
        }
    }

    #[test]
    fn string_errors_have_offsets() {
        assert_eq!(
            lex_err("x = 'abc"),
            ("unterminated string literal".into(), 4)
        );
        assert_eq!(
            lex_err("x = 'abc\\"),
            ("unterminated string literal".into(), 4)
        );
        assert_eq!(
            lex_err("x = \"a''"),
            ("unterminated string literal".into(), 4)
        );
        let (msg, pos) = lex_err(r"x = 'ab\nc'");
        assert_eq!(pos, 7);
        assert!(msg.contains(r"'\n'"), "{msg}");
        let (msg, pos) = lex_err("x = 'ab\\é'");
        assert_eq!(pos, 7);
        assert!(msg.contains("\\é"), "{msg}");
        assert_eq!(lex_err(r"x = '\%'").1, 5);
    }

    #[test]
    fn numbers() {
        assert_eq!(
            lex("1 -2 3.5 -0.25 1e10 2.5E-3 -7e+2 .5 4. 007").unwrap(),
            [
                Tok::Number("1"),
                Tok::Number("-2"),
                Tok::Number("3.5"),
                Tok::Number("-0.25"),
                Tok::Number("1e10"),
                Tok::Number("2.5E-3"),
                Tok::Number("-7e+2"),
                Tok::Number(".5"),
                Tok::Number("4."),
                Tok::Number("007"),
            ]
        );
        assert_eq!(lex("(1,2)").unwrap().len(), 5);
        assert_eq!(lex_err("x = 12abc").1, 4);
        assert_eq!(lex_err("x = 1.2.3").0, "invalid number '1.2.3'");
        assert_eq!(lex_err("x = 1e").1, 4);
        assert_eq!(lex_err("x = 1e+").1, 4);
        assert_eq!(lex_err("x = - 1").1, 4);
        assert_eq!(lex_err("x = -").1, 4);
        assert_eq!(lex_err("x = .").1, 4);
    }

    #[test]
    fn spans_and_whitespace() {
        let mut lexer = Lexer::new(" \t\nab  'c'\r\n");
        let t = lexer.next_token().unwrap();
        assert_eq!((t.start, t.end), (3, 5));
        let t = lexer.next_token().unwrap();
        assert_eq!((t.start, t.end), (7, 10));
        let t = lexer.next_token().unwrap();
        assert_eq!((t.tok, t.start, t.end), (Tok::Eof, 12, 12));
        assert_eq!(lexer.next_token().unwrap().tok, Tok::Eof);
    }
}
