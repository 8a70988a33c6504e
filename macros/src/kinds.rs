//! The widget catalogue as the macro sees it: for each builder method of
//! `Ui` (`ui.slider(..)`), the runtime kind it draws, its positional
//! arguments, and the parameters that count for its identity, in the order
//! the runtime folds them in (spec R1–R4; `runtime/src/widgets/*.rs`).
//! A test in `tests/macros.rs` checks every kind against the runtime.

/// Where a counted parameter comes from in a builder chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The n-th argument of the builder method (`ui.slider("A", min, max)`).
    Arg(usize),
    /// A builder option (`.value(5)`), absent when not called.
    Method(&'static str),
    /// A value the runtime fixes (`accept_new_options`).
    Const,
}

/// A parameter that counts for identity.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub source: Source,
}

const fn arg(name: &'static str, n: usize) -> Param {
    Param {
        name,
        source: Source::Arg(n),
    }
}

const fn opt(name: &'static str, method: &'static str) -> Param {
    Param {
        name,
        source: Source::Method(method),
    }
}

const fn fixed(name: &'static str) -> Param {
    Param {
        name,
        source: Source::Const,
    }
}

/// One widget builder method.
#[derive(Debug)]
pub struct KindInfo {
    /// The method on `Ui`, e.g. `range_slider`.
    pub method: &'static str,
    /// The runtime kind it draws, e.g. `slider`.
    pub kind: &'static str,
    /// How many positional arguments the method takes.
    pub arity: usize,
    /// Counted parameters without a key, in the runtime's order.
    pub keyless: &'static [Param],
    /// Counted parameters with a key (R4), in the runtime's order.
    pub keyed: &'static [Param],
    /// The callback option: `on_change`, or `on_click` for a button.
    pub callback: &'static str,
    /// Whether `persist` applies (R39: value widgets, not triggers).
    pub persist: bool,
    /// Whether `keep_value` applies (A5: bounds count in the identity).
    pub keep_value: bool,
}

const HELP: Param = opt("help", "help");
const LABEL: Param = arg("label", 0);

const BUTTON: &[Param] = &[LABEL, HELP];
const CHECKBOX: &[Param] = &[LABEL, opt("value", "value"), HELP];
const RADIO: &[Param] = &[LABEL, arg("options", 1), opt("index", "index"), HELP];
const SELECTBOX: &[Param] = &[
    LABEL,
    arg("options", 1),
    opt("index", "index"),
    HELP,
    fixed("accept_new_options"),
];
const SELECTBOX_KEYED: &[Param] = &[fixed("accept_new_options")];
const MULTISELECT: &[Param] = &[
    LABEL,
    arg("options", 1),
    opt("default", "default_value"),
    HELP,
    opt("max_selections", "max_selections"),
    fixed("accept_new_options"),
];
const MULTISELECT_KEYED: &[Param] = &[
    opt("max_selections", "max_selections"),
    fixed("accept_new_options"),
];
const SLIDER: &[Param] = &[
    LABEL,
    opt("value", "value"),
    HELP,
    arg("min_value", 1),
    arg("max_value", 2),
    opt("step", "step"),
];
const SLIDER_KEYED: &[Param] = &[
    arg("min_value", 1),
    arg("max_value", 2),
    opt("step", "step"),
];
const SELECT_SLIDER: &[Param] = &[LABEL, arg("options", 1), opt("value", "value"), HELP];
const NUMBER_INPUT: &[Param] = &[
    LABEL,
    opt("min_value", "min"),
    opt("max_value", "max"),
    opt("value", "value"),
    opt("step", "step"),
    HELP,
];
const TEXT: &[Param] = &[
    LABEL,
    opt("value", "value"),
    opt("placeholder", "placeholder"),
    HELP,
    opt("max_chars", "max_chars"),
];
const TEXT_KEYED: &[Param] = &[opt("max_chars", "max_chars")];
const DATE: &[Param] = &[
    LABEL,
    opt("value", "value"),
    opt("min_value", "min"),
    opt("max_value", "max"),
    HELP,
    opt("format", "format"),
];
const DATE_KEYED: &[Param] = &[opt("format", "format")];
const DATETIME: &[Param] = &[
    LABEL,
    opt("value", "value"),
    opt("min_value", "min"),
    opt("max_value", "max"),
    HELP,
    opt("format", "format"),
    opt("step", "step"),
];
const DATETIME_KEYED: &[Param] = &[opt("format", "format"), opt("step", "step")];
const TIME: &[Param] = &[LABEL, opt("value", "value"), HELP, opt("step", "step")];
const TIME_KEYED: &[Param] = &[opt("step", "step")];
const COLOR: &[Param] = &[LABEL, opt("value", "value"), HELP];
const BUTTON_GROUP: &[Param] = &[
    LABEL,
    arg("options", 1),
    opt("default", "default_value"),
    opt("click_mode", "selection_mode"),
    HELP,
];
const BUTTON_GROUP_KEYED: &[Param] = &[opt("click_mode", "selection_mode")];
const FEEDBACK: &[Param] = &[arg("options", 0), opt("default", "default_value")];
const FEEDBACK_KEYED: &[Param] = &[arg("options", 0)];
// Tabs, expanders and popovers are widgets only when they track their
// state; their parameters count with a key too.
const TABS: &[Param] = &[arg("tabs", 0), opt("default", "default")];
const EXPANDER: &[Param] = &[LABEL, opt("expanded", "expanded")];
const POPOVER: &[Param] = &[LABEL, HELP, opt("disabled", "disabled")];
// The placeholder is the chat input's label.
const CHAT: &[Param] = &[LABEL, opt("max_chars", "max_chars")];
const CHAT_KEYED: &[Param] = &[opt("max_chars", "max_chars")];
const DOWNLOAD: &[Param] = &[LABEL, arg("file_name", 2), opt("mime", "mime"), HELP];
const FILE: &[Param] = &[
    LABEL,
    opt("type", "types"),
    opt("accept_multiple_files", "accept_multiple_files"),
    HELP,
    opt("max_upload_size", "max_upload_size"),
];
const FILE_KEYED: &[Param] = &[
    opt("type", "types"),
    opt("accept_multiple_files", "accept_multiple_files"),
    opt("max_upload_size", "max_upload_size"),
];

const fn kind(
    method: &'static str,
    kind: &'static str,
    arity: usize,
    keyless: &'static [Param],
    keyed: &'static [Param],
) -> KindInfo {
    KindInfo {
        method,
        kind,
        arity,
        keyless,
        keyed,
        callback: "on_change",
        persist: true,
        keep_value: false,
    }
}

/// Every widget builder method of `Ui`.
pub static KINDS: &[KindInfo] = &[
    KindInfo {
        callback: "on_click",
        persist: false,
        ..kind("button", "button", 1, BUTTON, &[])
    },
    KindInfo {
        callback: "on_click",
        persist: false,
        ..kind("form_submit_button", "form_submit_button", 1, BUTTON, &[])
    },
    KindInfo {
        callback: "on_click",
        persist: false,
        ..kind("download_button", "download_button", 3, DOWNLOAD, &[])
    },
    kind("checkbox", "checkbox", 1, CHECKBOX, &[]),
    kind("toggle", "toggle", 1, CHECKBOX, &[]),
    kind("radio", "radio", 2, RADIO, &[]),
    kind("selectbox", "selectbox", 2, SELECTBOX, SELECTBOX_KEYED),
    kind(
        "multiselect",
        "multiselect",
        2,
        MULTISELECT,
        MULTISELECT_KEYED,
    ),
    KindInfo {
        keep_value: true,
        ..kind("slider", "slider", 3, SLIDER, SLIDER_KEYED)
    },
    KindInfo {
        keep_value: true,
        ..kind("range_slider", "slider", 3, SLIDER, SLIDER_KEYED)
    },
    kind("select_slider", "select_slider", 2, SELECT_SLIDER, &[]),
    kind(
        "select_range_slider",
        "select_slider",
        2,
        SELECT_SLIDER,
        &[],
    ),
    kind("number_input", "number_input", 1, NUMBER_INPUT, &[]),
    kind("text_input", "text_input", 1, TEXT, TEXT_KEYED),
    kind("text_area", "text_area", 1, TEXT, TEXT_KEYED),
    kind("date_input", "date_input", 1, DATE, DATE_KEYED),
    kind("time_input", "time_input", 1, TIME, TIME_KEYED),
    kind("color_picker", "color_picker", 1, COLOR, &[]),
    kind("pills", "pills", 2, BUTTON_GROUP, BUTTON_GROUP_KEYED),
    kind(
        "segmented_control",
        "segmented_control",
        2,
        BUTTON_GROUP,
        BUTTON_GROUP_KEYED,
    ),
    kind("feedback", "feedback", 1, FEEDBACK, FEEDBACK_KEYED),
    kind(
        "datetime_input",
        "datetime_input",
        1,
        DATETIME,
        DATETIME_KEYED,
    ),
    KindInfo {
        persist: false,
        ..kind("tabs", "tabs", 1, TABS, TABS)
    },
    KindInfo {
        callback: "on_submit",
        persist: false,
        ..kind("chat_input", "chat_input", 1, CHAT, CHAT_KEYED)
    },
    KindInfo {
        persist: false,
        ..kind("expander", "expander", 1, EXPANDER, EXPANDER)
    },
    KindInfo {
        persist: false,
        ..kind("popover", "popover", 1, POPOVER, POPOVER)
    },
    // R39: no `persist` for uploads.
    KindInfo {
        persist: false,
        ..kind("file_uploader", "file_uploader", 1, FILE, FILE_KEYED)
    },
];

/// The widget builder method called `method`, if it is one.
pub fn by_method(method: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.method == method)
}

/// The methods that support an option, for error messages: "`slider` or `range_slider`".
pub fn methods_where(pred: impl Fn(&KindInfo) -> bool) -> String {
    let names: Vec<String> = KINDS
        .iter()
        .filter(|k| pred(k))
        .map(|k| format!("`{}`", k.method))
        .collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}
