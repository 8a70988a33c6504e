//! The session loop, between the HTTP edge and the stores: a new tab's
//! first run and save; for each event, the tab's queue, the live copy (or
//! the stored one, its callbacks replayed), the run, the versioned save and
//! the retry on a conflict. The handlers call it with typed ids and get
//! typed answers; they never see a lock, a version or a closure.

mod replicas;
mod tasks;

use std::sync::{Arc, Weak};

use serde_json::Value;

use super::pool::{PoolError, RunPool};
use super::record::{self, owner_hash};
use super::stream::{Channel, RunStream, StreamFrame};
use super::{
    random_hex, Arrival, Live, LiveTab, LiveTabs, Loaded, QueueTicket, SaveOutcome, SessionStore,
    StoreError, TabState, Version,
};
use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind};
use crate::identity::WidgetId;
use crate::pages::App;
use crate::render::{
    compose_app, render_app_cached, render_blocks, render_document_cached, AppBlocks, PageDoc,
    RenderCache,
};
use crate::session::{Event, RunEnd, RunOutput};
use crate::ui::QueryParams;
use crate::wire::{
    event_body_limit, form_values, last_field, page_url, parse_id, quote, quote_long, to_event,
    EventRequest, MAX_BODY,
};

pub(crate) use tasks::TaskLimits;

/// A session's size is measured again ([`TabState::approx_bytes`], a walk
/// over the whole session) after an event that brought at least this many
/// bytes, and after every [`REMEASURE_EVERY`]th event: not on every event.
const REMEASURE_AFTER: usize = 16 * 1024;
/// See [`REMEASURE_AFTER`].
const REMEASURE_EVERY: u64 = 16;

/// How many times an event runs again after a conflict before it gives up.
pub(crate) const CONFLICT_RETRIES: usize = 3;

/// A browser tab's id: 16 lowercase hex digits (64 random bits), made by
/// the server. Not secret on its own: the owner's secret goes with it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TabId(String);

impl TabId {
    /// A new random tab id.
    pub(crate) fn random() -> Self {
        TabId(random_hex(8))
    }

    /// `s` if it has the shape of a tab id.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let hex = s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        (s.len() == 16 && hex).then(|| TabId(s.to_owned()))
    }

    /// The id as text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// A browser's secret, from its cookie: 32 hex digits (128 random bits).
/// Stores keep only its hash.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct OwnerSecret(String);

impl std::fmt::Debug for OwnerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OwnerSecret(..)")
    }
}

impl OwnerSecret {
    /// A new random secret.
    pub(crate) fn random() -> Self {
        OwnerSecret(random_hex(16))
    }

    /// `s` if it has the shape of a secret.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        (s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| OwnerSecret(s.to_owned()))
    }

    /// The secret as text, for its cookie.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// What stores keep of it.
    fn hash(&self) -> String {
        owner_hash(&self.0)
    }
}

/// Why an event of a session could not run.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No such session for this browser: expired, never existed, or another
    /// browser's.
    Expired,
    /// The store failed, or holds a session this build cannot read.
    Store(StoreError),
    /// Other events of the session kept saving first.
    Conflict,
    /// Too many events of the tab wait already.
    Busy,
    /// Every thread that runs pages is busy, and the queue before them is
    /// full.
    RunnersBusy,
    /// Running the event failed outside page code (a bug of brooklet's).
    Crashed(String),
}

impl From<PoolError> for Failure {
    fn from(e: PoolError) -> Self {
        match e {
            PoolError::Busy => Failure::RunnersBusy,
            PoolError::Crashed(message) => Failure::Crashed(message),
        }
    }
}

/// What the page is drawn in: the app's pages and title, and where it is
/// mounted.
pub(crate) struct Frame {
    /// The URL prefix the app is mounted under, ending in `/`.
    pub base: String,
    /// A notice to show above the page.
    pub notice: Option<String>,
    /// The URL the browser should show instead of the one it asked for.
    pub url: Option<String>,
    /// The tabs a no-JavaScript post chose in rows that do not track them.
    pub tab_view: Vec<(String, usize)>,
}

impl Frame {
    /// The plain frame of an app mounted at `base`.
    pub(crate) fn plain(base: &str) -> Self {
        Frame {
            base: base.to_owned(),
            notice: None,
            url: None,
            tab_view: Vec::new(),
        }
    }
}

/// The `_tabview` fields of a no-JavaScript post: a row of tabs' name and
/// the tab's position each, the last of a row counting; at most
/// [`MAX_TAB_VIEW`], and nothing that is not such a pair.
fn tab_view(fields: &[(String, String)]) -> Vec<(String, usize)> {
    let mut view: Vec<(String, usize)> = Vec::new();
    for (_, value) in fields.iter().filter(|(k, _)| k == "_tabview") {
        let Some((dom, at)) = value.split_once(':') else {
            continue;
        };
        let named =
            !dom.is_empty() && dom.len() <= 40 && dom.bytes().all(|b| b.is_ascii_alphanumeric());
        let (true, Ok(at)) = (named, at.parse::<usize>()) else {
            continue;
        };
        view.retain(|(d, _)| d != dom);
        if view.len() < MAX_TAB_VIEW {
            view.push((dom.to_owned(), at));
        }
    }
    view
}

/// The most rows of tabs a post's choices are kept for.
const MAX_TAB_VIEW: usize = 64;

/// What an event from the client script came to.
pub(crate) enum EventAnswer {
    /// It ran: the app's new HTML, where it now is.
    Ran {
        /// The app's HTML (`#bk-app`).
        html: String,
        /// The page it ran.
        page: String,
        /// The query parameters the browser's URL should show.
        url_query: QueryParams,
    },
    /// It ran, streamed to a push channel: the frame's fields that make
    /// what the client shows into the app (a patch, or the whole app).
    Patched {
        /// The frame's fields: `t`, `main`/`sidebar` or `html`, and where
        /// the app now is (`page`, `url`, `seq`).
        fields: Value,
    },
    /// A newer event of the tab superseded its run (R47): the newer one's
    /// answer carries the page.
    Superseded,
    /// It was refused and changed nothing.
    Refused(Error),
    /// It was made on an older page: refused, with the app as it is now.
    Stale {
        /// The app's HTML as it is.
        html: String,
        /// Why it was refused.
        message: String,
    },
}

/// How long a new tab's page load waits for its first run before it
/// answers with what the run has drawn so far, and streams the rest.
const FIRST_PAINT: std::time::Duration = std::time::Duration::from_millis(100);

/// What a new tab's page load came to.
pub(crate) enum Created {
    /// The first run ended: the whole document, or why it could not run.
    Done(Result<String, Error>),
    /// The first run goes on: the document as it has drawn so far; the
    /// rest streams once the page's push channel connects.
    Streaming(String),
}

/// A new tab's first run, and what it needs once it ends.
struct FirstRun {
    site: Arc<Site>,
    store: Arc<dyn SessionStore>,
    live: LiveTabs,
    local: bool,
    tab: TabId,
    owner: String,
    slot: Arc<LiveTab>,
}

/// What the first run's job hands back.
type FirstOutcome = (TabState, Result<String, Error>);

impl FirstRun {
    /// The run, for the run pool: the page from the top, streamed; then the
    /// document, and the patch to a push channel that connected meanwhile.
    fn job(
        &self,
        event: Event,
        frame: Frame,
        url: impl FnOnce(&str, &QueryParams) -> Option<String> + Send + 'static,
        (cancel, task_host): (CancelToken, Arc<dyn crate::task::TaskHost>),
        stream: Arc<RunStream>,
    ) -> impl FnOnce() -> FirstOutcome + Send + 'static {
        let (site, tab, channel) = (
            self.site.clone(),
            self.tab.clone(),
            self.slot.channel.clone(),
        );
        move || {
            let mut state = TabState::new();
            state.session.task_host = Some(task_host);
            let watcher: Arc<dyn crate::elements::TreeWatcher> = stream.clone();
            let ran = state
                .session
                .handle_streamed(&site.app, event, &cancel, Some(watcher));
            stream.finish();
            let html = ran.map(|out| {
                if channel.is_connected() {
                    let fields = site.final_patch(&channel, &frame.base, &tab, &out, &mut state);
                    channel.send(fields.to_string());
                }
                let url = url(&out.page, &out.url_query);
                let frame = Frame { url, ..frame };
                site.document(&frame, &tab, &out.page, &mut state)
            });
            (state, html)
        }
    }

    /// Once the run ended: the session saved and live, or the slot
    /// forgotten.
    async fn finish(
        self,
        mut held: tokio::sync::OwnedMutexGuard<Option<Live>>,
        ran: Result<FirstOutcome, PoolError>,
    ) -> Result<Created, Failure> {
        self.slot.end_run();
        let outcome = match ran {
            Ok((state, Ok(html))) => self
                .keep(&mut held, state)
                .await
                .map(|()| Created::Done(Ok(html))),
            Ok((_, Err(e))) => Ok(Created::Done(Err(e))),
            Err(e) => Err(e.into()),
        };
        let kept = matches!(outcome, Ok(Created::Done(Ok(_))));
        drop(held);
        if !kept {
            self.live.forget_if_empty(self.tab.as_str(), &self.slot);
        }
        outcome
    }

    /// Saves the first run's session (unless the store is this process's
    /// memory) and makes it the slot's live copy.
    async fn keep(&self, held: &mut Option<Live>, state: TabState) -> Result<(), Failure> {
        let version = if self.local {
            Version(0)
        } else {
            let bytes = record::encode(&self.owner, &state.session);
            match self.store.save(self.tab.as_str(), None, bytes).await {
                Ok(SaveOutcome::Saved(v)) => v,
                Ok(SaveOutcome::Conflict) => return Err(Failure::Conflict),
                Err(e) => return Err(Failure::Store(e)),
            }
        };
        let bytes = state.approx_bytes();
        *held = Some(Live {
            version,
            owner: self.owner.clone(),
            tab: state,
        });
        self.live.resize(self.tab.as_str(), &self.slot, bytes);
        Ok(())
    }
}

/// An event that took its place in its tab's queue, waiting for its run.
pub(crate) struct PreparedEvent {
    owner: OwnerSecret,
    tab: TabId,
    slot: Arc<LiveTab>,
    ticket: QueueTicket,
    arrival: InFlightEvent,
    request: EventRequest,
    /// The push channel it came by, which its run streams to.
    channel: Option<Arc<Channel>>,
}

/// An event's arrival, until it is done (or dropped unrun).
struct InFlightEvent(Arc<LiveTab>, Arrival);

impl Drop for InFlightEvent {
    fn drop(&mut self) {
        self.0.leave(&self.1);
    }
}

impl PreparedEvent {
    /// The client's number for the event.
    pub(crate) fn number(&self) -> Option<u64> {
        self.request.n
    }
}

/// The app as a session shows it, for a connection that attaches to it.
pub(crate) struct Attached {
    /// The app's HTML (`#bk-app`).
    pub html: String,
    /// Its page.
    pub page: String,
    /// The URL the browser should show.
    pub url: String,
    /// Its sequence number.
    pub seq: u64,
}

/// What a no-JavaScript form post came to: a whole document each time.
pub(crate) enum FormAnswer {
    /// It ran.
    Ran(String),
    /// It was refused (the document shows why) and changed nothing.
    Refused(String),
    /// It came from an older page (the document shows the page as it is).
    Stale(String),
}

/// What a step run on a session did.
enum Step<T> {
    /// It changed the session: save it, and answer `T` once saved.
    Changed(T),
    /// It changed nothing (a rejected event): answer `T`.
    Unchanged(T),
}

/// The sessions of one app in one process.
pub(crate) struct Sessions {
    site: Arc<Site>,
    store: Arc<dyn SessionStore>,
    live: LiveTabs,
    pool: Arc<RunPool>,
    /// The threads that run the sessions' background tasks.
    tasks: Arc<crate::task::TaskThreads>,
    task_loop: tasks::TaskLoop,
    /// The other processes that share the store.
    replicas: Arc<replicas::Replicas>,
    /// Itself, for the task loop (which ends with it).
    me: Weak<Sessions>,
}

/// How a step's run is known to its tab, so that a newer event or the
/// Stop control can end it (R47).
#[derive(Clone)]
enum Registration {
    /// The run of an event that arrived.
    Event(Arrival),
    /// A run the server starts (a task ended), on the page the session is
    /// at.
    Server,
    /// Not a run that can be stopped.
    Quiet,
}

/// What every run and answer of the app needs: the app, and what its pages
/// are drawn in. Shared with the threads that run pages.
struct Site {
    app: App,
    title: String,
    pages: Vec<(String, String)>,
    /// Each page's icon, in the order of `pages`.
    icons: Vec<Option<String>>,
    error_details: bool,
}

impl Sessions {
    /// The sessions of `app` in `store`, with `live` the copies this
    /// process keeps; pages show panic details when `error_details`.
    pub(crate) fn new(
        app: App,
        store: Arc<dyn SessionStore>,
        live: LiveTabs,
        (pool, task_limits): (RunPool, TaskLimits),
        error_details: bool,
    ) -> Arc<Self> {
        let pages: Vec<(String, String)> = app
            .pages()
            .map(|p| (p.path().to_owned(), p.page_title().to_owned()))
            .collect();
        let icons = app
            .pages()
            .map(|p| p.page_icon().map(str::to_owned))
            .collect();
        let title = pages
            .first()
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| "brooklet".into());
        let (tasks, task_loop) = tasks::task_threads(task_limits);
        let replicas = replicas::Replicas::new(store.replicas());
        Arc::new_cyclic(|me| Sessions {
            site: Arc::new(Site {
                app,
                title,
                pages,
                icons,
                error_details,
            }),
            store,
            live,
            pool: Arc::new(pool),
            tasks,
            task_loop,
            replicas,
            me: me.clone(),
        })
    }

    /// The most bytes of upload any event of the app may carry.
    pub(crate) fn upload_cap(&self) -> u64 {
        self.site.app.upload_cap()
    }

    /// Every page: path and title, in navigation order.
    pub(crate) fn pages(&self) -> &[(String, String)] {
        &self.site.pages
    }

    fn local(&self) -> bool {
        self.store.process_local().is_some()
    }

    /// A new tab of `owner`'s: runs `event` (its page and the URL's query
    /// parameters), saves it, keeps it live and answers its whole document.
    /// `url` says what the browser's URL should become, given the run's
    /// page and parameters.
    pub(crate) async fn create(
        &self,
        owner: &OwnerSecret,
        event: Event,
        frame: Frame,
        url: impl FnOnce(&str, &QueryParams) -> Option<String> + Send + 'static,
    ) -> Result<Created, Failure> {
        let tab = TabId::random();
        let owner = owner.hash();
        let slot = self.live.insert(tab.as_str());
        self.start_task_loop();
        let task_host = self.task_host(&tab, &slot.channel);
        let held = slot.state.clone().lock_owned().await;
        let cancel = slot.begin_first_run(&owner);
        let page = event
            .page
            .clone()
            .or_else(|| self.site.pages.first().map(|(p, _)| p.clone()));
        let stream_frame = self.site.stream_frame(&frame.base, &tab, page, 0);
        let stream = RunStream::start(slot.channel.clone(), stream_frame);
        let first = FirstRun {
            site: self.site.clone(),
            store: self.store.clone(),
            live: self.live.clone(),
            local: self.local(),
            tab,
            owner,
            slot,
        };
        let (done, finished) = tokio::sync::oneshot::channel();
        let job = first.job(event, frame, url, (cancel, task_host), stream.clone());
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let ran = pool.run(job).await;
            let _ = done.send(first.finish(held, ran).await);
        });
        tokio::select! {
            finished = finished => finished.unwrap_or_else(|_| Err(Failure::Crashed("the first run was lost".into()))),
            () = tokio::time::sleep(FIRST_PAINT) => Ok(Created::Streaming(stream.document_now())),
        }
    }

    /// How many bytes of upload an event of `tab` may carry, from what its
    /// page shows: checked before the event's body is read.
    pub(crate) async fn upload_room(
        &self,
        owner: &OwnerSecret,
        tab: &TabId,
    ) -> Result<u64, Failure> {
        let owner = owner.hash();
        let (slot, _ticket) = self.slot_of(tab)?;
        let room = {
            let mut live = slot.state.lock().await;
            self.refresh(&owner, tab, &mut live).await.map(|()| {
                live.as_ref()
                    .map_or(0, |l| upload_room(&self.site.app, &l.tab))
            })
        };
        if room.is_err() {
            self.live.forget_if_empty(tab.as_str(), &slot);
        }
        room
    }

    /// The file the download button `id` of `tab` serves, if the tab's
    /// last run drew it. Read from the store when another process ran it.
    pub(crate) async fn download(
        &self,
        owner: &OwnerSecret,
        tab: &TabId,
        id: crate::identity::WidgetId,
    ) -> Result<Option<crate::elements::MediaFile>, Failure> {
        let owner = owner.hash();
        // No place in the tab's event queue: a page's images load at once.
        let slot = if self.local() {
            self.live.find(tab.as_str()).ok_or(Failure::Expired)?
        } else {
            self.live.get_or_insert(tab.as_str())
        };
        let file = {
            let mut live = slot.state.lock().await;
            self.refresh(&owner, tab, &mut live)
                .await
                .map(|()| live.as_ref().and_then(|l| l.tab.session.media(id).cloned()))
        };
        if file.is_err() {
            self.live.forget_if_empty(tab.as_str(), &slot);
        }
        file
    }

    /// Runs an event from the client script on `tab`. An event made on
    /// the page of the run going on supersedes that run (R47).
    pub(crate) async fn event(
        &self,
        owner: &OwnerSecret,
        tab: &TabId,
        request: EventRequest,
        base: &str,
    ) -> Result<EventAnswer, Failure> {
        let prepared = self.prepare_event(owner, tab, request, None)?;
        self.run_event(prepared, base).await
    }

    /// The first half of [`Sessions::event`], which does not wait: the
    /// event takes its place in the tab's queue and supersedes the run
    /// going on. A connection that carries several events prepares each as
    /// it arrives, and runs them in that order.
    ///
    /// A connection sends events one after another without waiting for
    /// answers, each made on the last page it was given: `since` is the
    /// sequence number of the page it attached with, and any event made on
    /// that page or a later one is current.
    pub(crate) fn prepare_event(
        &self,
        owner: &OwnerSecret,
        tab: &TabId,
        request: EventRequest,
        since: Option<u64>,
    ) -> Result<PreparedEvent, Failure> {
        let (slot, ticket) = self.slot_of(tab)?;
        // An event of the push channel streams its run to it.
        let channel = since.map(|_| slot.channel.clone());
        let mut arrival = slot.arrive(&owner.hash(), request.seq);
        arrival.concurrent |= since.is_some_and(|s| request.seq >= s);
        Ok(PreparedEvent {
            owner: owner.clone(),
            tab: tab.clone(),
            arrival: InFlightEvent(slot.clone(), arrival),
            slot,
            ticket,
            request,
            channel,
        })
    }

    /// The second half of [`Sessions::event`]: the run, once the event's
    /// turn comes.
    pub(crate) async fn run_event(
        &self,
        prepared: PreparedEvent,
        base: &str,
    ) -> Result<EventAnswer, Failure> {
        let PreparedEvent {
            owner,
            tab,
            slot,
            ticket,
            arrival,
            mut request,
            channel,
        } = prepared;
        // Only a store that can refuse a save runs an event twice; otherwise
        // the values (a file, say) are moved into it, not copied.
        let retries = !self.local();
        let size = request.size;
        let (site, base, job_tab) = (self.site.clone(), base.to_owned(), tab.clone());
        let concurrent = arrival.1.concurrent;
        let step = move |state: &mut TabState, cancel: &CancelToken| {
            let values = if retries {
                request.values.clone()
            } else {
                std::mem::take(&mut request.values)
            };
            let step = EventStep {
                base: &base,
                tab: &job_tab,
                request: &request,
                concurrent,
                channel: channel.as_ref(),
            };
            site.event_step(&step, values, state, cancel)
        };
        let registration = Registration::Event(arrival.1.clone());
        self.with_session(&owner, &tab, (slot, ticket), size, registration, step)
            .await
    }

    /// The app as `tab`'s session shows it now, for a connection that
    /// (re)attaches to it: it waits behind the run going on, if any.
    pub(crate) async fn attach(
        &self,
        owner: &OwnerSecret,
        tab: &TabId,
        base: &str,
    ) -> Result<Attached, Failure> {
        let slot = self.slot_of(tab)?;
        let channel = slot.0.channel.clone();
        let (site, base, job_tab) = (self.site.clone(), base.to_owned(), tab.clone());
        let step = move |state: &mut TabState, _: &CancelToken| {
            // A task ended while no client was connected: show it now.
            let owed = state.session.task_rerun_owed;
            if owed {
                if let Err(e) = state.session.handle(&site.app, Event::default()) {
                    tracing::warn!(tab = job_tab.as_str(), kind = %e.kind(), "the rerun for a task's end failed");
                }
            }
            let page = state.session.current_page().unwrap_or_default().to_owned();
            let (blocks, html) = site.app_blocks(&base, &job_tab, &page, state);
            channel.showing(blocks);
            let url = page_url(&base, &page, state.session.query_params());
            let seq = state.session.events();
            let attached = Attached {
                html,
                page,
                url,
                seq,
            };
            if owed {
                Step::Changed(attached)
            } else {
                Step::Unchanged(attached)
            }
        };
        self.with_session(owner, tab, slot, 0, Registration::Quiet, step)
            .await
    }

    /// The tab's push channel, to connect a client to.
    pub(crate) fn channel(&self, tab: &TabId) -> Option<Arc<Channel>> {
        self.live
            .find(tab.as_str())
            .map(|slot| slot.channel.clone())
    }

    /// The sequence number of the page of `owner`'s run going on in `tab`
    /// in this process, if one is: a client can connect to it at once, and
    /// see the run stream, rather than wait for it.
    pub(crate) fn running(&self, owner: &OwnerSecret, tab: &TabId) -> Option<u64> {
        self.live.find(tab.as_str())?.running_for(&owner.hash())
    }

    /// Forgets `tab` if it is `owner`'s and this process holds it: the tab
    /// a reloaded page was given, once the page reattached to its session.
    pub(crate) async fn discard(&self, owner: &OwnerSecret, tab: &TabId) {
        let Some(slot) = self.live.find(tab.as_str()) else {
            return;
        };
        let mut live = slot.state.lock().await;
        if live.as_ref().is_some_and(|l| l.owner == owner.hash()) {
            *live = None;
            drop(live);
            self.cancel_tasks_of(tab);
            self.live.forget_if_empty(tab.as_str(), &slot);
            if !self.local() {
                if let Err(e) = self.store.delete(tab.as_str()).await {
                    tracing::debug!(tab = tab.as_str(), error = %e, "a discarded tab stays in the store until it expires");
                }
            }
        }
    }

    /// The Stop control of `tab`'s page: ends its run going on as `stop()`
    /// does. Whether a run was going on in this process.
    pub(crate) fn stop(&self, owner: &OwnerSecret, tab: &TabId) -> bool {
        self.live
            .find(tab.as_str())
            .is_some_and(|slot| slot.stop_run(&owner.hash()))
    }

    /// Runs a no-JavaScript form post (its fields) on `tab`.
    pub(crate) async fn form(
        &self,
        owner: &OwnerSecret,
        tab: &TabId,
        fields: Vec<(String, String)>,
        base: &str,
    ) -> Result<FormAnswer, Failure> {
        let seq = last_field(&fields, "_seq").and_then(|s| s.parse::<u64>().ok());
        let size = fields.iter().map(|(k, v)| k.len() + v.len()).sum();
        let (site, base, job_tab) = (self.site.clone(), base.to_owned(), tab.clone());
        let step = move |state: &mut TabState, _: &CancelToken| {
            if seq != Some(state.session.events()) {
                let page = state.session.current_page().unwrap_or_default().to_owned();
                let notice = "This page was out of date (sent again, or from the browser's \
                              history): your change was not applied. This is the page as it is now.";
                let frame = Frame {
                    notice: Some(notice.to_owned()),
                    ..Frame::plain(&base)
                };
                let html = site.document(&frame, &job_tab, &page, state);
                return Step::Unchanged(FormAnswer::Stale(html));
            }
            site.form_step(&base, &job_tab, &fields, state)
        };
        let slot = self.slot_of(tab)?;
        self.with_session(owner, tab, slot, size, Registration::Quiet, step)
            .await
    }

    /// The live slot of an existing `tab`, with a place in its queue.
    ///
    /// Nothing is stored for a tab this process has not made or loaded:
    /// with the embedded memory store a tab it does not hold does not
    /// exist; with another store the slot made for loading is forgotten
    /// again unless the store has the tab and it is the owner's.
    fn slot_of(&self, tab: &TabId) -> Result<(Arc<LiveTab>, QueueTicket), Failure> {
        let slot = if self.local() {
            self.live.find(tab.as_str()).ok_or(Failure::Expired)?
        } else {
            self.live.get_or_insert(tab.as_str())
        };
        let ticket = slot.enqueue().ok_or(Failure::Busy)?;
        Ok((slot, ticket))
    }

    /// Brings the locked slot `live` of `tab` up to date with the store
    /// (the live copy if the store still holds the version this process
    /// last saw, else the stored one, its callbacks re-established,
    /// [`crate::Session::restore_callbacks`]), and checks it is `owner`'s.
    async fn refresh(
        &self,
        owner: &str,
        tab: &TabId,
        live: &mut Option<Live>,
    ) -> Result<(), Failure> {
        if !self.local() {
            let known = live.as_ref().map(|l| l.version);
            match self.store.load(tab.as_str(), known).await {
                Ok(Loaded::Unchanged) => {}
                Ok(Loaded::Found { version, bytes }) => {
                    *live = None;
                    let record = record::decode(&bytes).map_err(|e| {
                        tracing::warn!(tab = tab.as_str(), error = %e, "a stored session cannot be read");
                        Failure::Store(e)
                    })?;
                    // Its callbacks come back on the run pool, before the step
                    // ([`crate::Session::restore_callbacks`] runs page code).
                    let session = record.session;
                    *live = Some(Live {
                        version,
                        owner: record.owner,
                        tab: TabState {
                            session,
                            render_cache: Default::default(),
                        },
                    });
                }
                Ok(Loaded::Missing) => {
                    *live = None;
                    return Err(Failure::Expired);
                }
                Err(e) => {
                    *live = None;
                    tracing::warn!(tab = tab.as_str(), error = %e, "the session store failed");
                    return Err(Failure::Store(e));
                }
            }
        }
        match live {
            Some(l) if l.owner == owner => Ok(()),
            _ => Err(Failure::Expired),
        }
    }

    /// Runs `step` on the session of `tab`, owned by `owner`, and saves the
    /// result with a version check.
    ///
    /// `incoming` is the size of what the event brought, which decides
    /// whether the session is measured again for the memory cap. An event
    /// (`arrival`) registers its run with the tab, so that a newer event
    /// can supersede it.
    ///
    /// The tab's live slot is locked for the whole of it, and at most
    /// [`super::MAX_WAITING`] events wait for it. The step runs on the run
    /// pool, never on an async worker. When another process (or a failure)
    /// saved first, the save is refused; the step then runs again on the
    /// fresh state, a few times at most. Any failure empties the slot, so
    /// the next event reloads the truth from the store.
    async fn with_session<T, S>(
        &self,
        owner: &OwnerSecret,
        tab: &TabId,
        slot: (Arc<LiveTab>, QueueTicket),
        incoming: usize,
        registration: Registration,
        step: S,
    ) -> Result<T, Failure>
    where
        T: Send + 'static,
        S: FnMut(&mut TabState, &CancelToken) -> Step<T> + Send + 'static,
    {
        self.with_owner(&owner.hash(), tab, slot, incoming, registration, step)
            .await
    }

    /// [`Sessions::with_session`] for the owner whose secret hashes to
    /// `owner`.
    async fn with_owner<T, S>(
        &self,
        owner: &str,
        tab: &TabId,
        (slot, _ticket): (Arc<LiveTab>, QueueTicket),
        incoming: usize,
        registration: Registration,
        step: S,
    ) -> Result<T, Failure>
    where
        T: Send + 'static,
        S: FnMut(&mut TabState, &CancelToken) -> Step<T> + Send + 'static,
    {
        self.start_task_loop();
        let result = self
            .locked_steps(owner, tab, &slot, incoming, registration, step)
            .await;
        if result.is_err() {
            self.live.forget_if_empty(tab.as_str(), &slot);
        }
        result
    }

    /// [`Sessions::with_session`] once the slot is found.
    async fn locked_steps<T, S>(
        &self,
        owner: &str,
        tab: &TabId,
        slot: &Arc<LiveTab>,
        incoming: usize,
        registration: Registration,
        mut step: S,
    ) -> Result<T, Failure>
    where
        T: Send + 'static,
        S: FnMut(&mut TabState, &CancelToken) -> Step<T> + Send + 'static,
    {
        let mut live = slot.state.clone().lock_owned().await;
        for _ in 0..=CONFLICT_RETRIES {
            self.refresh(owner, tab, &mut live).await?;
            let (job_slot, job_owner, job_registration) =
                (slot.clone(), owner.to_owned(), registration.clone());
            let (job_site, task_host) = (self.site.clone(), self.task_host(tab, &slot.channel));
            let ran = self
                .pool
                .run(move || {
                    let current = live.as_mut().expect("refreshed");
                    current.tab.session.restore_callbacks(&job_site.app);
                    current.tab.session.task_host = Some(task_host);
                    let cancel = match &job_registration {
                        Registration::Event(a) => job_slot.begin_run(a, &job_owner),
                        Registration::Server => {
                            job_slot.begin_server_run(&job_owner, current.tab.session.events())
                        }
                        Registration::Quiet => CancelToken::new(),
                    };
                    let outcome = step(&mut current.tab, &cancel);
                    job_slot.end_run();
                    (live, step, outcome)
                })
                .await;
            let outcome;
            (live, step, outcome) = match ran {
                Ok(ran) => ran,
                Err(e) => {
                    // A crash may have left the session half-changed: the
                    // store has the truth (or, for the memory store, nothing).
                    if matches!(e, PoolError::Crashed(_)) {
                        slot.end_run();
                        *slot.state.lock().await = None;
                    }
                    return Err(e.into());
                }
            };
            let current = live.as_mut().expect("refreshed");
            let answer = match outcome {
                Step::Unchanged(answer) => return Ok(answer),
                Step::Changed(answer) => answer,
            };
            let events = current.tab.session.events();
            if incoming >= REMEASURE_AFTER || events % REMEASURE_EVERY == 0 {
                self.live.resize(
                    tab.as_str(),
                    slot,
                    current.tab.approx_bytes() + slot.channel.bytes(),
                );
            }
            if self.local() {
                return Ok(answer);
            }
            let bytes = record::encode(owner, &current.tab.session);
            match self
                .store
                .save(tab.as_str(), Some(current.version), bytes)
                .await
            {
                Ok(SaveOutcome::Saved(version)) => {
                    current.version = version;
                    return Ok(answer);
                }
                Ok(SaveOutcome::Conflict) => {
                    tracing::debug!(
                        tab = tab.as_str(),
                        "another event saved first; running again on its state"
                    );
                    *live = None;
                }
                Err(e) => {
                    *live = None;
                    tracing::warn!(tab = tab.as_str(), error = %e, "the session store failed");
                    return Err(Failure::Store(e));
                }
            }
        }
        Err(Failure::Conflict)
    }
}

/// What an event step needs besides the session.
struct EventStep<'a> {
    base: &'a str,
    tab: &'a TabId,
    request: &'a EventRequest,
    /// It arrived while an event of the same page was in flight (R47).
    concurrent: bool,
    /// The push channel its run streams to.
    channel: Option<&'a Arc<Channel>>,
}

impl Site {
    /// One event on its session: refused when made on an older page, else
    /// run with `cancel` able to end it early.
    fn event_step(
        &self,
        step: &EventStep<'_>,
        values: Vec<(WidgetId, Value)>,
        state: &mut TabState,
        cancel: &CancelToken,
    ) -> Step<EventAnswer> {
        let (request, events) = (step.request, state.session.events());
        // The push channel takes frames up to the app's limit; the page's
        // uploaders say how much this event may bring.
        let room = || event_body_limit(upload_room(&self.app, state));
        if request.size > MAX_BODY && request.size > room() {
            let message = format!(
                "the event is {} bytes, more than this page's uploaders take ({} bytes)",
                request.size,
                room()
            );
            return Step::Unchanged(EventAnswer::Refused(Error::new(
                ErrorKind::InvalidValue,
                message,
            )));
        }
        // R47: an event made while another of its page was in flight is
        // applied after it, although that one moved the page on.
        let current = request.seq == events || (step.concurrent && request.seq <= events);
        if !current {
            let page = state.session.current_page().unwrap_or_default().to_owned();
            let message = format!(
                "the event was made on an older page (number {}; the session is at {events}) and \
                 was not applied; the page now shows the session as it is",
                request.seq,
            );
            let (blocks, html) = self.app_blocks(step.base, step.tab, &page, state);
            if let Some(channel) = step.channel {
                channel.showing(blocks);
            }
            return Step::Unchanged(EventAnswer::Stale { html, message });
        }
        let event = to_event(
            &self.app,
            &state.session,
            request.page.clone(),
            values,
            request.click,
        )
        .map(|mut event| {
            event.fragment = request.fragment.clone();
            if let Some(q) = request.query.as_deref() {
                event.query_params =
                    Some(crate::wire::parse_query(Some(q.trim_start_matches('?'))));
            }
            event
        });
        let stream = step.channel.map(|channel| {
            let page = request.page.clone();
            let page = page.or_else(|| state.session.current_page().map(str::to_owned));
            let frame = self.stream_frame(step.base, step.tab, page, events);
            RunStream::start(channel.clone(), frame)
        });
        let watcher = stream
            .clone()
            .map(|s| s as Arc<dyn crate::elements::TreeWatcher>);
        let ran = event.and_then(|event| {
            state
                .session
                .handle_streamed(&self.app, event, cancel, watcher)
        });
        if let Some(stream) = &stream {
            stream.finish();
        }
        match ran {
            Ok(out) if out.end == RunEnd::Interrupted => Step::Changed(EventAnswer::Superseded),
            Ok(out) if step.channel.is_some() => {
                let channel = step.channel.expect("checked");
                let fields = self.final_patch(channel, step.base, step.tab, &out, state);
                Step::Changed(EventAnswer::Patched { fields })
            }
            Ok(out) => {
                let html = self.app_html(step.base, step.tab, &out.page, state);
                Step::Changed(EventAnswer::Ran {
                    html,
                    page: out.page,
                    url_query: out.url_query,
                })
            }
            Err(e) => {
                tracing::info!(kind = %e.kind(), message = %quote(e.message()), "event rejected");
                Step::Unchanged(EventAnswer::Refused(e))
            }
        }
    }

    /// One form post on its session.
    fn form_step(
        &self,
        base: &str,
        tab: &TabId,
        fields: &[(String, String)],
        state: &mut TabState,
    ) -> Step<FormAnswer> {
        let nav = last_field(fields, "_nav").map(str::to_owned);
        let click = last_field(fields, "_click").map(parse_id).transpose();
        let submitting = match &click {
            Ok(Some(id)) => state
                .session
                .tree()
                .widgets()
                .find(|w| w.id == *id && w.kind.submits_form())
                .and_then(|w| w.form.clone()),
            _ => None,
        };
        let values = form_values(
            state.session.tree(),
            fields,
            nav.is_some(),
            submitting.as_deref(),
        );
        let result = match (values, click) {
            (Ok(values), Ok(click)) => to_event(&self.app, &state.session, nav, values, click),
            (Err(e), _) | (_, Err(e)) => Err(Error::new(ErrorKind::InvalidValue, e)),
        };
        let plain = Frame {
            tab_view: tab_view(fields),
            ..Frame::plain(base)
        };
        match result.and_then(|event| state.session.handle(&self.app, event)) {
            Ok(out) => Step::Changed(FormAnswer::Ran(
                self.document(&plain, tab, &out.page, state),
            )),
            Err(e) => {
                let page = state.session.current_page().unwrap_or_default().to_owned();
                let notice = format!("{}: {}", e.kind().trace_name(), quote_long(e.message()));
                let frame = Frame {
                    notice: Some(notice),
                    ..plain
                };
                Step::Unchanged(FormAnswer::Refused(
                    self.document(&frame, tab, &page, state),
                ))
            }
        }
    }

    fn doc<'a>(
        &'a self,
        frame: &'a Frame,
        tab: &'a TabId,
        page: &'a str,
        state: &'a TabState,
    ) -> PageDoc<'a> {
        PageDoc {
            title: &self.title,
            base: &frame.base,
            tab: tab.as_str(),
            page,
            pages: &self.pages,
            tree: state.session.tree(),
            notice: frame.notice.as_deref(),
            url: frame.url.as_deref(),
            seq: state.session.events(),
            error_details: self.error_details,
            running: false,
            tab_view: &frame.tab_view,
            icons: &self.icons,
        }
    }

    /// `draw` with `tab`'s page drawn in `frame` and the tab's render
    /// cache, which it gets back after.
    fn with_doc<R>(
        &self,
        frame: &Frame,
        tab: &TabId,
        page: &str,
        state: &mut TabState,
        draw: impl FnOnce(&PageDoc<'_>, &mut RenderCache) -> R,
    ) -> R {
        let mut cache = std::mem::take(&mut state.render_cache);
        let out = draw(&self.doc(frame, tab, page, state), &mut cache);
        state.render_cache = cache;
        out
    }

    /// A whole document of `tab`'s session.
    fn document(&self, frame: &Frame, tab: &TabId, page: &str, state: &mut TabState) -> String {
        self.with_doc(frame, tab, page, state, render_document_cached)
    }

    /// The app's HTML for an event's answer.
    fn app_html(&self, base: &str, tab: &TabId, page: &str, state: &mut TabState) -> String {
        self.with_doc(&Frame::plain(base), tab, page, state, render_app_cached)
    }

    /// The app's blocks and HTML, for a client on a push channel.
    fn app_blocks(
        &self,
        base: &str,
        tab: &TabId,
        page: &str,
        state: &mut TabState,
    ) -> (AppBlocks, String) {
        self.with_doc(&Frame::plain(base), tab, page, state, |doc, cache| {
            let blocks = render_blocks(doc, cache);
            let html = compose_app(doc, &blocks);
            (blocks, html)
        })
    }

    /// The frame that ends a run on `channel`: the patch from what its
    /// client shows to the app, and where the app now is.
    fn final_patch(
        &self,
        channel: &Channel,
        base: &str,
        tab: &TabId,
        out: &RunOutput,
        state: &mut TabState,
    ) -> Value {
        let mut fields = self.with_doc(&Frame::plain(base), tab, &out.page, state, |doc, cache| {
            channel.patch_to(render_blocks(doc, cache), |b| compose_app(doc, b))
        });
        fields["page"] = serde_json::json!(out.page);
        fields["url"] = serde_json::json!(page_url(base, &out.page, &out.url_query));
        fields["seq"] = serde_json::json!(state.session.events());
        fields["running"] = serde_json::json!(false);
        fields
    }

    /// What a streamed run of `tab`'s is drawn in.
    fn stream_frame(&self, base: &str, tab: &TabId, page: Option<String>, seq: u64) -> StreamFrame {
        StreamFrame {
            title: self.title.clone(),
            base: base.to_owned(),
            tab: tab.as_str().to_owned(),
            page: page.unwrap_or_default(),
            pages: self.pages.clone(),
            icons: self.icons.clone(),
            seq,
            error_details: self.error_details,
        }
    }
}

/// The most a tab's event may upload: what its page's uploaders take (a
/// multiple-file uploader up to the app's limit), within the app's limit.
fn upload_room(app: &App, tab: &TabState) -> u64 {
    let cap = app.upload_cap();
    let total = tab
        .session
        .tree()
        .widgets()
        .filter_map(|w| w.params.get().upload_room(cap))
        .fold(0u64, u64::saturating_add);
    total.min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_secrets_have_one_shape() {
        assert!(TabId::parse("0123456789abcdef").is_some());
        for bad in ["0123456789ABCDEF", "0123456789abcde", &"a".repeat(200_000)] {
            assert!(TabId::parse(bad).is_none());
        }
        assert_eq!(TabId::random().as_str().len(), 16);
        assert!(OwnerSecret::parse(OwnerSecret::random().as_str()).is_some());
        assert!(OwnerSecret::parse("short").is_none());
        assert_eq!(format!("{:?}", OwnerSecret::random()), "OwnerSecret(..)");
    }
}
