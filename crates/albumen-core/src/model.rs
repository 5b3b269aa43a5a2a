//! Plain catalog data shared by the database, the scanner and the web layer.

use serde::Serialize;

use crate::id::{AlbumId, PhotoId, UserId};

/// What a user may do beyond what policies grant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Permissions {
    /// Administers users, groups, policies and settings; implies every other permission.
    pub admin: bool,
    /// "Can see all photos": bypasses album and photo policies.
    pub can_see_all: bool,
    /// May start a library scan.
    pub can_scan: bool,
}

impl Permissions {
    pub const ADMIN: Self = Self {
        admin: true,
        can_see_all: true,
        can_scan: true,
    };

    pub fn sees_all(self) -> bool {
        self.admin || self.can_see_all
    }

    pub fn scans(self) -> bool {
        self.admin || self.can_scan
    }

    /// Names as used by the API and the CLI.
    pub fn names(self) -> Vec<&'static str> {
        [
            (self.admin, "admin"),
            (self.can_see_all, "can_see_all"),
            (self.can_scan, "can_scan"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// Parses API/CLI permission names; unknown names are an error naming the culprit.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut perms = Self::default();
        for name in names {
            match name {
                "admin" => perms.admin = true,
                "can_see_all" => perms.can_see_all = true,
                "can_scan" => perms.can_scan = true,
                other => {
                    return Err(format!(
                        "unknown permission {other:?} (expected admin, can_see_all or can_scan)"
                    ));
                }
            }
        }
        Ok(perms)
    }
}

/// A user account as the application sees it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub permissions: Permissions,
    pub disabled: bool,
    /// Unix seconds.
    pub created_at: i64,
}

/// An album with the number of photos the viewer may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Album {
    pub id: AlbumId,
    /// Library-relative folder path, NFC, `/`-separated.
    pub path: String,
    pub category: String,
    pub name: String,
    /// `YYYY-MM-DD`; `None` for an album with no dated photo and no date in its name.
    pub date: Option<String>,
    /// Reachable through share links (and by those its policy admits) but never listed, except
    /// to users who can see everything.
    pub unlisted: bool,
    /// Visible, present photos.
    pub photo_count: i64,
    /// The first visible photo, shown as the album's cover.
    pub cover: Option<PhotoId>,
    /// The cover's content fingerprint, which versions its preview URLs (not published).
    #[serde(skip)]
    pub cover_fingerprint: Option<String>,
    /// The cover's mean colour, as [`PhotoEntry::colour`] (not published).
    #[serde(skip)]
    pub cover_colour: Option<u32>,
}

/// Image or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Video,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Video => "video",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "image" => Some(Self::Image),
            "video" => Some(Self::Video),
            _ => None,
        }
    }
}

/// What the camera recorded, as read from the file header.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PhotoMeta {
    /// `Make Model`.
    pub camera: Option<String>,
    pub lens: Option<String>,
    /// As photographers write it: `1/250`, `2`.
    pub exposure_time: Option<String>,
    pub f_number: Option<f64>,
    pub iso: Option<u32>,
    /// Millimetres.
    pub focal_length: Option<f64>,
    /// Signed decimal degrees (latitude, longitude).
    pub gps: Option<(f64, f64)>,
    /// Videos only.
    pub duration_ms: Option<i64>,
}

/// A photo (or video) in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Photo {
    pub id: PhotoId,
    pub album_id: AlbumId,
    /// The file's name. Where it lies in the library is not here: storage learns it only from a
    /// grant (`access::MediaRef`), and viewers never need it.
    pub filename: String,
    pub kind: MediaKind,
    /// Bytes.
    pub size: i64,
    /// Content fingerprint (hex); previews and ETags derive from it.
    pub fingerprint: String,
    /// `YYYY-MM-DDTHH:MM:SS`, local time of the camera.
    pub taken_at: Option<String>,
    /// Stored pixel size, before EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation 1..=8.
    pub orientation: u8,
    pub meta: PhotoMeta,
}

impl Photo {
    /// Size as displayed, after EXIF orientation (5..=8 swap the axes).
    pub fn display_size(&self) -> (u32, u32) {
        displayed(self.width, self.height, self.orientation)
    }
}

/// What a list of photos shows of each (an album's grid, a photo page's neighbours): a few
/// columns of [`Photo`], so long albums load quickly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoEntry {
    pub id: PhotoId,
    pub filename: String,
    pub kind: MediaKind,
    /// As [`Photo::fingerprint`]: preview URLs are versioned by it.
    pub fingerprint: String,
    pub taken_at: Option<String>,
    pub width: u32,
    pub height: u32,
    pub orientation: u8,
    /// Mean colour (0xRRGGBB) of its previews, once made: the placeholder pages paint.
    #[serde(skip)]
    pub colour: Option<u32>,
}

impl PhotoEntry {
    /// Size as displayed, after EXIF orientation.
    pub fn display_size(&self) -> (u32, u32) {
        displayed(self.width, self.height, self.orientation)
    }
}

/// A stored size as displayed: EXIF orientations 5..=8 swap the axes.
fn displayed(width: u32, height: u32, orientation: u8) -> (u32, u32) {
    if (5..=8).contains(&orientation) {
        (height, width)
    } else {
        (width, height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_names_round_trip() {
        let perms = Permissions::from_names(["can_scan", "can_see_all"]).expect("valid names");
        assert!(perms.sees_all() && perms.scans() && !perms.admin);
        assert_eq!(perms.names(), ["can_see_all", "can_scan"]);
        assert!(Permissions::from_names(["root"]).is_err());
        assert!(Permissions::ADMIN.sees_all() && Permissions::ADMIN.scans());
    }
}
