"""Findings a lawyer should look at: broken references, undefined and unused terms, name variants."""

from __future__ import annotations

from .model import Corpus, Document, Finding


def lint(corpus: Corpus) -> list[Finding]:
    names = entity_names(corpus.entities)
    return sorted((f for d in corpus.documents for f in document_findings(d, names)), key=finding_order)


def document_findings(document: Document, names: dict[str, str]) -> list[Finding]:
    """One document's findings, in the order ``lint`` gives them. ``names``: entity key → name
    (``entity_names``; only the entities the document mentions are looked up)."""
    findings = _reference_findings(document) + _term_findings(document) + _name_variant_findings(document, names)
    return sorted(findings, key=finding_order)


def entity_names(entities) -> dict[str, str]:
    return {e.key: e.name for e in entities}


def finding_order(finding: Finding):
    return finding.doc, finding.start if finding.start is not None else -1, finding.kind


# --- owned by the cross-reference / defined-term work ----------------------------------------


def reference_findings(corpus: Corpus) -> list[Finding]:
    """A reference that should resolve inside the corpus and does not."""
    return [f for document in corpus.documents for f in _reference_findings(document)]


def _reference_findings(document: Document) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[int, int, str | None]] = set()
    for ref in document.references:
        if ref.target is not None or ref.external is not None:
            continue
        key = (ref.start, ref.end, ref.designator)
        if key in seen:
            continue
        seen.add(key)
        cited = f"{ref.kind} {ref.designator}" if ref.designator else f"the {ref.kind} around it"
        findings.append(
            Finding(
                doc=document.doc_id,
                kind="broken reference",
                clause=ref.source,
                start=ref.start,
                end=ref.end,
                text=" ".join(ref.text.split()),
                message=f"cites {cited}, but this document has no such part",
            )
        )
    return findings


def term_findings(corpus: Corpus) -> list[Finding]:
    """Capitalised terms used but never defined; definitions never used."""
    return [f for document in corpus.documents for f in _term_findings(document)]


def _term_findings(document: Document) -> list[Finding]:
    import re

    from .tagging.terms import term_forms  # the same singular/plural forms the tagger links

    # "the Prospectus Supplement" used like a term: a determiner, then 2–4 capitalised words.
    # Names of places, bodies and laws are capitalised too, and are not terms: their last word
    # (or their first, for places) rules them out. Precision first: only phrases used twice.
    # It must read as a noun on its own — followed by punctuation or a function word, not by
    # "of Credit" (a longer name), "-Out" or a noun it modifies ("Blue Sky memorandum").
    used_like_term = re.compile(
        r"\b(?:the|such|each|any|applicable)\s+((?:[A-Z][a-z]+\s+){1,3}[A-Z][a-z]+)"
        r"(?=[,.;:)]|\s+(?:shall|will|may|is|are|has|have|and|or|to|in|with|for|as|by|under|on|that|which|from|at)\b)"
        r"(?!\s+(?:of|and|or)\s+[A-Z])"
    )
    name_heads = {
        "Act", "Code", "Law", "Laws", "Rules", "Regulations", "Ordinance", "Commission", "Exchange",
        "Company", "Corporation", "Bank", "Association", "Board", "Court", "Service", "States",
        "Kingdom", "Area", "Union", "Government", "Office", "Department", "Trust", "Street", "York",
        "Kong", "Japan", "Netherlands", "Singapore", "Stock", "Market", "Markets", "Time",
        "Officer", "President", "Secretary", "Treasurer", "Director", "Counsel",
    }
    place_starts = {"United", "New", "Hong", "City", "State", "European", "Federal", "Republic"}
    min_uses = 2
    findings: list[Finding] = []
    if not document.terms:
        return findings  # a press release defines nothing; its capitalised phrases are names
    defined = set()
    for term in document.terms:
        defined |= term_forms(term.term)
    for term in document.terms:
        if not term.uses:
            findings.append(
                Finding(
                    doc=document.doc_id,
                    kind="unused definition",
                    clause=term.defined_in,
                    start=term.start,
                    end=term.end,
                    text=" ".join(term.term.split()),
                    message=f"{' '.join(term.term.split())!r} is defined in {term.defined_in} but never used",
                )
            )
    candidates: dict[str, list[tuple[int, int]]] = {}
    for m in used_like_term.finditer(document.clean):
        phrase = m.group(1)
        words = phrase.split()
        key = phrase.casefold()
        if words[-1] in name_heads or words[0] in place_starts:
            continue
        if any(" ".join(words[i:]).casefold() in defined for i in range(len(words))):
            continue  # "the applicable Pricing Agreement", "the Designated Securities"
        if any(" ".join(words[:i]).casefold() in defined for i in range(1, len(words))):
            continue  # "the Prospectus Supplement" starts with a term: a compound of it
        candidates.setdefault(key, []).append(m.span(1))
    for key, spans in candidates.items():
        if len(spans) < min_uses:
            continue
        start, end = document.source_span(*spans[0])
        clause = document.clause_at(start)
        text = " ".join(document.source[start:end].split())
        findings.append(
            Finding(
                doc=document.doc_id,
                kind="undefined term",
                clause=clause.label if clause else None,
                start=start,
                end=end,
                text=text,
                message=f"{text!r} is used {len(spans)} times like a defined term but never defined",
            )
        )
    return findings


# --- owned by the parties work ---------------------------------------------------------------


def _name_variant_findings(d: Document, names: dict[str, str]) -> list[Finding]:
    """One entity written two ways ("Bank One Capital Markets, Inc." / "Banc One …").

    Case, spacing, punctuation and a leading "The" do not make a variant; another spelling
    does. One finding per document and spelling, at its first occurrence.
    """
    import re

    def norm(name: str) -> str:
        text = re.sub(r"[^a-z0-9]+", " ", name.lower().replace("&", " and ")).strip()
        return re.sub(r"^the\s+", "", text)

    findings: list[Finding] = []
    seen: set[str] = set()
    for m in d.mentions:
        name = names.get(m.entity)
        if name is None or m.form != "name" or norm(m.name) == norm(name) or norm(m.name) in seen:
            continue
        seen.add(norm(m.name))
        text = " ".join(m.text.split())
        findings.append(
            Finding(doc=d.doc_id, kind="name variant", clause=m.clause or None, start=m.start, end=m.end, text=text,
                    message=f'"{text}" names the same entity as "{name}", spelled differently')
        )
    return findings
