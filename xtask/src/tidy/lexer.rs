//! Just enough of a Rust lexer for tidy's code checks: identifiers, `::` and single
//! punctuation, each with its line, with comments and the contents of string and character
//! literals left out (so prose and messages never look like code).

/// One token of Rust source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    pub(super) text: String,
    pub(super) line: usize,
}

impl Token {
    pub(super) fn is(&self, text: &str) -> bool {
        self.text == text
    }

    pub(super) fn is_ident(&self) -> bool {
        self.text
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
    }
}

/// The tokens of `source`. Literals become a single `"` token, so they still separate
/// the tokens around them.
pub(super) fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i = skip_block_comment(&chars, i, &mut line);
        } else if let Some(end) = raw_string_end(&chars, i, &mut line) {
            tokens.push(literal(line));
            i = end;
        } else if c == '"' {
            i = skip_quoted(&chars, i + 1, '"', &mut line);
            tokens.push(literal(line));
        } else if c == '\'' {
            i = skip_char_or_lifetime(&chars, i, &mut tokens, line);
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            // `b"..."` and `c"..."` are literals: the prefix is no identifier.
            if !(matches!(text.as_str(), "b" | "c") && chars.get(i) == Some(&'"')) {
                tokens.push(Token { text, line });
            }
        } else if c == ':' && next == Some(':') {
            tokens.push(Token {
                text: "::".to_string(),
                line,
            });
            i += 2;
        } else {
            tokens.push(Token {
                text: c.to_string(),
                line,
            });
            i += 1;
        }
    }
    tokens
}

fn literal(line: usize) -> Token {
    Token {
        text: "\"".to_string(),
        line,
    }
}

/// Skips a (nested) block comment starting at `i`; returns the index after it.
fn skip_block_comment(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    let mut depth = 0;
    while i < chars.len() {
        if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
            depth += 1;
            i += 2;
        } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            if chars[i] == '\n' {
                *line += 1;
            }
            i += 1;
        }
    }
    i
}

/// Skips to after the `close` that ends a quoted literal whose contents start at `i`,
/// honouring backslash escapes.
fn skip_quoted(chars: &[char], mut i: usize, close: char, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == close => return i + 1,
            c => {
                if c == '\n' {
                    *line += 1;
                }
                i += 1;
            }
        }
    }
    i
}

/// If a raw string (`r"..."`, `r#"..."#`, `br#"..."#`) starts at `i`, the index after it.
fn raw_string_end(chars: &[char], i: usize, line: &mut usize) -> Option<usize> {
    let starts_word = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
    let mut j = i;
    if chars.get(j) == Some(&'b') || chars.get(j) == Some(&'c') {
        j += 1;
    }
    if !starts_word || chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"'
            && chars[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        if chars[j] == '\n' {
            *line += 1;
        }
        j += 1;
    }
    Some(j)
}

/// Skips a character literal (`'a'`, `'\n'`, `'\u{1F600}'`) starting at `i`, or records a
/// lifetime or label (`'a`) as the `'` token; returns the index after what it consumed.
fn skip_char_or_lifetime(chars: &[char], i: usize, tokens: &mut Vec<Token>, line: usize) -> usize {
    if chars.get(i + 1) == Some(&'\\') {
        let mut unused_line = line;
        tokens.push(literal(line));
        return skip_quoted(chars, i + 1, '\'', &mut unused_line);
    }
    if chars.get(i + 2) == Some(&'\'') {
        tokens.push(literal(line));
        return i + 3;
    }
    tokens.push(Token {
        text: "'".to_string(),
        line,
    });
    i + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(source: &str) -> Vec<String> {
        tokens(source).into_iter().map(|token| token.text).collect()
    }

    #[test]
    fn comments_and_literal_contents_are_left_out() {
        let source =
            "a // std::sync::Mutex\n/* b /* nested */ c */ d \"e::f\" r#\"g\"h\"# 'i' '\\'' j";
        assert_eq!(texts(source), ["a", "d", "\"", "\"", "\"", "\"", "j"]);
    }

    #[test]
    fn paths_lifetimes_and_lines_are_kept() {
        let found = tokens("fn f<'a>(x: &'a u8)\n-> std::sync::Arc<u8> {}");
        let texts: Vec<&str> = found.iter().map(|token| token.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "fn", "f", "<", "'", "a", ">", "(", "x", ":", "&", "'", "a", "u8", ")", "-", ">",
                "std", "::", "sync", "::", "Arc", "<", "u8", ">", "{", "}"
            ]
        );
        assert_eq!(found.last().unwrap().line, 2);
    }

    #[test]
    fn lines_count_inside_multi_line_literals_and_comments() {
        let found = tokens("\"a\nb\" /* c\n */ r\"d\ne\" x");
        assert_eq!(
            found.last().unwrap(),
            &Token {
                text: "x".into(),
                line: 4
            }
        );
    }
}
