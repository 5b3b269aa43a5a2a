//! Accounts and groups: who may log in, with which permissions, and the groups policies name.

use albumen_core::model::{Permissions, User};
use albumen_core::{GroupId, UserId};
use async_trait::async_trait;

use crate::Result;

/// A user to create; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub permissions: Permissions,
    pub now: i64,
}

/// Changes to an account; `None` leaves a field as it is. The password is already hashed.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
    pub permissions: Option<Permissions>,
}

impl UserUpdate {
    /// Whether the change must end the user's sessions: disabling, a new password or new
    /// permissions take effect at once.
    pub fn ends_sessions(&self) -> bool {
        self.disabled == Some(true) || self.password_hash.is_some() || self.permissions.is_some()
    }

    /// Whether the change must delete the user's login links: disabling voids them for good
    /// (enabling the account again does not revive them), and so does a new password.
    pub fn ends_login_links(&self) -> bool {
        self.disabled == Some(true) || self.password_hash.is_some()
    }
}

/// A group of users, named so administrators can list it in policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub created_at: i64,
}

/// Accounts, their credentials, and groups with their members.
#[async_trait]
pub trait Users: Send + Sync + std::fmt::Debug {
    async fn create_user(&self, user: &NewUser) -> Result<User>;
    /// The user and its password hash, for login.
    async fn user_credentials(&self, username: &str) -> Result<Option<(User, String)>>;
    async fn user(&self, id: UserId) -> Result<Option<User>>;
    async fn list_users(&self) -> Result<Vec<User>>;
    async fn count_users(&self) -> Result<i64>;
    /// Applies `update` and, when [`UserUpdate::ends_sessions`], deletes the user's sessions
    /// and, when [`UserUpdate::ends_login_links`], its login links, in one transaction; an
    /// unknown user is [`RepoError::NotFound`]`("user")`. Returns the user as it is afterwards.
    ///
    /// [`RepoError::NotFound`]: crate::RepoError::NotFound
    async fn update_user(&self, id: UserId, update: &UserUpdate) -> Result<User>;

    /// A new, empty group; a name already taken is [`RepoError::Conflict`]`("group")`.
    ///
    /// [`RepoError::Conflict`]: crate::RepoError::Conflict
    async fn create_group(&self, name: &str, now: i64) -> Result<GroupId>;
    /// All groups, by name.
    async fn list_groups(&self) -> Result<Vec<Group>>;
    /// Deletes a group with its memberships and its places in policies.
    async fn delete_group(&self, id: GroupId) -> Result<()>;
    /// Replaces the members of a group, all or nothing: an unknown group or user is
    /// [`RepoError::NotFound`] and changes nothing.
    ///
    /// [`RepoError::NotFound`]: crate::RepoError::NotFound
    async fn set_group_members(&self, group: GroupId, users: &[UserId]) -> Result<()>;
    /// The members of a group, by id.
    async fn group_members(&self, group: GroupId) -> Result<Vec<UserId>>;
    /// The groups a user belongs to, by id: what its [`albumen_core::access::Subject`] carries.
    async fn user_groups(&self, user: UserId) -> Result<Vec<GroupId>>;
}
