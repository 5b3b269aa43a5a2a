//! Recognising files and folders that moved or were renamed, by content, so they keep their
//! ids and with them everything configured for them (policies, share links).

use std::collections::{BTreeMap, HashMap, HashSet};

use albumen_core::{AlbumId, PhotoId};
use albumen_db::{CatalogAlbum, CatalogFile, PhotoUpsert};

use super::pattern::PathFacts;

/// Catalogued files no longer at their path, by content, waiting to be found elsewhere.
#[derive(Debug)]
pub(crate) struct Moves {
    candidates: HashMap<(String, i64), Vec<PhotoId>>,
    claimed: HashSet<PhotoId>,
}

impl Moves {
    /// `absent`: catalogued files that are missing or not at their path in this listing.
    pub(crate) fn new<'a>(absent: impl Iterator<Item = &'a CatalogFile>) -> Self {
        let mut candidates: HashMap<(String, i64), Vec<PhotoId>> = HashMap::new();
        for file in absent {
            candidates
                .entry((file.fingerprint.clone(), file.size))
                .or_default()
                .push(file.id);
        }
        // Oldest id first, so which duplicate is reused does not depend on listing order.
        for ids in candidates.values_mut() {
            ids.sort_by_key(|id| std::cmp::Reverse(*id));
        }
        Self {
            candidates,
            claimed: HashSet::new(),
        }
    }

    /// The catalogued file a new path holds, if its content matches one that went away.
    pub(crate) fn claim(&mut self, fingerprint: &str, size: i64) -> Option<PhotoId> {
        let id = self
            .candidates
            .get_mut(&(fingerprint.to_owned(), size))?
            .pop()?;
        self.claimed.insert(id);
        Some(id)
    }

    pub(crate) fn is_claimed(&self, id: PhotoId) -> bool {
        self.claimed.contains(&id)
    }
}

/// Folders that are new in this scan and received most of their moved photos from one album
/// whose folder is gone: that album was renamed or moved, and keeps its id.
pub(crate) fn album_renames(
    albums: &[CatalogAlbum],
    dirs: &BTreeMap<String, Option<PathFacts>>,
    catalog: &[CatalogFile],
    upserts: &[PhotoUpsert],
) -> Vec<(AlbumId, String)> {
    let existing: HashSet<&str> = albums.iter().map(|a| a.path.as_str()).collect();
    let path_of: HashMap<AlbumId, &str> = albums.iter().map(|a| (a.id, a.path.as_str())).collect();
    let album_of: HashMap<PhotoId, AlbumId> = catalog.iter().map(|f| (f.id, f.album_id)).collect();
    let mut arrivals: BTreeMap<&str, HashMap<AlbumId, usize>> = BTreeMap::new();
    for upsert in upserts {
        let Some(old_album) = upsert.id.and_then(|id| album_of.get(&id)) else {
            continue;
        };
        if !existing.contains(upsert.album_path.as_str()) {
            *arrivals
                .entry(upsert.album_path.as_str())
                .or_default()
                .entry(*old_album)
                .or_default() += 1;
        }
    }
    let mut taken = HashSet::new();
    let mut renames = Vec::new();
    for (new_dir, sources) in arrivals {
        let best = sources
            .into_iter()
            .max_by_key(|(id, n)| (*n, std::cmp::Reverse(*id)));
        let Some((old, _)) = best else { continue };
        let old_gone = path_of.get(&old).is_some_and(|p| !dirs.contains_key(*p));
        if old_gone && taken.insert(old) {
            renames.push((old, new_dir.to_owned()));
        }
    }
    renames
}
