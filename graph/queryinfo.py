"""What a query needs, said before it runs: the named queries' parameters, a query's missing prefixes.

Each ``ontology/queries/*.rq`` opens with a comment header (what it answers, its parameters, an
example); ``query --list`` and :func:`clausegraph.named_queries` read it from there, so the
documentation and the list cannot drift apart. The header's parameter lines look like::

    # Parameters:
    #   ?doc    required document id
    #   ?label  required citation label, e.g. "8(c)"
    #   ?doc    optional document id;  ?modality  optional modality

A parameter is required when its description starts with "required".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARAMETER = re.compile(r"\?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<text>.*?)\s*(?=;\s+\?|$)")


@dataclass(frozen=True)
class Parameter:
    name: str
    required: bool
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str  # the header's first paragraph, in one line
    parameters: tuple[Parameter, ...]
    example: str | None

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters if p.required)


def named_queries() -> list[NamedQuery]:
    """Every named query of ``ontology/queries/``, by name."""
    from .store import load_query, query_names

    return [describe(name, load_query(name)) for name in query_names()]


def describe(name: str, text: str) -> NamedQuery:
    """The description, parameters and example in the comment header of a query ``text``."""
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line[1:].rstrip())
    description, parameters, example, section = [], [], None, "description"
    for line in header:
        stripped = line.strip()
        if stripped.lower().startswith("parameters"):
            section = "parameters"
            _, _, rest = stripped.partition(":")
            all_optional = "optional" in stripped.partition(":")[0].lower()
            if rest.strip() and not rest.strip().lower().startswith("none"):
                parameters += _parameters(rest, all_optional)
            continue
        if stripped.lower().startswith("example"):
            section = "example"
            continue
        if section == "description" and stripped:
            description.append(stripped)
        elif section == "parameters" and stripped:
            if stripped.startswith("?"):
                parameters += _parameters(stripped, all_optional)
            elif parameters:  # a continuation line of the last parameter's description
                last = parameters[-1]
                parameters[-1] = Parameter(last.name, last.required, f"{last.description} {stripped}")
        elif section == "example" and stripped and example is None:
            example = stripped
    return NamedQuery(name, _first_paragraph(description), tuple(parameters), example)


def _parameters(line: str, all_optional: bool) -> list[Parameter]:
    found = []
    for match in PARAMETER.finditer(line.strip()):
        text = match["text"].strip()
        required = not all_optional and text.lower().startswith("required")
        found.append(Parameter(match["name"], required, text))
    return found


def _first_paragraph(lines: list[str]) -> str:
    text = " ".join(lines)
    answers = text.find("Answers:")  # the question it answers is told apart in the header
    return (text[:answers] if answers > 0 else text).strip()


# --- prefixes ----------------------------------------------------------------------------------


def missing_prefixes(text: str) -> list[str]:
    """Prefixes the query uses in prefixed names (``cg:label``) without a PREFIX declaration.

    Oxigraph reports such a name as a syntax error listing every character a name may hold
    (hundreds of Unicode ranges); this finds the prefix itself, from rdflib's parse tree.
    An unparsable text gives [] (the syntax check reports it).
    """
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(text)
    except Exception:
        return []
    # CompValue.get(key) returns the key itself when it is missing (the empty prefix ":a")
    declared = {d["prefix"] if "prefix" in d else "" for d in tree[0] if getattr(d, "name", None) == "PrefixDecl"}
    used: list[str] = []
    stack = [tree[1]] if len(tree) > 1 else []
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "pname":
                prefix = node["prefix"] if "prefix" in node else ""
                if prefix not in declared and prefix not in used:
                    used.append(prefix)
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
    return used


def prefix_hint(prefix: str) -> str:
    """One line: the unknown prefix and the declaration to add (its IRI when it is one of ours)."""
    from .store import PREFIXES

    iri = PREFIXES.get(prefix, "…")
    return f"unknown prefix '{prefix}:' — add PREFIX {prefix}: <{iri}>"


# --- syntax errors -------------------------------------------------------------------------------

ORIGIN = re.compile(r"^(?P<head>.*?error at \d+:\d+): expected (?:one of )?(?P<expected>.*)$", re.S)
# Oxigraph mixes its own reasons ("SELECT * is not authorized with GROUP BY", "Prefix not found")
# into the list of tokens it expected; a reason is several plain words between commas.
REASON = re.compile(r"(?:^|, )((?:[A-Za-z*]+ )+[A-Za-z*]+)(?=,|$)")
LONG_MESSAGE = 160


def short_syntax_error(message: str) -> str:
    """Oxigraph's syntax error in one short line: its reason, or the first few expected tokens."""
    message = " ".join(message.split())
    origin = ORIGIN.match(message)
    if not origin:
        return message
    reasons = REASON.findall(origin["expected"])
    if reasons:
        return f"{origin['head']}: {'; '.join(reasons)}"
    if len(message) <= LONG_MESSAGE:
        return message
    return f"{origin['head']}: expected {origin['expected'][:60].rstrip(', ')} …"
