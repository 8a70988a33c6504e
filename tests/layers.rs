//! The runtime's modules form a stack, lowest first; a module may use only
//! those below it (or beside it, at the same height). This test reads the
//! sources and fails on an import that goes up the stack.
//!
//! The imports that still go up are listed in [`KNOWN_UPWARD`]; each is to
//! go as the structure is straightened. The list only shrinks: a new upward
//! import fails, and so does a listed one that is gone (take it off).

use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module of `runtime/src` and its height in the stack.
const STACK: &[(&str, u8)] = &[
    ("error", 0),
    ("identity", 0),
    ("params", 1),
    ("elements", 2),
    ("session_state", 3),
    ("run", 4),
    ("fragment", 4),
    ("widgets", 5),
    ("display", 5),
    ("pages", 6),
    ("cleanup", 7),
    ("session", 7),
    ("chart", 8),
    ("wire", 8),
    ("render", 9),
    ("store", 11),
    ("server", 12),
    ("testing", 13),
];

/// Upward imports that are still there: (module, the higher one it uses).
const KNOWN_UPWARD: &[(&str, &str)] = &[
    // `Callback` and `Common` live in `widgets`.
    ("run", "widgets"),
    // `Ui::run_page` and the page registry.
    ("run", "pages"),
];

fn height(module: &str) -> Option<u8> {
    STACK.iter().find(|(m, _)| *m == module).map(|(_, h)| *h)
}

/// The upward imports in the source of top-level module `module`: the
/// `crate::NAME` paths outside comments and outside its tests.
fn upward_in(module: &str, source: &str) -> BTreeSet<(String, String)> {
    let Some(own) = height(module) else {
        return BTreeSet::new();
    };
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (at, _) in line.match_indices("crate::") {
            let rest = &line[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if height(&name).is_some_and(|h| h > own) {
                found.insert((module.to_owned(), name));
            }
        }
    }
    found
}

/// Every upward import under `src`.
fn upward(src: &Path) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src");
            let first = relative.components().next().expect("a component");
            let module = first.as_os_str().to_string_lossy();
            let module = module.trim_end_matches(".rs");
            let source = std::fs::read_to_string(&path).expect("a source file");
            found.extend(upward_in(module, &source));
        }
    }
    found
}

#[test]
fn no_module_uses_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
    let found = upward(&src);
    let known: BTreeSet<(String, String)> = KNOWN_UPWARD
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let new: Vec<_> = found.difference(&known).collect();
    assert!(
        new.is_empty(),
        "these modules use modules above them in the stack: {new:?}"
    );
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        gone.is_empty(),
        "these upward imports are gone: take them off KNOWN_UPWARD: {gone:?}"
    );
}

#[test]
fn a_planted_upward_import_is_found() {
    let planted = "use crate::identity::WidgetId;\nuse crate::server::ServeConfig;\n";
    let found = upward_in("elements", planted);
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        [("elements".to_owned(), "server".to_owned())]
    );
    // Comments and tests do not count.
    let quiet = "// see crate::server\n#[cfg(test)]\nmod tests { use crate::testing::AppTest; }";
    assert!(upward_in("elements", quiet).is_empty());
}
