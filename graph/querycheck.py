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

from dataclasses import dataclass


@dataclass(frozen=True)
class QueryCheck:
    """The verdict on one query text: ``problem`` is None when it may run."""

    problem: str | None = None
    status: int = 200  # the HTTP status that goes with the problem: 400 unreadable, 403 refused
    federated: bool = False  # it contains SERVICE

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
    return QueryCheck(None, 200, federated)


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
    from rdflib.plugins.sparql.parserutils import CompValue
    from pyparsing import ParseResults

    stack = [tree]
    while stack:  # iterative: a deeply nested query must not overflow Python's stack
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
    return False


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
