"""What the three page kinds share: where pages live, anchor ids, escaping, parties, colours,
and the jinja2 templates (``templates/``, autoescape on) the pages are made from.

Layout of the pages inside an outputs folder::

    index.html                     the corpus (documents, shared entities)
    network.html                   the corpus-wide network (one node per section)
    docs/DOC/reader.html           the document, hyperlinked
    docs/DOC/network.html          the document's network
    assets/                        vis-network, the pages' CSS and JavaScript (one copy)

Anchors in a reader page (stable between builds, readable in a URL):

- a clause: its citation label with every space turned into "_" —
  ``reader.html#8(c)``, ``reader.html#Annex_I,_v(i)``, ``reader.html#Schedule_II,_(b)``;
- a definition: ``def-`` + the term's slug (``def-time-of-delivery``), with ``-2``, ``-3``… for
  a term defined again later in the document;
- an entity's first mention: ``ent-`` + the slug of its key;
- a reference: ``ref-N``, a lint finding ``finding-N`` (N in reading order).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

READER = "reader.html"
NETWORK = "network.html"
INDEX = "index.html"
ASSETS = "assets"
TEMPLATES = Path(__file__).parent / "templates"

# Categorical colours (Tableau 10: readable on white, distinguishable in greyscale-ish print).
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
    "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac",
)

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an|each|any|such)\s+", re.I)


def esc(text) -> str:
    """HTML-escape text for element content and (double-quoted) attribute values."""
    return html.escape("" if text is None else str(text), quote=True)


def clause_id(label: str) -> str:
    """The anchor id of a clause in its reader page: the label, spaces as "_" ("Annex_I,_v(i)")."""
    return label.replace(" ", "_")


def clause_href(label: str) -> str:
    """``#…`` fragment for a clause (percent-encoding only what a fragment cannot hold)."""
    from urllib.parse import quote

    return "#" + quote(clause_id(label), safe="()_,.-~!*'$;:@/?+=")


def slug(text: str) -> str:
    """``Time of Delivery`` -> ``time-of-delivery``; never empty."""
    return _SLUG_JUNK.sub("-", text.lower()).strip("-") or "x"


def doc_page(doc: str, page: str, *, from_doc: str | None) -> str:
    """Relative URL of a document's page, seen from another document's folder or from the top.

    The folder name is percent-encoded: a document id may hold "#", "?" or "%" (a file name
    can), which would otherwise start a fragment or a query, or read as an escape.
    """
    from urllib.parse import quote

    if from_doc is None:
        return f"docs/{quote(doc, safe='-._~')}/{page}"
    if from_doc == doc:
        return page
    return f"../{quote(doc, safe='-._~')}/{page}"


def script_json(data) -> str:
    """JSON safe inside a <script> element: no "</script>", "<!--" or "&" can appear in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def party_key(name: str) -> str:
    """Group the ways a document names one party: "the Underwriters" ~ "Underwriter",
    "indemnified parties" ~ "indemnified party"."""
    key = _LEADING_ARTICLE.sub("", " ".join(name.split())).lower()
    if key.endswith("ies") and len(key) > 4:  # "indemnified parties" ~ "indemnified party"
        key = key[:-3] + "y"
    elif key.endswith("s") and len(key) > 3 and not key.endswith("ss"):
        key = key[:-1]
    return key


def bearer_groups(deontics, entities_by_key: dict) -> dict[str, str]:
    """Party key -> display name, for the bearers and counterparties of a document's statements.

    A statement whose bearer resolved to an entity is grouped by the entity; otherwise by the
    bearer's words. The display name is the commonest way the document writes it ("Company").
    """
    forms: dict[str, Counter] = {}
    for d in deontics:
        for key, words in ((bearer_key(d), d.bearer), (counterparty_key(d), d.counterparty)):
            if key and words:
                forms.setdefault(key, Counter())[_LEADING_ARTICLE.sub("", words.strip())] += 1
    names = {}
    for key, counter in forms.items():
        (best, _), = counter.most_common(1)
        names[key] = best
    return dict(sorted(names.items(), key=lambda kv: (-sum(forms[kv[0]].values()), kv[1])))


def bearer_key(d) -> str:
    return f"entity:{d.bearer_entity}" if d.bearer_entity else party_key(d.bearer or "")


def counterparty_key(d) -> str | None:
    if d.counterparty_entity:
        return f"entity:{d.counterparty_entity}"
    return party_key(d.counterparty) if d.counterparty else None


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_template(name: str, **values) -> str:
    """A page from ``templates/NAME`` (autoescaped: pass HTML made here as :func:`markup`)."""
    return _environment().get_template(name).render(**values)


def markup(html_text: str):
    """HTML this package made (every value in it escaped with :func:`esc`), for a template."""
    from markupsafe import Markup

    return Markup(html_text)


def nav_links(doc: str | None, current: str) -> list[dict]:
    """The links of the bar at the top of every page: index · reader · network."""
    up = "../../" if doc else ""
    links = [(up + INDEX, "Corpus index", "index")]
    if doc:
        links += [(READER, "Reader", "reader"), (NETWORK, "Network", "network")]
    else:
        links += [(NETWORK, "Corpus network", "corpus-network")]
    return [{"href": href, "text": text, "current": key == current} for href, text, key in links]


def nav(doc: str | None, current: str, title: str) -> str:
    """The bar at the top of every page (for pages not made from ``page.html``: the network)."""
    return render_template("nav.html", nav_links=nav_links(doc, current), nav_title=title)


def statute_name(ref) -> str:
    """ "Securities Act of 1933 § 11(f)", "Securities Act of 1933, Rule 424(b)", "Regulation S-X"."""
    act, what = ref.external, ref.designator
    if not what or what in act:
        return act
    if ref.kind == "section":
        return f"{act} § {what}"
    return f"{act}, {ref.kind.capitalize()} {what}"


def authority_href(act: str, *, from_doc: str | None) -> str:
    """The index page's entry for an outside act, seen from a document's folder or the top."""
    return ("../../" if from_doc is not None else "") + f"index.html#act-{slug(act)}"
