"""What a SPARQL text asks for, decided on its parse tree, never on its characters.

The endpoint and ``clausegraph query FILE.rq`` run user queries on Oxigraph, which would fetch
any ``SERVICE <url>`` it meets and apply any update. A keyword filter cannot tell a keyword from
the inside of an IRI, string or comment (``<http://a\\u0041#> … SERVICE <…>`` slipped past the
first version's), so the query is parsed with rdflib's SPARQL 1.1 grammar and the tree is walked.
A query that grammar cannot parse is refused too: what cannot be read cannot be cleared. (The
endpoint's workers also have no network at all — see serve.py — in case the two parsers ever
disagree.)
"""

from __future__ import annotations

import re
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

# Longest query text checked: rdflib's parser is pure Python (a 190 KB query of 10,000 UNIONs
# took 15 s), and the named queries are 1–3 KB.
MAX_QUERY_CHARS = 32_000
# SPARQL's codepoint escapes. rdflib expands them over the whole text before it parses;
# Oxigraph only inside strings and IRIs. So '"A\u0022, "' is two strings to one and one to
# the other, and whatever follows can be read as a pattern by one parser and as a string by the
# other: a query with such an escape is refused, whatever it says.
_CODEPOINT_ESCAPE = re.compile(r"\\[uU]")


@dataclass(frozen=True)
class QueryCheck:
    """The verdict on one query text: ``problem`` is None when it may run."""

    problem: str | None = None
    status: int = 200  # the HTTP status that goes with the problem: 400 unreadable, 403 refused
    federated: bool = False  # it contains SERVICE
    chooses_dataset: bool = False  # it has FROM / FROM NAMED: run on those graphs, not the union

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_query(text: str, *, allow_service: bool = False) -> QueryCheck:
    """Parse ``text`` as a SPARQL query and say whether it may run here.

    >>> check_query("SELECT * { ?s ?p ?o }").ok
    True
    >>> check_query("INSERT DATA { <a:b> <a:c> <a:d> }").status
    403
    >>> check_query('SELECT * { ?s ?p "SERVICE" }').ok
    True
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if len(text) > MAX_QUERY_CHARS:
        return QueryCheck(f"query over {MAX_QUERY_CHARS:,} characters: write it shorter", 400)
    if _CODEPOINT_ESCAPE.search(text):
        return QueryCheck("codepoint escapes (\\uXXXX, \\UXXXXXXXX) are not accepted: "
                          "write the character itself", 400)
    try:
        tree = parseQuery(text)
    except Exception as query_error:  # pyparsing's ParseException, or a RecursionError
        try:
            update = parseUpdate(text)
        except Exception:
            return QueryCheck(f"malformed SPARQL: {_one_line(query_error)}", 400)
        return QueryCheck(f"SPARQL Update ({_update_keyword(update)}) is refused", 403)
    federated = _has_service(tree)
    if federated and not allow_service:
        return QueryCheck(
            "federated queries (SERVICE) are refused: clausegraph never contacts another server", 403, True
        )
    return QueryCheck(None, 200, federated, _has_node(tree, "DatasetClause"))


# rdflib's name for each update operation -> the keyword a user wrote.
_UPDATE_KEYWORDS = {"InsertData": "INSERT", "DeleteData": "DELETE", "DeleteWhere": "DELETE", "Load": "LOAD",
                    "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
                    "Copy": "COPY"}


def _update_keyword(update) -> str:
    requests = update.get("request") or []
    if not requests:
        return "an empty update"
    first = requests[0]
    if first.name == "Modify":
        return "WITH" if first.get("withClause") is not None else ("DELETE" if first.get("delete") else "INSERT")
    return _UPDATE_KEYWORDS.get(first.name, first.name)


def _has_service(tree) -> bool:
    """Does the parse tree hold a SERVICE pattern anywhere (inside OPTIONAL, UNION, subqueries…)?"""
    return _has_node(tree, "ServiceGraphPattern")


def _has_node(tree, name: str) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue
    from pyparsing import ParseResults

    stack = [tree]
    while stack:  # iterative: a deeply nested query must not overflow Python's stack
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == name:
                return True
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
    return False


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# unshare(2) flags: a user namespace lets an unprivileged process make the network namespace.
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def seal_network() -> bool:
    """Move this process into a network namespace of its own, with no interface up: from then on
    no socket of it reaches another machine or this one's loopback (already open descriptors,
    such as the pipe to the server, keep working). True when that worked.

    Linux only; it needs unprivileged user namespaces (the default on current kernels) or root.
    Must run before the process starts threads (before a store is opened: RocksDB starts
    some). The endpoint's workers call it, and `clausegraph query` unless --allow-service.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    for flags in (_CLONE_NEWUSER | _CLONE_NEWNET, _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    log.debug("unshare(CLONE_NEWNET) failed: errno %d", ctypes.get_errno())
    return False
