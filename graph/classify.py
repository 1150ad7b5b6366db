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
_TITLE_LINE = re.compile(r"^[A-Z0-9][A-Z0-9 ,.&'$%\-]{3,80}$", re.M)


def document_kind(clean_text: str, clauses: list[Clause]) -> DocumentKind:
    head = clean_text[:TITLE_WINDOW]
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, head, re.I if kind is DocumentKind.PRESS_RELEASE else 0):
            return kind
    if re.search(r"\b(announced|reported|today)\b", head) and not _numbered(clauses):
        return DocumentKind.PRESS_RELEASE
    if _numbered(clauses):
        return DocumentKind.OTHER_CONTRACT
    return DocumentKind.OTHER


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
