use unicode_normalization::UnicodeNormalization;

/// The words of a Text value: maximal runs of Unicode letters and digits after NFC
/// normalisation, lower-cased, without duplicates, in first-seen order.
///
/// There is no stemming, no stop-word list, no accent folding and no minimum length:
/// `"a"` is a word and `"cafe"` is not `"café"`.
pub fn text_words(text: &str) -> Vec<String> {
    let normalized: String = text.nfc().collect();
    let mut words: Vec<String> = Vec::new();
    for raw in normalized.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() {
            continue;
        }
        let word = raw.to_lowercase();
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_non_alphanumerics_and_lowercases() {
        assert_eq!(
            text_words("Hello, wörld! a-b_c 42"),
            ["hello", "wörld", "a", "b", "c", "42"]
        );
        assert_eq!(text_words("Café CAFÉ"), ["café"]);
        // Decomposed input composes to the same word.
        assert_eq!(text_words("cafe\u{301}"), ["café"]);
        assert_ne!(text_words("cafe"), text_words("café"));
        assert!(text_words(" ,.;!? ").is_empty());
    }
}
