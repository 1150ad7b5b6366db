"""Findings a lawyer should look at: broken references, undefined and unused terms, name variants."""

from __future__ import annotations

from .model import Corpus, Finding


def lint(corpus: Corpus) -> list[Finding]:
    findings: list[Finding] = []
    findings += reference_findings(corpus)
    findings += term_findings(corpus)
    findings += name_variant_findings(corpus)
    return sorted(findings, key=lambda f: (f.doc, f.start if f.start is not None else -1, f.kind))


# --- owned by the cross-reference / defined-term work ----------------------------------------


def reference_findings(corpus: Corpus) -> list[Finding]:
    """A reference that should resolve inside the corpus and does not."""
    return []


def term_findings(corpus: Corpus) -> list[Finding]:
    """Capitalised terms used but never defined; definitions never used."""
    return []


# --- owned by the parties work ---------------------------------------------------------------


def name_variant_findings(corpus: Corpus) -> list[Finding]:
    """One entity written two ways ("Bank One Capital Markets, Inc." / "Banc One …")."""
    return []
