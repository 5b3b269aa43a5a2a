//! The oracle: who may see, download and export what, and what a viewer's pages must then show
//! (lists, sub-albums, breadcrumbs, counts, dates, covers, neighbours), spelled out case by case
//! over the world's facts. It never calls the product's access code.

use super::catalog::{ALBUMS, Album, Object, PHOTOS, Photo, Role};

/// What a live, opened link gives its holder.
pub struct Link {
    pub albums: &'static [Album],
    pub photos: &'static [Photo],
    pub download: bool,
    pub zip: bool,
}

pub fn link(role: Role) -> Option<Link> {
    let album = |albums, download, zip| {
        Some(Link {
            albums,
            photos: &[],
            download,
            zip,
        })
    };
    match role {
        Role::LinkFamily => album(&[Album::Family], false, false),
        // The link's sub-albums as they are: Garden.
        Role::LinkFamilyTree => album(&[Album::Family, Album::Garden], false, true),
        Role::LinkGarden => album(&[Album::Garden], false, false),
        Role::LinkUnlocked => album(&[Album::Private], true, true),
        Role::LinkBackstage => album(&[Album::Backstage], false, false),
        Role::LinkPhotos => Some(Link {
            albums: &[],
            photos: &[Photo::FamilyDenied, Photo::NoInheritPlain],
            download: true,
            zip: false,
        }),
        // Locked, expired and revoked links give nothing.
        _ => None,
    }
}

/// Link holders are anonymous as far as policies go.
fn policy_role(role: Role) -> Role {
    if role.user() { role } else { Role::Anonymous }
}

pub fn sees_all(role: Role) -> bool {
    matches!(role, Role::Viewer | Role::Admin)
}

fn link_reaches(role: Role, object: Object) -> bool {
    link(role).is_some_and(|l| match object {
        Object::Album(album) => l.albums.contains(&album),
        Object::Photo(photo) => {
            l.photos.contains(&photo)
                || (!photo.has_own_policy() && l.albums.contains(&photo.album()))
        }
    })
}

/// Whether the album's own policy lets `role` (a policy role) in; false when it has none.
fn album_policy_allows(role: Role, album: Album) -> bool {
    match album {
        Album::Sunny | Album::PublicChild => true,
        Album::Family | Album::NoInherit => role == Role::Ann,
        // Unlisted: its public flag lets nobody in; its group does.
        Album::Backstage => role == Role::Ann,
        Album::Garden | Album::Private | Album::SecretParent => false,
    }
}

fn policy_album_visible(role: Role, album: Album) -> bool {
    sees_all(role) || album_policy_allows(role, album)
}

fn policy_photo_visible(role: Role, photo: Photo) -> bool {
    if sees_all(role) {
        return true;
    }
    match photo {
        // Own policies decide alone.
        Photo::FamilyDenied => false,
        Photo::GardenPublic | Photo::PrivatePublic => true,
        Photo::NoInheritAnn => role == Role::Ann,
        // Public, but in an unlisted album: that lets nobody in.
        Photo::BackstagePublic => false,
        // No own policy: follow the album, whose policy passes on.
        Photo::SunnyPlain
        | Photo::FakeVideo
        | Photo::FamilyPlain
        | Photo::FamilyVideo
        | Photo::ChildPlain
        | Photo::BackstagePlain => album_policy_allows(role, photo.album()),
        // No policy anywhere, or one that does not pass on.
        Photo::GardenPlain | Photo::PrivatePlain | Photo::NoInheritPlain | Photo::SecretPlain => {
            false
        }
    }
}

pub fn album_visible(role: Role, album: Album) -> bool {
    policy_album_visible(policy_role(role), album) || link_reaches(role, Object::Album(album))
}

pub fn photo_visible(role: Role, photo: Photo) -> bool {
    policy_photo_visible(policy_role(role), photo) || link_reaches(role, Object::Photo(photo))
}

pub fn visible(role: Role, object: Object) -> bool {
    match object {
        Object::Album(album) => album_visible(role, album),
        Object::Photo(photo) => photo_visible(role, photo),
    }
}

/// The original: whoever sees a photo by policy, or holds a link that reaches it and allows
/// downloads.
pub fn photo_downloadable(role: Role, photo: Photo) -> bool {
    policy_photo_visible(policy_role(role), photo)
        || (link_reaches(role, Object::Photo(photo)) && link(role).is_some_and(|l| l.download))
}

/// What goes into an album's ZIP: photos seen by policy, or reached by a link that allows ZIP.
pub fn exported(role: Role, album: Album) -> Vec<Photo> {
    let zip_link = link(role).is_some_and(|l| l.zip);
    in_order(album, |p| {
        policy_photo_visible(policy_role(role), p)
            || (zip_link && link_reaches(role, Object::Photo(p)))
    })
}

/// An export answers when the album may be exported (by policy, or by a link allowing ZIP) and
/// holds something to export: an empty archive would still confirm the album.
pub fn exportable(role: Role, album: Album) -> bool {
    let zip_link = link(role).is_some_and(|l| l.zip);
    (policy_album_visible(policy_role(role), album)
        || (zip_link && link_reaches(role, Object::Album(album))))
        && !exported(role, album).is_empty()
}

/// Whether a per-object route answers `role` about `object`.
pub fn allowed(role: Role, route: &str, object: Object) -> bool {
    match object {
        Object::Album(album) if route.ends_with("/export.zip") => exportable(role, album),
        Object::Album(album) => album_visible(role, album),
        Object::Photo(photo) if route.ends_with("/original") => photo_downloadable(role, photo),
        Object::Photo(photo) => photo_visible(role, photo),
    }
}

/// The photos of `album` that pass `keep`, in album order (oldest first).
fn in_order(album: Album, keep: impl Fn(Photo) -> bool) -> Vec<Photo> {
    let mut photos: Vec<Photo> = PHOTOS
        .iter()
        .copied()
        .filter(|&p| p.album() == album && keep(p))
        .collect();
    photos.sort_by_key(|p| (p.taken(), p.filename()));
    photos
}

/// The photos of `album` that `role` may see, in album order.
pub fn visible_photos(role: Role, album: Album) -> Vec<Photo> {
    in_order(album, |p| photo_visible(role, p))
}

/// An album's date as `role` sees it: its oldest photo that `role` may see.
pub fn album_date(role: Role, album: Album) -> Option<&'static str> {
    visible_photos(role, album).first().map(|p| p.date())
}

/// An album's cover as `role` sees it: its first photo that `role` may see.
pub fn cover(role: Role, album: Album) -> Option<Photo> {
    visible_photos(role, album).first().copied()
}

/// Whether `role` may see a photo in `album` or below it.
fn tree_has_visible_photo(role: Role, album: Album) -> bool {
    !visible_photos(role, album).is_empty()
        || ALBUMS
            .iter()
            .any(|&c| c.parent() == Some(album) && tree_has_visible_photo(role, c))
}

/// Unlisted albums are listed only to those who see everything.
fn listable(role: Role, album: Album) -> bool {
    album_visible(role, album) && (!album.unlisted() || sees_all(role))
}

/// Lists (the index, the API's album list) show an album the viewer may see holding a photo
/// the viewer may see.
pub fn album_listed(role: Role, album: Album) -> bool {
    listable(role, album) && !visible_photos(role, album).is_empty()
}

/// The sub-albums an album page shows: children the viewer may see with a visible photo in
/// their tree.
pub fn sub_albums(role: Role, album: Album) -> Vec<Album> {
    ALBUMS
        .iter()
        .copied()
        .filter(|&c| {
            c.parent() == Some(album) && listable(role, c) && tree_has_visible_photo(role, c)
        })
        .collect()
}

/// The albums an album page leads to at its end: those just before and after it in the
/// index's order (newest first, then by name) among the listed albums of its folder, when it
/// is listed itself.
pub fn album_neighbours(role: Role, album: Album) -> (Option<Album>, Option<Album>) {
    let mut row: Vec<Album> = ALBUMS
        .iter()
        .copied()
        .filter(|&a| a.parent() == album.parent() && album_listed(role, a))
        .collect();
    row.sort_by(|&a, &b| {
        album_date(role, b)
            .cmp(&album_date(role, a))
            .then(a.name().cmp(b.name()))
    });
    match row.iter().position(|&a| a == album) {
        Some(at) => (at.checked_sub(1).map(|i| row[i]), row.get(at + 1).copied()),
        None => (None, None),
    }
}

/// The breadcrumbs of an album page: the ancestors the viewer may see, from the top down.
pub fn breadcrumbs(role: Role, album: Album) -> Vec<Album> {
    album
        .ancestors()
        .into_iter()
        .filter(|&a| album_visible(role, a))
        .collect()
}
