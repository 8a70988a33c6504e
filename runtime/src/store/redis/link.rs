//! How replicas on one Redis reach each other: notices on one pub/sub
//! channel, and a key per replica that lives as long as its last beat said.

use std::time::Duration;

use redis::aio::ConnectionManager;
use tokio::sync::mpsc;

use super::super::{ReplicaLink, StoreError, StoreFuture};

/// The channel every replica's notices go out on.
const CHANNEL: &str = "brooklet:replicas";
/// Where replica `id` says it is alive: `brooklet:replica:{id}`.
const BEAT_PREFIX: &str = "brooklet:replica:";
/// The notices a listener holds before it drops new ones (they are
/// progress and ends, and each is retried or superseded by the next).
const LISTEN_QUEUE: usize = 1024;
/// The longest notice a listener takes: notices are small, and a larger
/// one is not from brooklet.
const MAX_NOTICE: usize = 64 * 1024;
/// How long connecting to listen may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The link of a [`super::RedisStore`]'s replicas.
pub(super) struct RedisLink {
    client: redis::Client,
    conn: ConnectionManager,
    name: String,
}

impl RedisLink {
    pub(super) fn new(client: redis::Client, conn: ConnectionManager, name: String) -> Self {
        RedisLink { client, conn, name }
    }

    fn unavailable(&self, cause: impl ToString) -> StoreError {
        StoreError::Unavailable {
            store: self.name.clone(),
            cause: cause.to_string(),
        }
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: redis::Cmd) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        match tokio::time::timeout(super::OP_TIMEOUT, cmd.query_async(&mut conn)).await {
            Ok(answer) => answer.map_err(|e| self.unavailable(e)),
            Err(_) => Err(self.unavailable("no answer in time")),
        }
    }
}

impl ReplicaLink for RedisLink {
    fn beat<'a>(&'a self, replica: &'a str, lasts: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut cmd = redis::cmd("SET");
            cmd.arg(format!("{BEAT_PREFIX}{replica}"))
                .arg(1)
                .arg("PX")
                .arg(lasts.as_millis().max(1) as u64);
            self.query::<()>(cmd).await
        })
    }

    fn alive<'a>(&'a self, replicas: &'a [String]) -> StoreFuture<'a, Vec<bool>> {
        Box::pin(async move {
            if replicas.is_empty() {
                return Ok(Vec::new());
            }
            let mut cmd = redis::cmd("MGET");
            for replica in replicas {
                cmd.arg(format!("{BEAT_PREFIX}{replica}"));
            }
            let beats: Vec<Option<String>> = self.query(cmd).await?;
            Ok(beats.iter().map(Option::is_some).collect())
        })
    }

    fn publish(&self, notice: String) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut cmd = redis::cmd("PUBLISH");
            cmd.arg(CHANNEL).arg(notice);
            self.query::<i64>(cmd).await.map(drop)
        })
    }

    fn listen(&self) -> StoreFuture<'_, mpsc::Receiver<String>> {
        Box::pin(async move {
            let connect = async {
                let mut pubsub = self.client.get_async_pubsub().await?;
                pubsub.subscribe(CHANNEL).await?;
                Ok::<_, redis::RedisError>(pubsub)
            };
            let pubsub = tokio::time::timeout(CONNECT_TIMEOUT, connect)
                .await
                .map_err(|_| self.unavailable("no answer while subscribing"))?
                .map_err(|e| self.unavailable(e))?;
            let (notices, received) = mpsc::channel(LISTEN_QUEUE);
            tokio::spawn(forward(pubsub, notices));
            Ok(received)
        })
    }
}

/// Hands each notice on until the connection or the listener ends; drops
/// what the listener has no room for, and what is not a notice.
async fn forward(pubsub: redis::aio::PubSub, notices: mpsc::Sender<String>) {
    use futures_util::StreamExt;
    let mut messages = pubsub.into_on_message();
    while let Some(message) = messages.next().await {
        let Ok(notice) = message.get_payload::<String>() else {
            continue;
        };
        if notice.len() > MAX_NOTICE {
            tracing::warn!(
                bytes = notice.len(),
                "a replica notice too long to be brooklet's was dropped"
            );
            continue;
        }
        match notices.try_send(notice) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!("replica notices come faster than they are taken; one was dropped");
            }
            Err(mpsc::error::TrySendError::Closed(_)) => return,
        }
    }
}
