//! A session's stored form, in one place: a header, then JSON.
//!
//! ```text
//! "BKSS"  format: u32 little-endian  JSON { owner, session }
//! ```
//!
//! The header is read first, so that a session written by another format
//! (an older or newer brooklet) is refused with
//! [`StoreError::UnsupportedFormat`] instead of being misread. Change
//! [`FORMAT`] whenever the JSON's meaning changes.
//!
//! `owner` is the SHA-256 of the browser's secret: whoever reads the store
//! learns which tabs belong together, but not the cookie that reaches them.
//! What a session needs to continue is stored: its state, page, query
//! parameters, run count and the element tree the browser shows (the
//! no-JavaScript form post and fragment runs read it). Callbacks are code and are not stored
//! (see [`Session::restore_callbacks`]); rendered HTML is a per-process
//! cache and is not stored either.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::StoreError;
use crate::session::Session;

/// The bytes every stored session starts with.
pub const MAGIC: &[u8; 4] = b"BKSS";

/// The format this build writes and reads. 2: the element tree is part of
/// the session.
pub const FORMAT: u32 = 2;

/// The stored hash of a browser's secret.
pub fn owner_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Serialize)]
struct RecordRef<'a> {
    owner: &'a str,
    session: &'a Session,
}

/// A decoded session.
#[derive(Deserialize)]
pub struct Record {
    /// The hash of its owner's secret ([`owner_hash`]).
    pub owner: String,
    /// The session, without callbacks.
    pub session: Session,
}

/// The stored form of a session.
pub fn encode(owner_hash: &str, session: &Session) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    serde_json::to_writer(
        &mut out,
        &RecordRef {
            owner: owner_hash,
            session,
        },
    )
    .expect("a session serialises to JSON");
    out
}

/// Reads a stored session, or says why it cannot.
pub fn decode(bytes: &[u8]) -> Result<Record, StoreError> {
    let format = header(bytes)?;
    if format != FORMAT {
        return Err(StoreError::UnsupportedFormat {
            found: format,
            supported: FORMAT,
        });
    }
    serde_json::from_slice(&bytes[8..]).map_err(|e| StoreError::Corrupt {
        cause: format!("format {FORMAT} session does not parse: {e}"),
    })
}

/// The format number of stored bytes.
pub fn header(bytes: &[u8]) -> Result<u32, StoreError> {
    match bytes {
        [m0, m1, m2, m3, f0, f1, f2, f3, ..] if [*m0, *m1, *m2, *m3] == *MAGIC => {
            Ok(u32::from_le_bytes([*f0, *f1, *f2, *f3]))
        }
        _ => Err(StoreError::Corrupt {
            cause: format!(
                "it does not start with brooklet's header {:?} ({} bytes)",
                std::str::from_utf8(MAGIC).unwrap_or_default(),
                bytes.len()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_round_trips() {
        let bytes = encode(&owner_hash("s"), &Session::new());
        assert_eq!(header(&bytes), Ok(FORMAT));
        let r = decode(&bytes).unwrap();
        assert_eq!(r.owner, owner_hash("s"));
        assert_eq!(r.session.runs(), 0);
        assert_ne!(owner_hash("s"), owner_hash("t"));
        assert_eq!(owner_hash("s").len(), 64);
    }

    #[test]
    fn other_formats_are_refused_not_misread() {
        // A hand-made session of an older format: the same JSON, format 0.
        let mut old = encode("o", &Session::new());
        old[4..8].copy_from_slice(&0u32.to_le_bytes());
        let e = decode(&old).err().unwrap();
        assert_eq!(
            e,
            StoreError::UnsupportedFormat {
                found: 0,
                supported: FORMAT
            }
        );
        assert!(e.to_string().contains("format 0"), "{e}");
        let mut newer = old.clone();
        newer[4..8].copy_from_slice(&7u32.to_le_bytes());
        assert!(matches!(
            decode(&newer),
            Err(StoreError::UnsupportedFormat { found: 7, .. })
        ));
        // Bytes that are no brooklet session at all.
        assert!(matches!(
            decode(br#"{"state":{}}"#),
            Err(StoreError::Corrupt { .. })
        ));
        let mut cut = encode("o", &Session::new());
        cut.truncate(20);
        let e = decode(&cut).err().unwrap();
        assert!(e.to_string().contains("does not parse"), "{e}");
    }
}
