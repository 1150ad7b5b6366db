"""What kind of document is this? Read from its title block, not from its file name."""

from __future__ import annotations

import re

from .model import Clause, ClauseKind, DocumentKind

# Looked for in the first few thousand characters, where an exhibit names itself. Order
# matters: an underwriting agreement attaches a pricing agreement, not the other way round.
TITLE_WINDOW = 3000
_KIND_PATTERNS = [
    (DocumentKind.PRESS_RELEASE, r"\b(NEWS RELEASE|PRESS RELEASE|FOR IMMEDIATE RELEASE)\b"),
    (DocumentKind.POWER_OF_ATTORNEY, r"\b(?i:POWER\s+OF\s+ATTORNEY)\b"),
    (DocumentKind.UNDERWRITING_AGREEMENT, r"\bUNDERWRITING\s+AGREEMENT\b"),
    (DocumentKind.PRICING_AGREEMENT, r"\bPRICING\s+AGREEMENT\b"),
    (DocumentKind.CREDIT_AGREEMENT, r"\bCREDIT\s+AGREEMENT\b"),
    (DocumentKind.INDENTURE, r"\bINDENTURE\b"),
]
TITLE_LINES = 40
TITLE_LINE_MAX_CHARS = 40
_TITLE_LINE = re.compile(r"^[A-Z0-9][A-Z0-9 ,.&'$%\-]{3,80}$", re.M)


# What a contract says of itself near its start: its title ("LEASE AGREEMENT", "STOCK OPTION
# PLAN", "AMENDMENT NO. 1"), or the words of agreement ("WHEREAS", "agree as follows",
# "hereby"). A press release's "announced today" does not make a plan a press release.
_CONTRACT_TITLE = re.compile(
    r"\b(?:AGREEMENT|CONTRACT|LEASE|SUBLEASE|PLAN|AMENDMENT|LICENSE|LICENCE|NOTE|GUARANTY|GUARANTEE|"
    r"DEED|CHARTER|ARTICLES\s+OF|BYLAWS|TERMS\s+AND\s+CONDITIONS|Agreement|Plan)\b"
)
_AGREEMENT_WORDS = re.compile(
    r"\b(?:WHEREAS|WITNESSETH|[Aa]gree(?:s|d)?\s+as\s+follows|hereby|hereinafter|shall\s+(?:be|have|pay|not))\b"
)
CONTRACT_SIGNALS_MIN = 2


def document_kind(clean_text: str, clauses: list[Clause]) -> DocumentKind:
    head = clean_text[:TITLE_WINDOW]
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, head, re.I if kind is DocumentKind.PRESS_RELEASE else 0):
            return kind
    # A title line of its own, however it is cased ("Indenture" on a cover page, before a
    # cross-reference table and a table of contents fill the first pages).
    for line in clean_text[:TITLE_WINDOW].split("\n")[:TITLE_LINES]:
        line = line.strip()
        if 0 < len(line) <= TITLE_LINE_MAX_CHARS:
            for kind, pattern in _KIND_PATTERNS:
                if kind is not DocumentKind.PRESS_RELEASE and re.fullmatch(rf"(?:\w+\s+){{0,2}}{pattern}", line, re.I):
                    return kind
    contract = _numbered(clauses) or _reads_as_contract(head)
    if re.search(r"\b(announced|reported|today)\b", head) and not contract:
        return DocumentKind.PRESS_RELEASE
    if contract:
        return DocumentKind.OTHER_CONTRACT
    return DocumentKind.OTHER


def _reads_as_contract(head: str) -> bool:
    signals = len(_AGREEMENT_WORDS.findall(head)) + (2 if _CONTRACT_TITLE.search(head[:600]) else 0)
    return signals >= CONTRACT_SIGNALS_MIN


def document_title(clean_text: str, kind: DocumentKind) -> str | None:
    """The line that names the document: "UNDERWRITING AGREEMENT", a press release's headline."""
    head = clean_text[:TITLE_WINDOW]
    lines = [ln.strip() for ln in head.split("\n") if ln.strip()]
    if kind is DocumentKind.PRESS_RELEASE:
        paragraphs = [" ".join(p.split()) for p in head.split("\n\n")]
        for line in paragraphs:
            if line.isupper() and len(line.split()) >= 5 and not re.search(r"RELEASE|CONTACT", line):
                return line
    for k, pattern in _KIND_PATTERNS:
        if k is kind:
            for line in lines:
                if re.search(pattern, line) and len(line) <= 100:
                    # "CREDIT AGREEMENT among" (the next line's "among" joined on): drop the
                    # trailing lower-case words.
                    return re.sub(r"(\s+[a-z][\w,]*)+$", "", line) if not line.islower() else line
    for m in _TITLE_LINE.finditer(head):
        line = m.group().strip()
        if re.match(r"^(EXHIBIT|EX-)\s*[\d.]+$", line) or re.fullmatch(r"[\d$,.%\s-]+", line):
            continue
        if len(line.split()) >= 2:
            return line
    return None


def _numbered(clauses: list[Clause]) -> bool:
    return any(c.kind in (ClauseKind.SECTION, ClauseKind.ARTICLE) for c in clauses)
