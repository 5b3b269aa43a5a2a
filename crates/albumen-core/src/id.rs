//! Typed ids. A bare `i64` never crosses a module boundary, so an album id cannot be passed where
//! a photo id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A path segment that is not a valid id. Web handlers map it to the same 404 a hidden object gets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid id")]
pub struct IdParseError;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;

            /// Only canonical positive decimal numbers: no sign, no leading zeros, no whitespace,
            /// so one object has exactly one URL.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let canonical = !s.is_empty()
                    && s.len() <= 18
                    && s.bytes().all(|b| b.is_ascii_digit())
                    && !s.starts_with('0');
                if !canonical {
                    return Err(IdParseError);
                }
                s.parse().map(Self).map_err(|_| IdParseError)
            }
        }
    };
}

id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A group of users.
    GroupId
);
id_type!(
    /// An album: one folder of the library.
    AlbumId
);
id_type!(
    /// A photo or video in an album.
    PhotoId
);
id_type!(
    /// A share link.
    ShareId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_canonical_decimal_only() {
        assert_eq!("42".parse::<PhotoId>(), Ok(PhotoId::new(42)));
        for bad in [
            "",
            "0",
            "042",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1e3",
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(bad.parse::<PhotoId>(), Err(IdParseError), "{bad:?}");
        }
    }

    #[test]
    fn displays_as_the_number() {
        assert_eq!(AlbumId::new(7).to_string(), "7");
    }
}
