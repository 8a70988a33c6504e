//! The runtime's modules form a stack, lowest first; a module may use only
//! those below it (or beside it, at the same height). This test reads the
//! sources and fails on an import that goes up the stack.
//!
//! The stack, with what each layer is for, is `runtime/ARCHITECTURE.md`.

use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module of `runtime/src` and its height in the stack.
const STACK: &[(&str, u8)] = &[
    ("error", 0),
    ("identity", 0),
    ("cancel", 0),
    ("task_record", 1),
    ("params", 1),
    ("elements", 2),
    ("session_state", 3),
    ("ui", 4),
    ("fragment", 4),
    ("register", 5),
    ("widgets", 6),
    ("display", 6),
    ("live", 6),
    ("pages", 7),
    ("cleanup", 8),
    ("session", 8),
    ("run", 8),
    ("task", 8),
    ("chart", 9),
    ("wire", 9),
    ("render", 10),
    ("store", 11),
    ("server", 12),
    ("testing", 13),
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
    assert!(
        found.is_empty(),
        "these modules use modules above them in the stack: {found:?}"
    );
}

/// A new module must take its place in the stack (and in
/// `runtime/ARCHITECTURE.md`) before it can pass the check above.
#[test]
fn every_module_has_a_place_in_the_stack() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/src");
    let mut unplaced = Vec::new();
    for entry in std::fs::read_dir(&src).expect("runtime/src") {
        let path = entry.expect("an entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let module = name.trim_end_matches(".rs");
        if module != "lib" && height(module).is_none() {
            unplaced.push(module.to_owned());
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules without a place in STACK: {unplaced:?}"
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
