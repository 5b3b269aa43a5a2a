//! The SQL form of the access policy: a [`VisibilityScope`] becomes a `WHERE` fragment.
//!
//! Until album and photo policies are stored, the only way to see anything is "can see all";
//! a restricted scope matches no row, exactly as `decide` denies an object without a policy.

use albumen_core::access::VisibilityScope;

/// Condition on an album row aliased `a`.
pub(crate) fn album_visible(scope: &VisibilityScope) -> &'static str {
    match scope {
        VisibilityScope::Everything => "1 = 1",
        VisibilityScope::Restricted { .. } => "1 = 0",
    }
}

/// Condition on a photo row aliased `p` whose album is aliased `a`.
pub(crate) fn photo_visible(scope: &VisibilityScope) -> &'static str {
    match scope {
        VisibilityScope::Everything => "1 = 1",
        VisibilityScope::Restricted { .. } => "1 = 0",
    }
}
