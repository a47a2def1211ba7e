#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks docs/dbus-api.md against io.pinbus1.xml, the API's single source, and the XML's own comments.

    check-dbus-api.py daemon/bus/io.pinbus1.xml docs/dbus-api.md

Prints every problem as file:line: message and exits 1 if there is any (0 otherwise). No bus needed.

What the document must look like (what the XML defines, the document must define the same way):
- one `## io.pinbus1.<Name>` section per interface of the XML, and none for another;
- in it, a `### Properties` subsection with a table headed `| Name | Type | Access | Meaning |`,
  one row per property: `` `Name` ``, `` `type` ``, and the access: `const`, `emits` (a change is
  sent with the value), `read` (no change signal), `invalidates` — the XML's EmitsChangedSignal
  const, true, false, invalidates;
- each method defined once under `### Methods` as **`Name(type arg, ...) -> (type arg, ...)`**
  (no arrow when nothing is returned), each signal under `### Signals` as **`Name(type arg, ...)`**,
  with the XML's argument names, types and order. A bold code span that looks like a call
  anywhere else in an interface section is an error: it would be a definition the check skips;
- anywhere in the document, a member named with its interface (`Manager.FindLine`,
  `io.pinbus1.Sensor.Read()`) must exist, and every `io.pinbus1.<Name>` must be an interface of
  the XML (or `io.pinbus1.Error.*`).
What the XML must look like: every interface, method, signal and property is preceded by a gtk-doc
comment ("Name:" first, as gdbus-codegen reads them) with an "@arg:" line for each of its arguments
and none for an argument it lacks; every property states its EmitsChangedSignal; a name ending in
Us/_us is documented in µs and one ending in _ns in ns.
"""

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pbharness import xml as dbus_xml  # noqa: E402

ACCESS_OF_EMITS = {"const": "const", "true": "emits", "false": "read", "invalidates": "invalidates"}
PROPERTY_HEADER = ["Name", "Type", "Access", "Meaning"]
BOLD_CODE = re.compile(r"\*\*`([^`]*)`\*\*")
CALL_LIKE = re.compile(r"^[A-Za-z_]\w*\(")
BASIC_TYPES = set("ybnqiuxtdhsogv")


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, message):
        self.items.append(f"{where}: {message}")


# --- D-Bus signatures ----------------------------------------------------------

def complete_type_end(sig, i):
    """Index just after the single complete type starting at sig[i], or -1."""
    if i >= len(sig):
        return -1
    c = sig[i]
    if c in BASIC_TYPES:
        return i + 1
    if c == "a":
        if sig.startswith("{", i + 1):
            key = complete_type_end(sig, i + 2)
            if key < 0 or sig[i + 2] not in BASIC_TYPES or sig[i + 2] == "v":
                return -1
            value = complete_type_end(sig, key)
            return value + 1 if value > 0 and sig.startswith("}", value) else -1
        return complete_type_end(sig, i + 1)
    if c == "(":
        j = i + 1
        while j < len(sig) and sig[j] != ")":
            j = complete_type_end(sig, j)
            if j < 0:
                return -1
        return j + 1 if j < len(sig) and j > i + 1 else -1
    return -1


def single_complete_type(sig):
    return bool(sig) and complete_type_end(sig, 0) == len(sig)


# --- the document ----------------------------------------------------------------

def split_top_level(text):
    """Splits "a{sv} settings, s spec" at the commas outside brackets."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "({":
            depth += 1
        elif c in ")}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def closing_paren(text, start):
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def parse_args(text, direction, where, problems):
    args = []
    for part in split_top_level(text):
        fields = part.split()
        if len(fields) != 2 or not single_complete_type(fields[0]) or not re.fullmatch(r"\w+", fields[1]):
            problems.add(where, f"argument {part!r} is not `<D-Bus type> <name>`")
            return None
        args.append((fields[1], fields[0], direction))
    return args


def parse_definition(span, where, problems):
    """(name, args) of "Name(t a, u b) -> (o c)", or None (with a problem) when it does not parse."""
    name = span[:span.index("(")]
    close = closing_paren(span, len(name))
    if close < 0:
        problems.add(where, f"unbalanced parentheses in {span!r}")
        return None
    args = parse_args(span[len(name) + 1:close], "in", where, problems)
    rest = span[close + 1:].strip()
    if rest:
        m = re.fullmatch(r"->\s*\((.*)\)", rest)
        if not m:
            problems.add(where, f"after the arguments of {name} comes `-> (<type> <name>, ...)` or nothing, "
                                f"not {rest!r}")
            return None
        out = parse_args(m.group(1), "out", where, problems)
        if out == []:
            problems.add(where, f"{name}: `->` with no results")
        if not out:
            return None
        args = None if args is None else args + out
    return None if args is None else (name, tuple(args))


def parse_doc(lines, path, problems):
    """{interface: {"line": n, "properties": {...}, "methods": {...}, "signals": {...}}} of the document."""
    doc = {}
    current = None  # the interface section we are in
    sub = None
    table_header = None
    paragraph = []  # (line number, text) of the paragraph being read

    def flush():
        if current is None or not paragraph:
            paragraph.clear()
            return
        text = " ".join(t for _, t in paragraph)
        where = f"{path}:{paragraph[0][0]}"
        for span in BOLD_CODE.findall(text):
            if not CALL_LIKE.match(span):
                continue
            kind = {"Methods": "methods", "Signals": "signals"}.get(sub)
            if kind is None:
                problems.add(where, f"**`{span}`** looks like a member definition outside a `### Methods` "
                                    f"or `### Signals` subsection of {current}")
                continue
            parsed = parse_definition(span, where, problems)
            if parsed is None:
                continue
            name, args = parsed
            if kind == "signals":
                if any(d == "out" for _, _, d in args):
                    problems.add(where, f"signal {name} cannot return anything")
                    continue
                args = tuple((a, t, "out") for a, t, _ in args)
            if name in doc[current][kind]:
                problems.add(where, f"{current}: {kind[:-1]} {name} defined twice (also at line "
                                    f"{doc[current][kind][name][1]})")
                continue
            doc[current][kind][name] = (args, paragraph[0][0])
        paragraph.clear()

    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        if line.startswith("## ") or line.startswith("### ") or not line.strip():
            flush()
        if line.startswith("## "):
            title = line[3:].strip()
            current = title if title.startswith("io.pinbus1.") else None
            sub = None
            table_header = None
            if current:
                if current in doc:
                    problems.add(f"{path}:{n}", f"a second section for {current}")
                doc[current] = {"line": n, "properties": {}, "methods": {}, "signals": {}}
            continue
        if line.startswith("### "):
            sub = line[4:].strip()
            table_header = None
            continue
        if current is None:
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if table_header is None:
                table_header = cells
                if cells == PROPERTY_HEADER and sub != "Properties":
                    problems.add(f"{path}:{n}", f"a property table outside `### Properties` in {current}")
            elif table_header == PROPERTY_HEADER and not set(line) <= set("|-: "):
                where = f"{path}:{n}"
                if len(cells) < 4 or not all(re.fullmatch(r"`[^`]*`", c) for c in cells[:2]):
                    problems.add(where, "a property row is | `Name` | `type` | access | meaning |")
                    continue
                name, sig, access = cells[0].strip("`"), cells[1].strip("`"), cells[2]
                if name in doc[current]["properties"]:
                    problems.add(where, f"{current}: property {name} listed twice")
                    continue
                doc[current]["properties"][name] = (sig, access, n)
            continue
        table_header = None
        if line.strip():
            paragraph.append((n, line.strip()))
    flush()
    return doc


def check_doc(api, text, path, problems):
    lines = text.splitlines()
    doc = parse_doc(lines, path, problems)
    for iname in sorted(api.keys() - doc.keys()):
        problems.add(path, f"no `## {iname}` section for interface {iname}")
    for iname in sorted(doc.keys() - api.keys()):
        problems.add(f"{path}:{doc[iname]['line']}", f"section for {iname}, which the XML does not define")
    for iname in sorted(api.keys() & doc.keys()):
        iface, d = api[iname], doc[iname]
        here = f"{path}:{d['line']}"
        for name in sorted(iface.properties.keys() - d["properties"].keys()):
            problems.add(here, f"{iname}: property {name} is not in the section's property table")
        for name in sorted(d["properties"].keys() - iface.properties.keys()):
            problems.add(f"{path}:{d['properties'][name][2]}", f"{iname}: the XML has no property {name}")
        for name in sorted(iface.properties.keys() & d["properties"].keys()):
            p, (sig, access, n) = iface.properties[name], d["properties"][name]
            want = ACCESS_OF_EMITS[p.annotations[dbus_xml.EMITS_CHANGED]]
            if sig != p.type:
                problems.add(f"{path}:{n}", f"{iname}.{name}: type `{sig}` here, `{p.type}` in the XML")
            if access != want:
                problems.add(f"{path}:{n}", f"{iname}.{name}: access {access!r} here, {want!r} in the XML "
                                            f"(EmitsChangedSignal {p.annotations[dbus_xml.EMITS_CHANGED]})")
        for kind, one in (("methods", "method"), ("signals", "signal")):
            xml_members, doc_members = getattr(iface, kind), d[kind]
            for name in sorted(xml_members.keys() - doc_members.keys()):
                problems.add(here, f"{iname}: {one} {name} is not defined under `### {kind.title()}`")
            for name in sorted(doc_members.keys() - xml_members.keys()):
                problems.add(f"{path}:{doc_members[name][1]}", f"{iname}: the XML has no {one} {name}")
            for name in sorted(xml_members.keys() & doc_members.keys()):
                args, n = doc_members[name]
                if args != xml_members[name].args:
                    problems.add(f"{path}:{n}", f"{iname}.{name}: arguments "
                                                f"{describe(args)} here, {describe(xml_members[name].args)} "
                                                "in the XML")
    check_references(api, lines, path, problems)


def describe(args):
    ins = ", ".join(f"{t} {n}" for n, t, d in args if d == "in")
    outs = ", ".join(f"{t} {n}" for n, t, d in args if d == "out")
    return f"({ins})" + (f" -> ({outs})" if outs else "")


def check_references(api, lines, path, problems):
    short = {name.rsplit(".", 1)[1]: name for name in api}
    qualified = re.compile(r"(?<![\w.])(?:io\.pinbus1\.)?(" + "|".join(map(re.escape, short)) + r")\.([A-Z]\w*)")
    for n, line in enumerate(lines, 1):
        for m in re.finditer(r"io\.pinbus1\.([A-Z]\w*)", line):
            if f"io.pinbus1.{m.group(1)}" not in api and m.group(1) != "Error":
                problems.add(f"{path}:{n}", f"io.pinbus1.{m.group(1)} is no interface of the XML")
        for m in qualified.finditer(line):
            iface = api[short[m.group(1)]]
            member = m.group(2)
            if member not in iface.methods and member not in iface.signals and member not in iface.properties:
                problems.add(f"{path}:{n}", f"{m.group(0)}: {iface.name} has no member {member}")


# --- the XML's comments ------------------------------------------------------------

def check_xml_comments(text, path, problems):
    root = dbus_xml.parse_tree(text, comments=True)

    def documented(parent, element, label, args=()):
        children = list(parent)
        i = children.index(element)
        comment = children[i - 1] if i > 0 and children[i - 1].tag is dbus_xml.ET.Comment else None
        if comment is None:
            problems.add(path, f"{label} has no comment before it")
            return
        body = comment.text.strip().splitlines()
        want = element.get("name") + ":"
        if not body or body[0].strip() != want:
            problems.add(path, f"{label}: its comment starts with {body[0].strip() if body else ''!r}, "
                               f"not {want!r}")
        documented_args = re.findall(r"^\s*@(\w+):", comment.text, re.M)
        for a in args:
            if a not in documented_args:
                problems.add(path, f"{label}: argument {a} has no '@{a}:' line")
        for a in documented_args:
            if a not in args and a != "short_description":
                problems.add(path, f"{label}: '@{a}:' documents no argument of it")
        for name in [element.get("name")] + list(args):
            if re.search(r"(Us|_us)$", name) and "µs" not in comment.text:
                problems.add(path, f"{label}: {name} is in µs, and its comment does not say so")
            if name.endswith("_ns") and not re.search(r"\bns\b", comment.text):
                problems.add(path, f"{label}: {name} is in ns, and its comment does not say so")

    for iface in root.findall("interface"):
        iname = iface.get("name")
        documented(root, iface, f"interface {iname}")
        for kind in ("method", "signal", "property"):
            for m in iface.findall(kind):
                label = f"{iname}.{m.get('name')} ({kind})"
                documented(iface, m, label, tuple(a.get("name") for a in m.findall("arg")))
                if kind != "property":
                    for a in m.findall("arg"):
                        if not a.get("name"):
                            problems.add(path, f"{label}: an argument without a name")
                        if not single_complete_type(a.get("type", "")):
                            problems.add(path, f"{label}: {a.get('type')!r} is not one complete D-Bus type")
                else:
                    if m.get("access") != "read":
                        problems.add(path, f"{label}: access {m.get('access')!r}; pinbus properties are read-only")
                    if not any(a.get("name") == dbus_xml.EMITS_CHANGED for a in m.findall("annotation")):
                        problems.add(path, f"{label}: no {dbus_xml.EMITS_CHANGED} annotation")


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} io.pinbus1.xml dbus-api.md", file=sys.stderr)
        return 2
    xml_path, doc_path = argv[1], argv[2]
    problems = Problems()
    with open(xml_path, encoding="utf-8") as f:
        xml_text = f.read()
    with open(doc_path, encoding="utf-8") as f:
        doc_text = f.read()
    try:
        api = dbus_xml.interfaces(xml_text)
        check_xml_comments(xml_text, xml_path, problems)
    except dbus_xml.XmlError as e:
        print(f"{xml_path}: {e}", file=sys.stderr)
        return 1
    if not api:
        problems.add(xml_path, "defines no io.pinbus1 interface")
    check_doc(api, doc_text, doc_path, problems)
    for p in problems.items:
        print(p, file=sys.stderr)
    if problems.items:
        print(f"{len(problems.items)} problem(s): {doc_path} and {xml_path} must agree (see {argv[0]})",
              file=sys.stderr)
        return 1
    n = sum(len(i.methods) + len(i.signals) + len(i.properties) for i in api.values())
    print(f"{doc_path} agrees with {xml_path}: {len(api)} interfaces, {n} members")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
