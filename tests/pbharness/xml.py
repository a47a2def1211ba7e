# SPDX-License-Identifier: LGPL-2.1-or-later
"""D-Bus introspection XML as plain data, for comparing io.pinbus1.xml with a live daemon or the docs.

Used by tests/check-dbus-api.py (the XML against docs/dbus-api.md) and by
tests/bus/test_introspection.py (the XML against pinbusd's Introspect replies). Standard library only.

interfaces(text) returns {interface name: Interface} for the interfaces whose name starts with
`prefix` (the org.freedesktop.DBus.* ones are the bus library's, not pinbus's API). In an Interface:
  annotations  {name: value}
  methods      {name: Member(args=((name, type, direction), ...), annotations={...})}
  signals      {name: Member(args=((name, type, "out"), ...), annotations={...})}
  properties   {name: Property(type, access, annotations={...})}
Normalised so that what means the same compares equal: a method argument without a direction is
"in" (the introspection format's default), a signal argument is "out", and every property carries
its effective org.freedesktop.DBus.Property.EmitsChangedSignal (its own annotation, else its
interface's, else "true", as the specification says) whether the XML writes it or not: sd-bus writes
none for a property that emits changes. Documentation annotations (org.gtk.GDBus.DocString*) are
left out: they are prose, and sd-bus has no way to send them. Anything else, an annotation included,
counts.
"""

import collections
import xml.etree.ElementTree as ET

EMITS_CHANGED = "org.freedesktop.DBus.Property.EmitsChangedSignal"
EMITS_CHANGED_VALUES = ("true", "invalidates", "const", "false")
DOC_ANNOTATION = "org.gtk.GDBus.DocString"

Interface = collections.namedtuple("Interface", "name annotations methods signals properties")
Member = collections.namedtuple("Member", "name args annotations")
Property = collections.namedtuple("Property", "name type access annotations")


class XmlError(ValueError):
    pass


def parse_tree(text, comments=False):
    """The root <node> element; with comments=True, XML comments are kept as elements."""
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=comments))
    try:
        return ET.fromstring(text, parser=parser)
    except ET.ParseError as e:
        raise XmlError(f"not well-formed XML: {e}") from None


def _annotations(element, where):
    out = {}
    for a in element.findall("annotation"):
        name, value = a.get("name"), a.get("value")
        if not name or value is None:
            raise XmlError(f"{where}: an annotation needs a name and a value")
        if name in out:
            raise XmlError(f"{where}: annotation {name} given twice")
        if not name.startswith(DOC_ANNOTATION):
            out[name] = value
    return out


def _args(element, where, default_direction):
    args = []
    for a in element.findall("arg"):
        name, sig = a.get("name"), a.get("type")
        direction = a.get("direction", default_direction)
        if not sig:
            raise XmlError(f"{where}: an argument without a type")
        if default_direction == "out" and direction != "out":
            raise XmlError(f"{where}: a signal argument's direction can only be out, not {direction}")
        if direction not in ("in", "out"):
            raise XmlError(f"{where}: argument {name} has direction {direction!r}")
        args.append((name, sig, direction))
    return tuple(args)


def _add(table, name, value, where):
    if not name:
        raise XmlError(f"{where}: a member without a name")
    if name in table:
        raise XmlError(f"{where}: {name} defined twice")
    table[name] = value


def interfaces(text, prefix="io.pinbus1."):
    out = {}
    for iface in parse_tree(text).findall("interface"):
        iname = iface.get("name", "")
        if not iname.startswith(prefix):
            continue
        if iname in out:
            raise XmlError(f"interface {iname} defined twice")
        annotations = _annotations(iface, iname)
        default_emits = annotations.get(EMITS_CHANGED, "true")
        methods, signals, properties = {}, {}, {}
        for m in iface.findall("method"):
            where = f"{iname}.{m.get('name')}()"
            _add(methods, m.get("name"), Member(m.get("name"), _args(m, where, "in"), _annotations(m, where)),
                 iname)
        for s in iface.findall("signal"):
            where = f"{iname}.{s.get('name')} signal"
            _add(signals, s.get("name"), Member(s.get("name"), _args(s, where, "out"), _annotations(s, where)),
                 iname)
        for p in iface.findall("property"):
            where = f"{iname}.{p.get('name')} property"
            ann = _annotations(p, where)
            ann.setdefault(EMITS_CHANGED, default_emits)
            if ann[EMITS_CHANGED] not in EMITS_CHANGED_VALUES:
                raise XmlError(f"{where}: {EMITS_CHANGED} is {ann[EMITS_CHANGED]!r}, not one of "
                               + ", ".join(EMITS_CHANGED_VALUES))
            _add(properties, p.get("name"), Property(p.get("name"), p.get("type"), p.get("access"), ann), iname)
        out[iname] = Interface(iname, annotations, methods, signals, properties)
    return out


def _describe_args(args):
    return "(" + ", ".join(f"{d} {t} {n}" for n, t, d in args) + ")"


def differences(expected, actual, expected_name="the XML", actual_name="the daemon"):
    """Every way the Interface `actual` differs from `expected`, one sentence each ([] when equal)."""
    diffs = []
    iname = expected.name
    if expected.annotations != actual.annotations:
        diffs.append(f"{iname}: annotations {expected.annotations} in {expected_name}, "
                     f"{actual.annotations} in {actual_name}")
    for kind, one in (("methods", "method"), ("signals", "signal"), ("properties", "property")):
        exp, act = getattr(expected, kind), getattr(actual, kind)
        for name in sorted(exp.keys() - act.keys()):
            diffs.append(f"{iname}: {one} {name} is in {expected_name} but not in {actual_name}")
        for name in sorted(act.keys() - exp.keys()):
            diffs.append(f"{iname}: {one} {name} is in {actual_name} but not in {expected_name}")
        for name in sorted(exp.keys() & act.keys()):
            e, a = exp[name], act[name]
            what = f"{iname}: {one} {name}"
            if kind == "properties":
                for field in ("type", "access"):
                    if getattr(e, field) != getattr(a, field):
                        diffs.append(f"{what}: {field} {getattr(e, field)!r} in {expected_name}, "
                                     f"{getattr(a, field)!r} in {actual_name}")
            elif e.args != a.args:
                diffs.append(f"{what}: arguments {_describe_args(e.args)} in {expected_name}, "
                             f"{_describe_args(a.args)} in {actual_name}")
            if e.annotations != a.annotations:
                diffs.append(f"{what}: annotations {e.annotations} in {expected_name}, "
                             f"{a.annotations} in {actual_name}")
    return diffs


def signature(args, direction=None):
    """The D-Bus signature of args (those of one direction, if given)."""
    return "".join(t for _, t, d in args if direction is None or d == direction)
