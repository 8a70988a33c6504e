//! Every rule number cited in the code, the docs and the tests (`R12`, `A5`)
//! must be defined in the behaviour contract, `runtime/docs/behaviour.md`.
//!
//! This test reads the rules the contract defines from its headings
//! (`### R12. ...`), scans `runtime/src`, `runtime/docs`, `macros/src`,
//! `tests` and `README.md` for cited numbers, and fails listing each cited
//! number that the contract does not define, with where it is cited. It also
//! checks that each series of the contract (A, R) runs from 1 without gaps or
//! repeats. A citation is `R` or `A` followed by digits, with no letter or
//! digit just before it or just after the digits.
//!
//! The conformance recordings (`tests/conformance/data`) are scanned too:
//! their `"rules"` lists cite rule numbers, and nothing else in them looks
//! like one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The contract, relative to the workspace root.
const CONTRACT: &str = "runtime/docs/behaviour.md";

/// What is scanned for citations, relative to the workspace root.
const SCANNED: &[&str] = &[
    "runtime/src",
    "runtime/docs",
    "macros/src",
    "tests",
    "README.md",
];

/// Folders never scanned, wherever they are.
const SKIPPED_DIRS: &[&str] = &["target"];

/// A rule number: its series (`A` or `R`) and its number, as written.
#[derive(Clone, PartialEq, Eq, Debug)]
struct Rule {
    series: char,
    digits: String,
}

impl Rule {
    fn number(&self) -> Option<u32> {
        self.digits.parse().ok()
    }

    fn sort_key(&self) -> (char, usize, &str) {
        (self.series, self.digits.len(), &self.digits)
    }
}

impl Ord for Rule {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Rule {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.series, self.digits)
    }
}

/// The rule number that starts at byte `at` of `text`, if one does there,
/// with the byte just after it. The character before `at` is not checked.
fn rule_at(text: &str, at: usize) -> Option<(Rule, usize)> {
    let rest = &text[at..];
    let series = rest.chars().next().filter(|c| *c == 'R' || *c == 'A')?;
    let after_series = &rest[1..];
    let digits: String = after_series
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.is_empty() {
        return None;
    }
    let end = at + 1 + digits.len();
    if text[end..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    Some((Rule { series, digits }, end))
}

/// Every rule number cited in `text`, with its line (from 1).
fn cited(text: &str) -> Vec<(Rule, usize)> {
    let mut found = Vec::new();
    let mut line = 1;
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        if previous.is_none_or(|p| !p.is_alphanumeric()) {
            if let Some((rule, _)) = rule_at(text, at) {
                found.push((rule, line));
            }
        }
        if c == '\n' {
            line += 1;
        }
        previous = Some(c);
    }
    found
}

/// The rules a contract defines, from its headings (`### R12. Title`), each
/// with the lines of the contract that define it.
fn defined(contract: &str) -> BTreeMap<Rule, Vec<usize>> {
    let mut rules: BTreeMap<Rule, Vec<usize>> = BTreeMap::new();
    for (index, line) in contract.lines().enumerate() {
        if !line.starts_with('#') {
            continue;
        }
        let heading = line.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let heading = heading.trim_start();
        let offset = line.len() - heading.len();
        if let Some((rule, end)) = rule_at(line, offset) {
            if line[end..].starts_with('.') {
                rules.entry(rule).or_default().push(index + 1);
            }
        }
    }
    rules
}

/// Every file under `root/relative` (or that file), skipping [`SKIPPED_DIRS`].
fn files(root: &Path, relative: &str) -> Vec<PathBuf> {
    let start = root.join(relative);
    if start.is_file() {
        return vec![start];
    }
    let mut found = Vec::new();
    let mut dirs = vec![start];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                if !SKIPPED_DIRS.contains(&name.as_ref()) {
                    dirs.push(path);
                }
            } else if path.is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Every citation in the scanned files: rule, file (relative to `root`), line.
/// Files that are not UTF-8 text are passed over.
fn citations(root: &Path) -> Vec<(Rule, String, usize)> {
    let mut found = Vec::new();
    for relative in SCANNED {
        for path in files(root, relative) {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string();
            for (rule, line) in cited(&text) {
                found.push((rule, name.clone(), line));
            }
        }
    }
    found
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_contract() -> String {
    let path = root().join(CONTRACT);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the contract {}: {e}", path.display()))
}

#[test]
fn every_cited_rule_is_defined() {
    let defined = defined(&read_contract());
    assert!(!defined.is_empty(), "{CONTRACT} defines no rules");

    let mut undefined: BTreeMap<Rule, Vec<String>> = BTreeMap::new();
    let mut count = 0;
    for (rule, file, line) in citations(&root()) {
        count += 1;
        if !defined.contains_key(&rule) {
            undefined
                .entry(rule)
                .or_default()
                .push(format!("{file}:{line}"));
        }
    }
    assert!(
        count > 0,
        "no rule citations found: is the scan looking in the right place?"
    );

    let report: Vec<String> = undefined
        .iter()
        .map(|(rule, places)| {
            let shown: Vec<&str> = places.iter().take(5).map(String::as_str).collect();
            let more = places.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("  {rule}: {}{more}", shown.join(", "))
        })
        .collect();
    assert!(
        report.is_empty(),
        "these rule numbers are cited but {CONTRACT} does not define them \
         (add a `### R<n>. ...` heading, or fix the citation):\n{}",
        report.join("\n")
    );
}

#[test]
fn each_series_runs_from_one_without_gaps_or_repeats() {
    let defined = defined(&read_contract());
    let repeated: Vec<String> = defined
        .iter()
        .filter(|(_, lines)| lines.len() > 1)
        .map(|(rule, lines)| format!("{rule} (lines {lines:?})"))
        .collect();
    assert!(
        repeated.is_empty(),
        "{CONTRACT} defines these rules more than once: {repeated:?}"
    );

    for series in ['A', 'R'] {
        let numbers: BTreeSet<u32> = defined
            .keys()
            .filter(|r| r.series == series)
            .map(|r| {
                r.number()
                    .filter(|n| *n > 0 && r.digits == n.to_string())
                    .unwrap_or_else(|| panic!("{CONTRACT}: {r} is not a plain number from 1"))
            })
            .collect();
        let Some(&last) = numbers.last() else {
            panic!("{CONTRACT} defines no {series} rules");
        };
        let missing: Vec<String> = (1..=last)
            .filter(|n| !numbers.contains(n))
            .map(|n| format!("{series}{n}"))
            .collect();
        assert!(
            missing.is_empty(),
            "{CONTRACT} skips these {series} rules: {missing:?}"
        );
    }
}

#[test]
fn citations_are_found_only_at_word_boundaries() {
    let text = "R12, (A5) and R3.\nsee R10; not AR12, R12a, xR4, 0xA5, R or A_\nR46";
    let found: Vec<String> = cited(text)
        .into_iter()
        .map(|(rule, line)| format!("{rule}@{line}"))
        .collect();
    assert_eq!(found, ["R12@1", "A5@1", "R3@1", "R10@2", "R46@3"]);
}

#[test]
fn definitions_are_headings_that_start_with_the_number() {
    let contract = "# The contract\n\n### R12. A title\nR13. not a heading\n\
                    ## A1. Also a heading\n### See R14 for this\n#R15. no space\n";
    let rules: Vec<String> = defined(contract).keys().map(Rule::to_string).collect();
    assert_eq!(rules, ["A1", "R12"]);
}
