#!/usr/bin/env python3
"""(Re)generates fuzz/seeds/<target>/ from the inputs the repository's tests already use.

Every string literal of the Rust sources (plain, raw, byte; `concat!` groups joined;
`format!` strings with their placeholders filled in) and every `json!` body that is plain
JSON is a candidate; each target keeps those that look like its language, from the sources
of its own dialect. Forms On Fire also takes its testdata files and the XML and JSON samples
of its reference page; SSH keys also give their decoded blobs. Seeds are named by their content's SHA-1, so regenerating is stable;
each target's directory is rewritten whole.

Usage: scripts/fuzz-seeds.py   (from anywhere; paths are relative to the repository)
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
# A seed longer than the fuzzer's -max_len would be cut anyway.
MAX_LEN = 16384


# --- Rust string literals -------------------------------------------------------------

def _unescape(body: str) -> str | None:
    """The value of a non-raw Rust string literal's body, or None if it is malformed."""
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(body):
            return None
        e = body[i + 1]
        simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == "x":
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
        elif e == "u":
            end = body.index("}", i)
            out.append(chr(int(body[i + 3 : end], 16)))
            i = end + 1
        elif e == "\n":
            # A line continuation: the newline and the next line's leading whitespace go.
            i += 2
            while i < len(body) and body[i] in " \t\n\r":
                i += 1
        else:
            return None
    return "".join(out)


def literals(src: str) -> list[tuple[int, int, bytes]]:
    """(start, end, value) of every string literal in `src`, comments skipped; a byte
    string's `\\xNN` is that byte."""
    found = []
    i, n = 0, len(src)
    while i < n:
        if src.startswith("//", i):
            i = src.find("\n", i)
            i = n if i < 0 else i
            continue
        if src.startswith("/*", i):
            end = src.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        m = re.compile(r"b?r(#*)\"").match(src, i)
        if m and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            close = '"' + m.group(1)
            end = src.find(close, m.end())
            if end < 0:
                break
            found.append((i, end + len(close), src[m.end() : end].encode("utf-8")))
            i = end + len(close)
            continue
        if src[i] == "'":
            # A char literal ('"', '\'', '\u{..}'), else a lifetime.
            m = re.compile(r"'(\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'\n])'").match(src, i)
            i = m.end() if m else i + 1
            continue
        if src[i] == '"' or (src[i] == "b" and src.startswith('b"', i)):
            start, is_bytes = i, src[i] == "b"
            i += 2 if is_bytes else 1
            body_start = i
            while i < n and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
            value = _unescape(src[body_start:i])
            i += 1
            if value is not None:
                found.append((start, i, value.encode("latin-1" if is_bytes else "utf-8")))
            continue
        i += 1
    return found


def _fill(fmt: str, today: str) -> str:
    """A `format!` string with every placeholder given a plausible value."""
    def value(m: re.Match[str]) -> str:
        name = m.group(1).split(":")[0]
        return today if name in ("today", "date") else "1"

    out = re.sub(r"(?<!\{)\{([A-Za-z_0-9.]*(?::[^{}]*)?)\}(?!\})", value, fmt)
    return out.replace("{{", "{").replace("}}", "}")


def strings(src: str) -> list[bytes]:
    """Every string value `src` spells: literals, `concat!` groups and filled-in formats."""
    lits = literals(src)
    out = []
    taken: set[int] = set()
    for m in re.finditer(r"concat!\s*\(", src):
        group = [lit for lit in lits if lit[0] > m.start()]
        joined, pos = [], m.end()
        for start, end, value in group:
            between = src[pos:start]
            if re.sub(r"//[^\n]*", "", between).strip(" \t\r\n,") != "":
                break
            joined.append(value)
            taken.add(start)
            pos = end
        if joined:
            out.append(b"".join(joined))
    for start, _end, value in lits:
        if start in taken:
            continue
        before = src[max(0, start - 40) : start]
        if re.search(r"(format|write|writeln|panic|assert\w*)!\s*\([^()\"]*$", before):
            value = _fill(value.decode("utf-8"), "2026-01-15").encode("utf-8")
        out.append(value)
    return out


def json_bodies(src: str) -> list[bytes]:
    """The `json!({...})` bodies that are plain JSON (no Rust expressions inside)."""
    out = []
    for m in re.finditer(r"json!\s*\(\s*\{", src):
        depth, i = 0, m.end() - 1
        while i < len(src):
            if src[i] == "{":
                depth += 1
            elif src[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        text = src[m.end() - 1 : i + 1]
        try:
            value = json.loads(text)
        except ValueError:
            continue
        out.append(json.dumps(value, ensure_ascii=False).encode("utf-8"))
    return out


# --- per target -----------------------------------------------------------------------

def rust_files(*globs: str) -> list[Path]:
    files: set[Path] = set()
    for g in globs:
        files.update(p for p in ROOT.glob(g) if p.is_file())
    return sorted(files)


def from_rust(globs: tuple[str, ...]) -> list[bytes]:
    out = []
    for path in rust_files(*globs):
        src = path.read_text(encoding="utf-8")
        out.extend(strings(src))
        out.extend(json_bodies(src))
    return out


def doc_blocks(path: Path, lang: str) -> list[bytes]:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return [b.encode("utf-8") for b in re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)]


# A condition starts with a group, NOT, or a field followed by an operator.
CEQL = re.compile(
    r"^\s*(\(|not\b|`|[A-Za-z_][\w.]*(\s*(=|!=|<>|<|>)|\s+(like|in|is|not)\b))",
    re.IGNORECASE,
)
# A filter has an attribute path followed by an operator.
SCIM_FILTER = re.compile(
    r"[A-Za-z$][\w$.:-]*(\[[^\]]*\])?(\.[\w$-]+)?\s+((eq|ne|co|sw|ew|gt|ge|lt|le)\s|pr\b)",
    re.IGNORECASE,
)
# A PATCH path with more than a bare name: a sub-attribute, a value filter or a schema URN.
SCIM_PATH = re.compile(
    r"^(urn:[A-Za-z0-9:.\-]+:)?[A-Za-z$][\w$-]*(\.[A-Za-z$][\w$-]*)?(\[.+\])?(\.[\w$-]+)?$"
)
KEY_TYPES = (b"ssh-rsa ", b"ssh-ed25519 ", b"ecdsa-sha2-nistp256 ", b"ecdsa-sha2-nistp384 ", b"ssh-dss ")


def text(b: bytes) -> str:
    return b.decode("utf-8", errors="replace")


def ceql() -> list[bytes]:
    found = from_rust((
        "crates/gateway/src/dialects/elements/**/*.rs",
        "tests/api/elements/*.rs",
        "tests/api/support/elements.rs",
    ))
    return [s for s in found if CEQL.match(text(s)) and b"\n" not in s and len(s) < 2000]


def scim_filter() -> list[bytes]:
    found = from_rust((
        "crates/gateway/src/dialects/scim/**/*.rs",
        "tests/api/scim/*.rs",
        "tests/api/support/scim.rs",
    ))
    keep = []
    for b in found:
        s = text(b)
        if "\n" in s or len(s) > 2000:
            continue
        path = SCIM_PATH.match(s) and any(c in s for c in ".[") and "://" not in s
        if SCIM_FILTER.search(s) or path or s.startswith("urn:ietf:params:scim:schemas:"):
            keep.append(b)
    return keep


def formsonfire_xml() -> list[bytes]:
    found = from_rust((
        "crates/gateway/src/dialects/formsonfire/*.rs",
        "tests/api/formsonfire/*.rs",
        "tests/api/support/formsonfire/*.rs",
    ))
    keep = [s for s in found if re.search(rb"<[A-Za-z?!]", s) and b">" in s]
    testdata = ROOT / "crates/gateway/src/dialects/formsonfire/testdata"
    keep += [p.read_bytes() for p in sorted(testdata.glob("*.xml"))]
    keep += doc_blocks(ROOT / "docs/dialects/formsonfire.md", "xml")
    return keep


def formsonfire_json() -> list[bytes]:
    found = from_rust((
        "crates/gateway/src/dialects/formsonfire/*.rs",
        "tests/api/formsonfire/*.rs",
        "tests/api/support/formsonfire/*.rs",
    ))
    testdata = ROOT / "crates/gateway/src/dialects/formsonfire/testdata"
    found += [p.read_bytes() for p in sorted(testdata.glob("*.json"))]
    found += doc_blocks(ROOT / "docs/dialects/formsonfire.md", "json")
    keep = []
    for s in found:
        try:
            if isinstance(json.loads(s), dict):
                keep.append(s)
        except ValueError:
            continue
    return keep


def httpsig_header() -> list[bytes]:
    found = from_rust(("crates/**/*.rs", "tests/**/*.rs"))
    return [s for s in found if re.match(rb"\s*signature\s", s, re.IGNORECASE) or b"keyId=" in s]


def ssh_key() -> list[bytes]:
    """Key lines, and their blobs alone: the target also reads its input as a raw blob."""
    found = from_rust(("crates/**/*.rs", "tests/**/*.rs"))
    lines = [s for s in found if s.startswith(KEY_TYPES)]
    blobs = []
    for line in lines:
        parts = line.split()
        try:
            blobs.append(base64.b64decode(parts[1], validate=True))
        except (IndexError, ValueError):
            continue
    return lines + blobs


TARGETS = {
    "ceql": ceql,
    "scim_filter": scim_filter,
    "formsonfire_xml": formsonfire_xml,
    "formsonfire_json": formsonfire_json,
    "httpsig_header": httpsig_header,
    "ssh_key": ssh_key,
}


def main() -> int:
    for name, collect in TARGETS.items():
        seeds = {s for s in collect() if 0 < len(s) <= MAX_LEN}
        if not seeds:
            print(f"{name}: no seeds found", file=sys.stderr)
            return 1
        out = SEEDS / name
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        for s in seeds:
            (out / hashlib.sha1(s).hexdigest()).write_bytes(s)
        print(f"{name}: {len(seeds)} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
