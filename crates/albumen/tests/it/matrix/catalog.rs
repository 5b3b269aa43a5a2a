//! The matrix world as facts: its roles, albums and photos, with the names, folders, dates and
//! policies the world is built with. The oracle (`oracle.rs`) decides over these facts alone.

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Anonymous,
    /// Member of the group `family`.
    Ann,
    /// A plain user in no group.
    Bob,
    /// `can_scan`, nothing else.
    Scanner,
    /// `can_see_all`.
    Viewer,
    Admin,
    /// Holds a link to `Family` without its sub-albums (view only).
    LinkFamily,
    /// Holds a link to `Family` with its sub-albums (ZIP allowed, downloads not).
    LinkFamilyTree,
    /// Holds a link to `Family/Garden` alone (view only).
    LinkGarden,
    /// Holds a cookie for the password link to `Private` without having given the password.
    LinkLocked,
    /// Gave the password of the link to `Private` (downloads and ZIP allowed).
    LinkUnlocked,
    /// Holds an expired link to `NoInherit`.
    LinkExpired,
    /// Holds a revoked link to `NoInherit` (downloads allowed).
    LinkRevoked,
    /// Holds a link to two photos hidden by policy (downloads allowed).
    LinkPhotos,
    /// Holds a link to the unlisted album `Backstage` (view only).
    LinkBackstage,
}

pub const ROLES: [Role; 15] = [
    Role::Anonymous,
    Role::Ann,
    Role::Bob,
    Role::Scanner,
    Role::Viewer,
    Role::Admin,
    Role::LinkFamily,
    Role::LinkFamilyTree,
    Role::LinkGarden,
    Role::LinkLocked,
    Role::LinkUnlocked,
    Role::LinkExpired,
    Role::LinkRevoked,
    Role::LinkPhotos,
    Role::LinkBackstage,
];

impl Role {
    /// Logged in (as opposed to anonymous, with or without links).
    pub fn user(self) -> bool {
        matches!(
            self,
            Self::Ann | Self::Bob | Self::Scanner | Self::Viewer | Self::Admin
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Album {
    /// `Sunny/`: public.
    Sunny,
    /// `Family/`: the group `family`, photos inherit.
    Family,
    /// `Family/Garden/`: no policy.
    Garden,
    /// `Private/`: no policy.
    Private,
    /// `NoInherit/`: the group `family`, photos do not inherit.
    NoInherit,
    /// `Secret parent/`: no policy.
    SecretParent,
    /// `Secret parent/Public child/`: public.
    PublicChild,
    /// `Backstage/`: unlisted, public and the group `family`, photos inherit.
    Backstage,
}

pub const ALBUMS: [Album; 8] = [
    Album::Sunny,
    Album::Family,
    Album::Garden,
    Album::Private,
    Album::NoInherit,
    Album::SecretParent,
    Album::PublicChild,
    Album::Backstage,
];

impl Album {
    /// The album's name: its folder's name. No name is part of another, nor of a file name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sunny => "Sunny",
            Self::Family => "Family",
            Self::Garden => "Garden",
            Self::Private => "Private",
            Self::NoInherit => "NoInherit",
            Self::SecretParent => "Secret parent",
            Self::PublicChild => "Public child",
            Self::Backstage => "Backstage",
        }
    }

    pub fn parent(self) -> Option<Album> {
        match self {
            Self::Garden => Some(Self::Family),
            Self::PublicChild => Some(Self::SecretParent),
            _ => None,
        }
    }

    /// The folder in the library.
    pub fn folder(self) -> String {
        match self.parent() {
            Some(parent) => format!("{}/{}", parent.folder(), self.name()),
            None => self.name().to_owned(),
        }
    }

    pub fn unlisted(self) -> bool {
        self == Self::Backstage
    }

    /// The albums above, from the top down.
    pub fn ancestors(self) -> Vec<Album> {
        let mut up = Vec::new();
        let mut at = self.parent();
        while let Some(album) = at {
            up.insert(0, album);
            at = album.parent();
        }
        up
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Photo {
    /// In `Sunny`, no own policy.
    SunnyPlain,
    /// In `Sunny`: a `.mp4` of garbage bytes, dated by its file name (as videos here are).
    FakeVideo,
    /// In `Family`, an empty own policy: explicit deny.
    FamilyDenied,
    /// In `Family`, no own policy.
    FamilyPlain,
    /// In `Family`, no own policy: another `.mp4` of garbage bytes, which not everyone sees.
    FamilyVideo,
    /// In `Family/Garden`, no own policy.
    GardenPlain,
    /// In `Family/Garden`, its own public policy: a child album nobody else may see shows
    /// through its photos if sub-albums are not filtered.
    GardenPublic,
    /// In `Private`, no own policy.
    PrivatePlain,
    /// In `Private`, its own public policy.
    PrivatePublic,
    /// In `NoInherit`, its own policy naming ann.
    NoInheritAnn,
    /// In `NoInherit`, no own policy.
    NoInheritPlain,
    /// In `Secret parent`, no own policy.
    SecretPlain,
    /// In `Secret parent/Public child`, no own policy.
    ChildPlain,
    /// In the unlisted `Backstage`, its own public policy (void there).
    BackstagePublic,
    /// In the unlisted `Backstage`, no own policy.
    BackstagePlain,
}

pub const PHOTOS: [Photo; 15] = [
    Photo::SunnyPlain,
    Photo::FakeVideo,
    Photo::FamilyDenied,
    Photo::FamilyPlain,
    Photo::FamilyVideo,
    Photo::GardenPlain,
    Photo::GardenPublic,
    Photo::PrivatePlain,
    Photo::PrivatePublic,
    Photo::NoInheritAnn,
    Photo::NoInheritPlain,
    Photo::SecretPlain,
    Photo::ChildPlain,
    Photo::BackstagePublic,
    Photo::BackstagePlain,
];

impl Photo {
    pub fn album(self) -> Album {
        match self {
            Self::SunnyPlain | Self::FakeVideo => Album::Sunny,
            Self::FamilyDenied | Self::FamilyPlain | Self::FamilyVideo => Album::Family,
            Self::GardenPlain | Self::GardenPublic => Album::Garden,
            Self::PrivatePlain | Self::PrivatePublic => Album::Private,
            Self::NoInheritAnn | Self::NoInheritPlain => Album::NoInherit,
            Self::SecretPlain => Album::SecretParent,
            Self::ChildPlain => Album::PublicChild,
            Self::BackstagePublic | Self::BackstagePlain => Album::Backstage,
        }
    }

    pub fn filename(self) -> &'static str {
        match self {
            Self::SunnyPlain => "sunny_plain.jpg",
            Self::FakeVideo => "VID_19820212_101010.mp4",
            Self::FamilyDenied => "family_denied.jpg",
            Self::FamilyPlain => "family_plain.jpg",
            Self::FamilyVideo => "VID_19950325_101010.mp4",
            Self::GardenPlain => "garden_plain.jpg",
            Self::GardenPublic => "garden_public.jpg",
            Self::PrivatePlain => "private_plain.jpg",
            Self::PrivatePublic => "private_public.jpg",
            Self::NoInheritAnn => "noinherit_ann.jpg",
            Self::NoInheritPlain => "noinherit_plain.jpg",
            Self::SecretPlain => "secret_plain.jpg",
            Self::ChildPlain => "child_plain.jpg",
            Self::BackstagePublic => "backstage_public.jpg",
            Self::BackstagePlain => "backstage_plain.jpg",
        }
    }

    /// When it was taken, `YYYY-MM-DDTHH:MM:SS`: a year of its own, so that any trace of a
    /// hidden photo's date (an album's date, a year heading) names it. In every album with a
    /// photo some viewer may not see, the hidden one is the oldest: an album date computed over
    /// all photos would show it.
    pub fn taken(self) -> &'static str {
        match self {
            Self::SunnyPlain => "1981-01-11T10:00:00",
            Self::FakeVideo => "1982-02-12T10:10:10",
            Self::FamilyDenied => "1983-03-13T10:00:00",
            Self::FamilyPlain => "1984-04-14T10:00:00",
            Self::FamilyVideo => "1995-03-25T10:10:10",
            Self::GardenPlain => "1985-05-15T10:00:00",
            Self::GardenPublic => "1994-02-24T10:00:00",
            Self::PrivatePlain => "1986-06-16T10:00:00",
            Self::PrivatePublic => "1987-07-17T10:00:00",
            Self::NoInheritAnn => "1989-09-19T10:00:00",
            Self::NoInheritPlain => "1988-08-18T10:00:00",
            Self::SecretPlain => "1990-10-20T10:00:00",
            Self::ChildPlain => "1991-11-21T10:00:00",
            Self::BackstagePublic => "1992-12-22T10:00:00",
            Self::BackstagePlain => "1993-01-23T10:00:00",
        }
    }

    /// `YYYY-MM-DD`.
    pub fn date(self) -> &'static str {
        &self.taken()[..10]
    }

    /// The EXIF form of [`Photo::taken`].
    pub fn exif_taken(self) -> String {
        self.taken().replace('-', ":").replace('T', " ")
    }

    pub fn is_video(self) -> bool {
        matches!(self, Self::FakeVideo | Self::FamilyVideo)
    }

    /// Whether it carries a policy of its own (which an album link does not override).
    pub fn has_own_policy(self) -> bool {
        matches!(
            self,
            Self::FamilyDenied
                | Self::GardenPublic
                | Self::PrivatePublic
                | Self::NoInheritAnn
                | Self::BackstagePublic
        )
    }
}

/// `1983-03-13` → `13 March 1983`, as pages show dates.
pub fn long_date(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month: usize = date[5..7].parse().unwrap();
    let day: u32 = date[8..10].parse().unwrap();
    format!("{day} {} {}", MONTHS[month - 1], &date[..4])
}

/// One object of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Object {
    Album(Album),
    Photo(Photo),
}

pub fn objects() -> Vec<Object> {
    ALBUMS
        .iter()
        .map(|&a| Object::Album(a))
        .chain(PHOTOS.iter().map(|&p| Object::Photo(p)))
        .collect()
}
