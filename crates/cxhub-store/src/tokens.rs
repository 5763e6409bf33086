//! API tokens.
//!
//! A token is `cxh_` followed by 43 base64url characters: 256 random bits from the
//! operating system. cxhub keeps only its SHA-256. A fast hash is right here: the input
//! has 256 bits of entropy, so no dictionary or brute force applies, and every request
//! hashes the token it presents.

use base64::Engine;
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;
use sha2::Digest;

use crate::TenantScope;

const PREFIX: &str = "cxh_";

/// What a token may do. Each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// List and get.
    Read,
    /// Also upsert records and the directory, and delete tickets.
    Write,
    /// Also manage the tenant's settings and tokens.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "read" => Some(Role::Read),
            "write" => Some(Role::Write),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The tenant and role a valid token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub scope: TenantScope,
    pub role: Role,
    pub token_id: String,
}

/// A token as listed: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: String,
    pub tenant: Key,
    pub role: Role,
    pub label: Option<String>,
    pub created_at: Instant,
    pub revoked_at: Option<Instant>,
}

/// A new token and its public id (which is not secret: it names the token in lists).
pub fn generate() -> (String, String) {
    let secret: [u8; 32] = rand::random();
    let id: [u8; 6] = rand::random();
    let token = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
    );
    let id = format!(
        "tok_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
    );
    (token, id)
}

pub fn hash(token: &str) -> [u8; 32] {
    sha2::Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_distinct() {
        let (first, first_id) = generate();
        let (second, second_id) = generate();
        assert_ne!(first, second);
        assert_ne!(first_id, second_id);
        assert!(first.starts_with(PREFIX));
        assert_eq!(first.len(), PREFIX.len() + 43);
        assert_ne!(hash(&first), hash(&second));
    }
}
