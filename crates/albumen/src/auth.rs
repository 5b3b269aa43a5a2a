//! Accounts and sessions: argon2id password hashes, random session tokens stored hashed, and
//! per-session CSRF tokens compared in constant time, and magic login links (`login_link`).

pub mod limiter;
pub mod login_link;
pub mod password;
pub mod session;

use albumen_core::UserId;
use albumen_core::access::Subject;
use albumen_core::model::{Permissions, User};
use albumen_db::{NewSession, NewUser, Repo, RepoError, Sessions, UserUpdate, Users};

use crate::clock::unix_now;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown user, wrong password or disabled account: deliberately indistinguishable.
    #[error("invalid username or password")]
    InvalidCredentials,
    #[error("{0}")]
    InvalidInput(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// A successful login: the cookie token (shown once, stored hashed) and the CSRF token.
#[derive(Debug, Clone)]
pub struct Login {
    pub user: User,
    pub token: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

pub const MIN_PASSWORD_LEN: usize = 8;

/// Usernames are shown and typed: printable, no surrounding space, 1..=64 characters.
pub fn validate_username(name: &str) -> Result<(), AuthError> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name.trim() == name
        && !name.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(AuthError::InvalidInput(
            "usernames are 1 to 64 printable characters without surrounding spaces".to_owned(),
        ))
    }
}

pub fn validate_password(password: &str) -> Result<(), AuthError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AuthError::InvalidInput(format!(
            "passwords need at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    Ok(())
}

/// Creates a user with a freshly hashed password.
pub async fn create_user(
    repo: &dyn Users,
    username: &str,
    password: &str,
    permissions: Permissions,
) -> Result<User, AuthError> {
    validate_username(username)?;
    validate_password(password)?;
    let password_hash = password::hash(password.to_owned()).await?;
    let user = repo
        .create_user(&NewUser {
            username: username.to_owned(),
            password_hash,
            permissions,
            now: unix_now(),
        })
        .await?;
    Ok(user)
}

/// Changes an account: a new password is validated and hashed; disabling it, a new password or
/// new permissions end its sessions (see [`Users::update_user`]).
pub async fn update_user(
    repo: &dyn Users,
    id: UserId,
    disabled: Option<bool>,
    password: Option<&str>,
    permissions: Option<Permissions>,
) -> Result<User, AuthError> {
    let password_hash = match password {
        Some(password) => {
            validate_password(password)?;
            Some(password::hash(password.to_owned()).await?)
        }
        None => None,
    };
    let user = repo
        .update_user(
            id,
            &UserUpdate {
                disabled,
                password_hash,
                permissions,
            },
        )
        .await?;
    Ok(user)
}

/// Checks credentials and opens a new session (a new id on every login, so a session id planted
/// before login is worthless). Unknown users cost one hash like known ones, so timing does not
/// reveal which usernames exist.
pub async fn login(
    repo: &dyn Repo,
    username: &str,
    password: &str,
    session_days: u32,
) -> Result<Login, AuthError> {
    let found = repo.user_credentials(username).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, password::dummy_hash().to_owned()),
    };
    let valid = password::verify(password.to_owned(), hash).await?;
    let user = match user {
        Some(user) if valid && !user.disabled => user,
        _ => return Err(AuthError::InvalidCredentials),
    };
    open_session(repo, user, session_days).await
}

/// Opens a new session for a user already authenticated (by password or by a login link).
async fn open_session(
    repo: &dyn Sessions,
    user: User,
    session_days: u32,
) -> Result<Login, AuthError> {
    let (token, token_hash) = session::new_token();
    let csrf_token = session::new_csrf_token();
    let now = unix_now();
    let expires_at = now + i64::from(session_days) * 86_400;
    repo.create_session(&NewSession {
        token_hash,
        user_id: user.id,
        csrf_token: csrf_token.clone(),
        created_at: now,
        expires_at,
    })
    .await?;
    // Logins are rare and the delete is indexed: a cheap moment to forget stale sessions.
    repo.delete_expired_sessions(now).await?;
    Ok(Login {
        user,
        token,
        csrf_token,
        expires_at,
    })
}

/// The subject `user` is when logged in, from its stored groups and permissions: what the
/// session resolver builds per request, for an administrator's "why can X see this".
pub async fn subject_of(repo: &dyn Users, user: &User) -> Result<Subject, RepoError> {
    let groups = repo.user_groups(user.id).await?;
    #[expect(
        clippy::disallowed_methods,
        reason = "explaining access builds the subject the user's session would have"
    )]
    let subject = Subject::user(user.id, groups, user.permissions);
    Ok(subject)
}
