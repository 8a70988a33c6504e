//! Streamed runs: what a run draws reaches the tab's push channel while
//! the run goes on, as patches of the blocks that changed, at most every
//! [`FLUSH_EVERY`] and at the end.
//!
//! A run that ends within [`FLUSH_EVERY`] sends only its answer, so fast
//! interactions cost one frame. After that, a draw is sent at once if the
//! last flush is [`FLUSH_EVERY`] old, and otherwise by a ticker within
//! [`FLUSH_EVERY`]. While the run goes on, the blocks of what the client
//! showed before that the run has not drawn again are kept and marked
//! stale; its answer drops them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::elements::{ElementTree, TreeWatcher};
use crate::render::{compose_app, diff, render_blocks, AppBlocks, Block, PageDoc, RenderCache};

/// The shortest time between two flushes of a run.
pub(crate) const FLUSH_EVERY: Duration = Duration::from_millis(30);

/// What sends a frame to a client without waiting: `false` when the
/// client is too far behind to take one more.
pub(crate) type Sender = Box<dyn Fn(String) -> bool + Send + Sync>;

/// A tab's push channel, as the session loop sees it: where frames go
/// (nowhere until a client connects), and what the client shows.
#[derive(Default)]
pub(crate) struct Channel {
    shown: Mutex<Option<AppBlocks>>,
    send: Mutex<Option<Connected>>,
    connections: std::sync::atomic::AtomicU64,
}

/// The client connected to a channel.
struct Connected {
    id: u64,
    /// The base path its page was served under.
    base: String,
    send: Sender,
}

impl Channel {
    /// A channel no client is connected to.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Channel::default())
    }

    /// A client whose page was served under `base` connects: frames go to
    /// `send` from now on. Returns the connection's number, for
    /// [`Channel::disconnect`].
    pub(crate) fn connect(
        &self,
        base: &str,
        send: impl Fn(String) -> bool + Send + Sync + 'static,
    ) -> u64 {
        let id = self.connections.fetch_add(1, Ordering::AcqRel) + 1;
        *self.connected() = Some(Connected {
            id,
            base: base.to_owned(),
            send: Box::new(send),
        });
        id
    }

    fn connected(&self) -> MutexGuard<'_, Option<Connected>> {
        self.send.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The base path of the connected client's page, if one is connected.
    pub(crate) fn base(&self) -> Option<String> {
        self.connected().as_ref().map(|c| c.base.clone())
    }

    /// Nothing is known of what the client shows (it connected while a run
    /// went on): the next frame sends the whole app.
    pub(crate) fn forget_shown(&self) {
        *self.shown() = None;
    }

    /// Connection `id` is gone (a newer one may have taken its place).
    pub(crate) fn disconnect(&self, id: u64) {
        let mut connected = self.connected();
        if connected.as_ref().is_some_and(|c| c.id == id) {
            *connected = None;
        }
    }

    /// About what it holds of what the client shows, in bytes (for the
    /// byte cap on live sessions).
    pub(crate) fn bytes(&self) -> usize {
        fn nested(blocks: &[Block]) -> usize {
            let inner = |b: &Block| {
                b.inner
                    .as_ref()
                    .map_or(0, |(open, c)| open.len() + nested(c))
            };
            blocks.iter().map(|b| b.html.len() + 48 + inner(b)).sum()
        }
        self.shown().as_ref().map_or(0, |shown| {
            nested(&shown.main) + shown.sidebar.as_deref().map_or(0, nested)
        })
    }

    /// Whether a client is connected.
    pub(crate) fn is_connected(&self) -> bool {
        self.connected().is_some()
    }

    /// Sends a frame; `false` when no client is connected or it is behind.
    pub(crate) fn send(&self, frame: String) -> bool {
        match &*self.connected() {
            Some(c) => (c.send)(frame),
            None => false,
        }
    }

    fn shown(&self) -> MutexGuard<'_, Option<AppBlocks>> {
        self.shown.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The client now shows `blocks` (a whole app was sent).
    pub(crate) fn showing(&self, blocks: AppBlocks) {
        *self.shown() = Some(blocks);
    }

    /// The patch that makes what the client shows into `blocks`, as the
    /// fields of a frame; the whole app when the sidebar came or went (or
    /// nothing is known of what it shows). Records `blocks` as shown.
    pub(crate) fn patch_to(
        &self,
        blocks: AppBlocks,
        whole: impl FnOnce(&AppBlocks) -> String,
    ) -> Value {
        let mut shown = self.shown();
        let fields = match shown.as_ref() {
            Some(old) if old.sidebar.is_some() == blocks.sidebar.is_some() => {
                let sidebar = match (&old.sidebar, &blocks.sidebar) {
                    (Some(a), Some(b)) => diff(a, b),
                    _ => Vec::new(),
                };
                json!({"t": "patch", "main": diff(&old.main, &blocks.main), "sidebar": sidebar})
            }
            _ => json!({"t": "app", "html": whole(&blocks)}),
        };
        *shown = Some(blocks);
        fields
    }
}

/// What a streamed page is drawn in.
pub(crate) struct StreamFrame {
    pub title: String,
    pub base: String,
    pub tab: String,
    pub page: String,
    pub pages: Vec<(String, String)>,
    pub icons: Vec<Option<String>>,
    pub seq: u64,
    pub error_details: bool,
}

/// One run's stream to a channel.
pub(crate) struct RunStream {
    channel: Arc<Channel>,
    frame: StreamFrame,
    /// What the client showed when the run started: shown as stale until
    /// drawn again. Taken at the first flush (the channel shows it until
    /// then), so that a run that sends only its answer copies nothing.
    before: std::sync::OnceLock<AppBlocks>,
    tree: Mutex<Option<Arc<Mutex<ElementTree>>>>,
    flush: Mutex<Flush>,
    done: AtomicBool,
}

struct Flush {
    last: Instant,
    dirty: bool,
    cache: RenderCache,
}

impl RunStream {
    /// A stream of a run to `channel`; a ticker on the current Tokio
    /// runtime flushes what the run drew while it waits.
    pub(crate) fn start(channel: Arc<Channel>, frame: StreamFrame) -> Arc<Self> {
        let stream = Arc::new(RunStream {
            channel,
            frame,
            before: std::sync::OnceLock::new(),
            tree: Mutex::new(None),
            flush: Mutex::new(Flush {
                last: Instant::now(),
                dirty: true,
                cache: RenderCache::default(),
            }),
            done: AtomicBool::new(false),
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(tick(Arc::downgrade(&stream)));
        }
        stream
    }

    /// The whole document as the run has drawn it so far, marked running:
    /// a new tab's first answer while its first run goes on.
    pub(crate) fn document_now(&self) -> String {
        let shared = self.tree.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let tree = match shared {
            Some(shared) => shared.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            None => ElementTree::new(),
        };
        let doc = PageDoc {
            running: true,
            ..self.doc(&tree)
        };
        crate::render::render_document(&doc)
    }

    /// The run is over: nothing more is flushed; its answer follows.
    pub(crate) fn finish(&self) {
        let _flush = self.flush();
        self.done.store(true, Ordering::Release);
    }

    fn flush(&self) -> MutexGuard<'_, Flush> {
        self.flush.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Flushes if something was drawn and the last flush is old enough
    /// (or `force`).
    fn maybe_flush(&self, force: bool) {
        let mut flush = self.flush();
        if self.done.load(Ordering::Acquire) {
            return;
        }
        // The ticker runs every FLUSH_EVERY: its flushes do not hold back
        // a draw that comes after a quiet spell.
        if flush.dirty || force {
            let last = flush.last;
            self.send_partial(&mut flush);
            flush.last = last;
        }
    }

    /// Sends what the run has drawn so far, with the stale rest of what
    /// the client showed.
    fn send_partial(&self, flush: &mut Flush) {
        let Some(shared) = self.tree.lock().unwrap_or_else(|e| e.into_inner()).clone() else {
            return;
        };
        let tree = shared.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let doc = self.doc(&tree);
        let drawn = render_blocks(&doc, &mut flush.cache);
        let fresh_main = drawn.main.len();
        let fresh_sidebar = drawn.sidebar.as_ref().map(Vec::len);
        let before = self
            .before
            .get_or_init(|| self.channel.shown().clone().unwrap_or_default());
        let shown = with_stale(drawn, before);
        let mut frame = self.channel.patch_to(shown, |b| compose_app(&doc, b));
        frame["running"] = json!(true);
        frame["fresh"] = json!({"main": fresh_main, "sidebar": fresh_sidebar});
        if self.channel.send(frame.to_string()) {
            flush.last = Instant::now();
            flush.dirty = false;
        } else {
            // The client is behind: it is sent the state again later.
            *self.channel.shown() = None;
        }
    }

    fn doc<'a>(&'a self, tree: &'a ElementTree) -> PageDoc<'a> {
        let f = &self.frame;
        PageDoc {
            title: &f.title,
            base: &f.base,
            tab: &f.tab,
            page: &f.page,
            pages: &f.pages,
            tree,
            notice: None,
            url: None,
            seq: f.seq,
            error_details: f.error_details,
            running: false,
            tab_view: &[],
            icons: &f.icons,
        }
    }
}

impl TreeWatcher for RunStream {
    fn watch(&self, tree: &Arc<Mutex<ElementTree>>) {
        *self.tree.lock().unwrap_or_else(|e| e.into_inner()) = Some(tree.clone());
    }

    fn drawn(&self) {
        let mut flush = self.flush();
        flush.dirty = true;
        if !self.done.load(Ordering::Acquire) && flush.last.elapsed() >= FLUSH_EVERY {
            self.send_partial(&mut flush);
        }
    }
}

/// Flushes a stream every [`FLUSH_EVERY`] while its run goes on; the first
/// tick shows the run as running even if it drew nothing yet.
async fn tick(stream: std::sync::Weak<RunStream>) {
    let mut first = true;
    loop {
        tokio::time::sleep(FLUSH_EVERY).await;
        let Some(stream) = stream.upgrade() else {
            return;
        };
        if stream.done.load(Ordering::Acquire) {
            return;
        }
        let force = std::mem::take(&mut first);
        // Rendering is page-sized work: not on an async worker.
        let _ = tokio::task::spawn_blocking(move || stream.maybe_flush(force)).await;
    }
}

/// `drawn` with the blocks of `before` it has not reached yet.
fn with_stale(mut drawn: AppBlocks, before: &AppBlocks) -> AppBlocks {
    let rest = |now: &mut Vec<Block>, old: &[Block]| {
        if old.len() > now.len() {
            now.extend_from_slice(&old[now.len()..]);
        }
    };
    rest(&mut drawn.main, &before.main);
    if let (Some(now), Some(old)) = (drawn.sidebar.as_mut(), before.sidebar.as_ref()) {
        rest(now, old);
    }
    drawn
}
