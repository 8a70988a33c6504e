//! The Redis store, for several replicas without sticky sessions: any
//! replica can serve any event of any session, and losing a replica loses
//! nothing.
//!
//! A session is a hash `brooklet:session:{tab}` with fields `v` (version)
//! and `d` (bytes), and a TTL of the idle time, set again by every save and
//! touch. Load and save are Lua scripts, so the version check and the write
//! are one atomic step on the server. The connection manager reconnects by
//! itself; short timeouts make a dead Redis fail an event fast with
//! [`StoreError::Unavailable`] instead of hanging it. Replicas reach each
//! other through the same Redis (`link`).

use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Script, Value as RedisValue};

use super::{
    redact, Loaded, ReplicaLink, SaveOutcome, SessionStore, StoreError, StoreFuture, StoreOptions,
    Version,
};

mod link;

/// How long one Redis operation may take before the event fails.
const OP_TIMEOUT: Duration = Duration::from_secs(2);

/// Answers `false` when missing, `{v}` when at the known version, else `{v, d}`.
const LOAD: &str = r#"
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return false end
if v == ARGV[1] then return {v} end
return {v, redis.call('HGET', KEYS[1], 'd')}
"#;

/// ARGV: expected version ('' for none), bytes, TTL in ms. Answers the new
/// version, or -1 when the stored version is not the expected one.
const SAVE: &str = r#"
local v = redis.call('HGET', KEYS[1], 'v')
if (v or '') ~= ARGV[1] then return -1 end
local n = (tonumber(v) or 0) + 1
redis.call('HSET', KEYS[1], 'v', n, 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return n
"#;

/// Sessions in Redis (`--store redis://HOST:PORT/DB`).
pub struct RedisStore {
    conn: ConnectionManager,
    name: String,
    prefix: String,
    ttl_ms: u64,
    load: Script,
    save: Script,
    link: Arc<link::RedisLink>,
}

impl RedisStore {
    /// Connects to the Redis at `url`. Fails if it cannot be reached now;
    /// later outages fail single events, and the store reconnects.
    pub async fn connect(url: &str, options: StoreOptions) -> Result<Self, StoreError> {
        let name = redact(url);
        let fail = |e: redis::RedisError| StoreError::Unavailable {
            store: name.clone(),
            cause: e.to_string(),
        };
        let client = redis::Client::open(url)
            .map_err(|e| StoreError::Config(format!("{name} is not a usable Redis URL: {e}")))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_millis(500)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(10))
            .set_max_delay(Duration::from_millis(200));
        let conn = tokio::time::timeout(
            OP_TIMEOUT * 2,
            ConnectionManager::new_with_config(client.clone(), config),
        )
        .await
        .map_err(|_| StoreError::Unavailable {
            store: name.clone(),
            cause: "no answer while connecting".into(),
        })?
        .map_err(fail)?;
        let link = Arc::new(link::RedisLink::new(client, conn.clone(), name.clone()));
        Ok(RedisStore {
            conn,
            link,
            name,
            prefix: "brooklet:session:".into(),
            ttl_ms: options.idle.as_millis().max(1) as u64,
            load: Script::new(LOAD),
            save: Script::new(SAVE),
        })
    }

    fn key(&self, tab: &str) -> String {
        format!("{}{tab}", self.prefix)
    }

    /// Runs one operation with the store's timeout, naming the store in
    /// any failure.
    async fn run<T>(
        &self,
        op: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(OP_TIMEOUT, op).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(StoreError::Unavailable {
                store: self.name.clone(),
                cause: e.to_string(),
            }),
            Err(_) => Err(StoreError::Unavailable {
                store: self.name.clone(),
                cause: format!("no answer within {} ms", OP_TIMEOUT.as_millis()),
            }),
        }
    }

    fn corrupt(&self, what: &str) -> StoreError {
        StoreError::Corrupt {
            cause: format!("{} answered {what}", self.name),
        }
    }
}

fn as_u64(v: &RedisValue) -> Option<u64> {
    match v {
        RedisValue::Int(i) => u64::try_from(*i).ok(),
        RedisValue::BulkString(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        RedisValue::SimpleString(s) => s.parse().ok(),
        _ => None,
    }
}

impl SessionStore for RedisStore {
    fn name(&self) -> &str {
        &self.name
    }

    fn load<'a>(&'a self, tab: &'a str, known: Option<Version>) -> StoreFuture<'a, Loaded> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let known = known.map(|v| v.0.to_string()).unwrap_or_default();
            let mut call = self.load.prepare_invoke();
            call.key(self.key(tab)).arg(known);
            let answer: RedisValue = self.run(call.invoke_async(&mut conn)).await?;
            match answer {
                RedisValue::Nil => Ok(Loaded::Missing),
                RedisValue::Array(items) => match items.as_slice() {
                    [v] => as_u64(v)
                        .map(|_| Loaded::Unchanged)
                        .ok_or_else(|| self.corrupt("a version that is no number")),
                    [v, RedisValue::BulkString(bytes)] => Ok(Loaded::Found {
                        version: Version(
                            as_u64(v).ok_or_else(|| self.corrupt("a version that is no number"))?,
                        ),
                        bytes: bytes.clone(),
                    }),
                    _ => Err(self.corrupt("a session without its data")),
                },
                _ => Err(self.corrupt("an unexpected reply to a load")),
            }
        })
    }

    fn save<'a>(
        &'a self,
        tab: &'a str,
        expected: Option<Version>,
        bytes: Vec<u8>,
    ) -> StoreFuture<'a, SaveOutcome> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let expected = expected.map(|v| v.0.to_string()).unwrap_or_default();
            let mut call = self.save.prepare_invoke();
            call.key(self.key(tab))
                .arg(expected)
                .arg(bytes)
                .arg(self.ttl_ms);
            let answer: i64 = self.run(call.invoke_async(&mut conn)).await?;
            Ok(match u64::try_from(answer) {
                Ok(v) => SaveOutcome::Saved(Version(v)),
                Err(_) => SaveOutcome::Conflict,
            })
        })
    }

    fn touch<'a>(&'a self, tab: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let mut cmd = redis::cmd("PEXPIRE");
            cmd.arg(self.key(tab)).arg(self.ttl_ms);
            let set: i64 = self.run(cmd.query_async(&mut conn)).await?;
            Ok(set == 1)
        })
    }

    fn delete<'a>(&'a self, tab: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let mut cmd = redis::cmd("DEL");
            cmd.arg(self.key(tab));
            let _: i64 = self.run(cmd.query_async(&mut conn)).await?;
            Ok(())
        })
    }

    fn expire(&self) -> StoreFuture<'_, usize> {
        // Redis drops expired keys by itself (their TTL is the idle time).
        Box::pin(std::future::ready(Ok(0)))
    }

    fn replicas(&self) -> Option<Arc<dyn ReplicaLink>> {
        Some(self.link.clone())
    }
}
