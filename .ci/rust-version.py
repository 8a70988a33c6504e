#!/usr/bin/env python3
"""Checks that the workspace's `rust-version` is true without fetching a
toolchain: every workspace package inherits it, and no package in
Cargo.lock declares a higher one."""
import json
import subprocess
import sys


def version(text):
    return tuple(int(p) for p in text.split(".")[:3]) + (0,) * (3 - len(text.split(".")[:3]))


meta = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
members = set(meta["workspace_members"])
ours = [p for p in meta["packages"] if p["id"] in members]
declared = {p["rust_version"] for p in ours}
if len(declared) != 1 or None in declared:
    sys.exit(f"every workspace package must inherit one rust-version; found {sorted(map(str, declared))}")
workspace = declared.pop()
higher = [
    (p["name"], p["version"], p["rust_version"])
    for p in meta["packages"]
    if p["id"] not in members and p.get("rust_version") and version(p["rust_version"]) > version(workspace)
]
if higher:
    for name, v, rv in higher:
        print(f"{name} {v} needs rust {rv}", file=sys.stderr)
    sys.exit(f"the workspace's rust-version {workspace} is lower than its dependencies need")
needed = max(
    (p["rust_version"] for p in meta["packages"] if p.get("rust_version")),
    key=version,
)
print(f"rust-version {workspace}: every package inherits it; the highest any locked dependency needs is {needed}")
