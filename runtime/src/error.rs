//! brooklet's errors, named after Streamlit's exception classes (spec A8).

use std::fmt;

/// What went wrong, one kind per rule of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Two elements with one key in a run (R6).
    DuplicateElementKey,
    /// Two keyless widgets with the same identity in a run (R7).
    DuplicateElementId,
    /// A widget's key written after the widget was drawn in this run (R22).
    WidgetAlreadyInstantiated,
    /// A read-only widget's key written through session state (R23).
    ValueAssignmentNotAllowed,
    /// A callback on a widget inside a form other than its submit button (R30).
    InvalidFormCallback,
    /// A missing session-state key (R42).
    KeyError,
    /// A value read or written as the wrong type (A4).
    TypeMismatch,
    /// A key that is empty or reserved (R9).
    InvalidKey,
    /// A widget parameter that makes no sense (min above max, default out of range, ...).
    InvalidArgument,
    /// A value from the browser that the widget cannot take (A6).
    InvalidValue,
    /// A value from the browser for a widget this session never drew (A6).
    UnknownWidget,
    /// A page that the app does not have.
    UnknownPage,
    /// Reruns that never settle (`rerun` on every run).
    RerunLoop,
    /// Page code or a callback panicked (R16, A2).
    Panic,
    /// Page code or a callback returned an error of its own: through `?`
    /// from any `std::error::Error`, or [`Error::msg`] (R16). Shown like a
    /// panic, and written `Panic` in conformance traces, where Python's
    /// `ValueError` (an app's own exception) maps to it.
    PageError,
    /// `stop()` was called: ends the run quietly (R16). Never shown.
    Stop,
    /// `rerun()` was called: ends the run and starts another (R41). Never shown.
    Rerun,
    /// A newer event of the session superseded the run, which ended at its
    /// next `Ui` call or `checkpoint()`; the newer event reruns the page.
    /// Like a rerun, no clean-up follows (R16). Never shown.
    Interrupted,
    /// A background task that cannot start: its session holds as many as
    /// it may, or the server runs as many as it may, or nothing hosts them.
    TaskLimit,
}

impl ErrorKind {
    /// The kind as the conformance traces write it (spec A8).
    pub fn trace_name(self) -> &'static str {
        match self {
            ErrorKind::DuplicateElementKey => "DuplicateElementKey",
            ErrorKind::DuplicateElementId => "DuplicateElementId",
            ErrorKind::WidgetAlreadyInstantiated => "WidgetAlreadyInstantiatedError",
            ErrorKind::ValueAssignmentNotAllowed => "ValueAssignmentNotAllowedError",
            ErrorKind::InvalidFormCallback => "InvalidFormCallbackError",
            ErrorKind::KeyError => "KeyError",
            ErrorKind::TypeMismatch => "TypeMismatch",
            ErrorKind::InvalidKey => "InvalidKey",
            ErrorKind::InvalidArgument => "InvalidArgument",
            ErrorKind::InvalidValue => "InvalidValue",
            ErrorKind::UnknownWidget => "UnknownWidget",
            ErrorKind::UnknownPage => "UnknownPage",
            ErrorKind::RerunLoop => "RerunLoop",
            ErrorKind::Panic | ErrorKind::PageError => "Panic",
            ErrorKind::Stop => "Stop",
            ErrorKind::Rerun => "Rerun",
            ErrorKind::Interrupted => "Interrupted",
            ErrorKind::TaskLimit => "TaskLimit",
        }
    }

    /// The kind as the page and the logs show it: its trace name, except
    /// that an error page code returned is a `PageError`, not a `Panic`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::PageError => "PageError",
            other => other.trace_name(),
        }
    }

    /// Whether the app's own code failed (a panic or an error it returned):
    /// its message can hold what only developers should see.
    pub fn is_failure_of_app_code(self) -> bool {
        matches!(self, ErrorKind::Panic | ErrorKind::PageError)
    }

    /// Whether this kind ends a run on purpose rather than reporting a problem.
    pub fn is_control_flow(self) -> bool {
        matches!(
            self,
            ErrorKind::Stop | ErrorKind::Rerun | ErrorKind::Interrupted
        )
    }
}

/// The message a panic was given: its `&str` or `String` payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic with a non-string payload".into())
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error of a brooklet app: a broken rule, a bad value, or a failure of the
/// app's own code.
///
/// Like `anyhow::Error`, it converts from any `std::error::Error` with `?`, so
/// page code can return its own errors; those show on the page as kind
/// [`ErrorKind::PageError`]. For that reason it does not implement
/// `std::error::Error` itself.
#[derive(Clone, PartialEq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    location: Option<String>,
}

impl Error {
    /// An error of `kind` with a message that says what happened and what to do.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            location: None,
        }
    }

    /// The same error, with where it happened (`file:line`, page).
    pub fn with_location(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    /// Where it happened, when known (panics).
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// An error raised by the app's own code, shown on the page like a panic.
    pub fn msg(message: impl fmt::Display) -> Self {
        Error::new(ErrorKind::PageError, message.to_string())
    }

    /// Which rule was broken.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn missing_key(key: &str) -> Self {
        Error::new(
            ErrorKind::KeyError,
            format!(
                "session state has no key \"{key}\". Did you forget to initialize it? \
                 Set it first, e.g. with `state.setdefault(\"{key}\", ...)`, or read it with `get_opt`"
            ),
        )
    }

    pub(crate) fn type_mismatch(key: &str, stored: &serde_json::Value, requested: &str) -> Self {
        Error::new(
            ErrorKind::TypeMismatch,
            format!(
                "session state key \"{key}\" holds {}, which cannot be read as `{requested}`; \
                 read it as the type it was written with, or write a value of the right type first",
                describe_value(stored)
            ),
        )
    }
}

/// A short description of a stored value's type, for error messages.
pub(crate) fn describe_value(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a bool ({b})"),
        Value::Number(n) if n.is_f64() => format!("a float ({n})"),
        Value::Number(n) => format!("an integer ({n})"),
        Value::String(s) if s.chars().count() > 40 => "a string".into(),
        Value::String(s) => format!("a string ({s:?})"),
        Value::Array(a) => format!("a list of {} items", a.len()),
        Value::Object(_) => "a map".into(),
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    fn from(err: E) -> Self {
        Error::msg(err)
    }
}

/// The result of page code and of brooklet's fallible calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;
