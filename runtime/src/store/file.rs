//! The durable embedded store: sessions in one redb file, so that one
//! server keeps its sessions across a restart (what an app author wants
//! while editing and recompiling). Every save is a durable transaction;
//! redb's single writer makes the version check and the write one step.
//!
//! Each value is `version: u64 LE`, `expires_at: u64 LE` (Unix
//! milliseconds, so expiry survives a restart), then the session's bytes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

use super::{
    unix_ms, Loaded, SaveOutcome, SessionStore, StoreError, StoreFuture, StoreOptions, Version,
};

const SESSIONS: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("brooklet_sessions");

/// A redb error, boxed (redb's own is large).
struct DbError(Box<redb::Error>);

impl<E: Into<redb::Error>> From<E> for DbError {
    fn from(e: E) -> Self {
        DbError(Box::new(e.into()))
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Sessions in a redb file (`--store file:PATH`).
pub struct FileStore {
    db: Arc<Database>,
    name: String,
    idle_ms: u64,
    last_sweep: AtomicU64,
}

fn split(value: &[u8]) -> (u64, u64, &[u8]) {
    let word = |i: usize| {
        value
            .get(i..i + 8)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u64::from_le_bytes)
    };
    (word(0), word(8), value.get(16..).unwrap_or_default())
}

impl FileStore {
    /// Opens (or creates) the store at `path`. Only one process may have a
    /// file open at a time.
    pub async fn open(path: &Path, options: StoreOptions) -> Result<Self, StoreError> {
        let name = format!("file:{}", path.display());
        let path: PathBuf = path.to_owned();
        let fail = {
            let name = name.clone();
            move |e: &dyn std::fmt::Display| StoreError::Unavailable {
                store: name.clone(),
                cause: e.to_string(),
            }
        };
        let f = fail.clone();
        let db = tokio::task::spawn_blocking(move || -> Result<Database, StoreError> {
            let db = Database::create(&path).map_err(|e| f(&e))?;
            let w = db.begin_write().map_err(|e| f(&e))?;
            w.open_table(SESSIONS).map_err(|e| f(&e))?;
            w.commit().map_err(|e| f(&e))?;
            Ok(db)
        })
        .await
        .map_err(|e| fail(&e))??;
        Ok(FileStore {
            db: Arc::new(db),
            name,
            idle_ms: options.idle.as_millis() as u64,
            last_sweep: AtomicU64::new(unix_ms()),
        })
    }

    fn fail(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::Unavailable {
            store: self.name.clone(),
            cause: e.to_string(),
        }
    }

    /// Runs `f` on the database off the async threads (redb is blocking).
    fn blocking<'a, T: Send + 'static>(
        &'a self,
        f: impl FnOnce(&Database, u64) -> Result<T, DbError> + Send + 'static,
    ) -> StoreFuture<'a, T> {
        let db = self.db.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || f(&db, unix_ms()))
                .await
                .map_err(|e| self.fail(e))?
                .map_err(|e| self.fail(e))
        })
    }

    /// Whether a sweep of expired sessions is due (every quarter idle time,
    /// at most once a second), claiming it if so.
    fn sweep_due(&self, now: u64) -> bool {
        let last = self.last_sweep.load(Ordering::Relaxed);
        now.saturating_sub(last) >= (self.idle_ms / 4).max(1000)
            && self
                .last_sweep
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

fn sweep(table: &mut redb::Table<'_, &str, &[u8]>, now: u64) -> Result<usize, DbError> {
    let mut gone = 0;
    table.retain(|_, v| {
        let keep = split(v).1 > now;
        gone += usize::from(!keep);
        keep
    })?;
    Ok(gone)
}

impl SessionStore for FileStore {
    fn name(&self) -> &str {
        &self.name
    }

    fn load<'a>(&'a self, tab: &'a str, known: Option<Version>) -> StoreFuture<'a, Loaded> {
        let tab = tab.to_owned();
        self.blocking(move |db, now| {
            let r = db.begin_read()?;
            let table = r.open_table(SESSIONS)?;
            let Some(value) = table.get(tab.as_str())? else {
                return Ok(Loaded::Missing);
            };
            let (version, expires_at, bytes) = split(value.value());
            Ok(if expires_at <= now {
                Loaded::Missing
            } else if known == Some(Version(version)) {
                Loaded::Unchanged
            } else {
                Loaded::Found {
                    version: Version(version),
                    bytes: bytes.to_vec(),
                }
            })
        })
    }

    fn save<'a>(
        &'a self,
        tab: &'a str,
        expected: Option<Version>,
        bytes: Vec<u8>,
    ) -> StoreFuture<'a, SaveOutcome> {
        let tab = tab.to_owned();
        let idle = self.idle_ms;
        let sweep_now = expected.is_none() && self.sweep_due(unix_ms());
        self.blocking(move |db, now| {
            let w = db.begin_write()?;
            let outcome = {
                let mut table = w.open_table(SESSIONS)?;
                if sweep_now {
                    sweep(&mut table, now)?;
                }
                let current = table
                    .get(tab.as_str())?
                    .map(|v| {
                        let (version, expires_at, _) = split(v.value());
                        (version, expires_at)
                    })
                    .filter(|(_, expires_at)| *expires_at > now)
                    .map(|(version, _)| Version(version));
                if current != expected {
                    SaveOutcome::Conflict
                } else {
                    let version = current.map_or(1, |v| v.0 + 1);
                    let mut value = Vec::with_capacity(16 + bytes.len());
                    value.extend_from_slice(&version.to_le_bytes());
                    value.extend_from_slice(&(now + idle).to_le_bytes());
                    value.extend_from_slice(&bytes);
                    table.insert(tab.as_str(), value.as_slice())?;
                    SaveOutcome::Saved(Version(version))
                }
            };
            match outcome {
                SaveOutcome::Saved(_) => w.commit()?,
                SaveOutcome::Conflict => w.abort()?,
            }
            Ok(outcome)
        })
    }

    fn touch<'a>(&'a self, tab: &'a str) -> StoreFuture<'a, bool> {
        let tab = tab.to_owned();
        let idle = self.idle_ms;
        self.blocking(move |db, now| {
            let w = db.begin_write()?;
            let found = {
                let mut table = w.open_table(SESSIONS)?;
                let value = table.get(tab.as_str())?.map(|v| v.value().to_vec());
                match value {
                    Some(mut value) if split(&value).1 > now && value.len() >= 16 => {
                        value[8..16].copy_from_slice(&(now + idle).to_le_bytes());
                        table.insert(tab.as_str(), value.as_slice())?;
                        true
                    }
                    _ => false,
                }
            };
            w.commit()?;
            Ok(found)
        })
    }

    fn delete<'a>(&'a self, tab: &'a str) -> StoreFuture<'a, ()> {
        let tab = tab.to_owned();
        self.blocking(move |db, _| {
            let w = db.begin_write()?;
            w.open_table(SESSIONS)?.remove(tab.as_str())?;
            w.commit()?;
            Ok(())
        })
    }

    fn expire(&self) -> StoreFuture<'_, usize> {
        self.blocking(move |db, now| {
            let w = db.begin_write()?;
            let gone = sweep(&mut w.open_table(SESSIONS)?, now)?;
            w.commit()?;
            Ok(gone)
        })
    }
}
