//! Session and CSRF tokens. The cookie carries 256 random bits; the database keeps only their
//! BLAKE3 hash, so reading the database does not yield a usable session.

use subtle::ConstantTimeEq;

pub const COOKIE: &str = "albumen_session";

/// A new session token and the hash to store.
pub fn new_token() -> (String, String) {
    let token = hex(&rand::random::<[u8; 32]>());
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

pub fn new_csrf_token() -> String {
    hex(&rand::random::<[u8; 16]>())
}

/// Constant-time comparison, so response timing does not leak how much of a guess was right.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

/// A session cookie is 64 hex digits; anything else is not looked up at all.
pub fn plausible_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert!(plausible_token(&a));
        assert_eq!(hash_a, hash_token(&a));
        assert_ne!(hash_a, a);
        assert_eq!(new_csrf_token().len(), 32);
    }

    #[test]
    fn csrf_comparison() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
        assert!(!tokens_match("abc", ""));
    }

    #[test]
    fn implausible_tokens_are_rejected() {
        assert!(!plausible_token(""));
        assert!(!plausible_token(&"g".repeat(64)));
        assert!(!plausible_token(&"a".repeat(63)));
    }
}
