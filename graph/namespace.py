"""The clausegraph vocabulary as Python names, generated from ``ontology/clausegraph.ttl``.

The Turtle file is the truth. After editing it, regenerate the class below with

    python -m clausegraph.namespace --regenerate

(``--check`` exits non-zero when this file is out of date; tests/test_ontology.py runs the same
comparison). ``_fail = True`` makes a misspelt term (``CG.Clasue``) fail at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, DefinedNamespace

CG_IRI = "https://w3id.org/clausegraph/ontology#"
BEGIN_MARK = "# --- generated from ontology/clausegraph.ttl: do not edit by hand ---"
END_MARK = "# --- end of generated code ---"


# --- generated from ontology/clausegraph.ttl: do not edit by hand ---
class CG(DefinedNamespace):
    """clausegraph ontology (version 0.1.0): https://w3id.org/clausegraph/ontology#"""

    _fail = True
    _NS = Namespace("https://w3id.org/clausegraph/ontology#")

    # classes
    AuthorityProvision: URIRef  # A section, rule or item of an outside act ("Securities Act of 1933 § 11"), part of the act or of the provision that encloses it (cg:provisionOf). A clause citing § 11(f) cites § 11 and the act too (cg:citesAuthority), so one triple pattern finds every clause that cites a provision.
    Clause: URIRef  # A citable part of a document (section, subsection, item, paragraph, annex, …); its span covers its whole subtree.
    Condition: URIRef  # Words that qualify a clause or statement: a condition, proviso, exception, duration or time limit.
    ConditionPrecedent: URIRef  # A condition that must be met before an obligation arises.
    ContractParty: URIRef  # A party role of an entity that is a party to the document (signatory side, principal, attorney-in-fact).
    CrossReference: URIRef  # Words in a clause that cite another clause or an outside authority; one node per (reference, target).
    DefinedTerm: URIRef  # A term a document defines, such as (the "Company"); anchored at the words between the quotes.
    Definition: URIRef  # The words a defined term stands for.
    DeonticStatement: URIRef  # A statement that a party must, must not or may act, has a right, or represents something.
    Document: URIRef  # One input document (a contract, a press release, …); its identifier is the file stem.
    Entity: URIRef  # An organisation or person, one node across the whole corpus.
    ExternalAuthority: URIRef  # An outside source of law a document cites: an act, a section of it, or a rule ("Securities Act of 1933").
    Finding: URIRef  # Something a lawyer should look at: a broken reference, an undefined or unused term, a name variant.
    Mention: URIRef  # A place where a document names an entity, by name, alias or defined term.
    Obligation: URIRef  # The bearer must act ("shall", "will", "agrees to").
    PartyRole: URIRef  # How a party takes part in one document: its roles there and whether it is a party to it; its cg:player is the entity, unless the document names the party only by a term that names no one ("each Party", the "Licensee" of a form).
    Permission: URIRef  # The bearer may act ("may").
    Prohibition: URIRef  # The bearer must not act ("shall not", "will not").
    Representation: URIRef  # A representation or warranty, made by its bearer.
    Right: URIRef  # The bearer is entitled to something ("shall have the right to", "is entitled to").
    TermUse: URIRef  # A place where a defined term is used.
    TextAnchor: URIRef  # Anything made from text: it carries its document (cg:inDocument), its source offsets (nif:beginIndex, nif:endIndex) and its exact words (nif:anchorOf).

    # properties
    alias: URIRef  # Another name a document uses for an entity ("the Company").
    appearsIn: URIRef  # A document in which an entity is named.
    bearer: URIRef  # The party who must (or may) act, or who makes a representation: its role in this document. The role's cg:player is the corpus-wide entity (when the words name one), its cg:matchKey the spellings it is found by; cg:bearerName keeps the words as written.
    bearerName: URIRef  # The bearer as the document names it ("Company", "Underwriters").
    citesAuthority: URIRef  # Shortcut: a clause holds a cross-reference to this outside authority.
    clauseKind: URIRef  # What kind of part a clause is: section, subsection, item, paragraph, annex, …
    cleanText: URIRef  # The words of a node cleaned of page numbers, running headers and hard line wraps (nif:anchorOf keeps them exactly as in the source).
    conditionKind: URIRef  # condition precedent, condition, proviso, exception, duration or time limit.
    counterparty: URIRef  # The party a statement is owed or made to: its role in this document (as for cg:bearer).
    counterpartyName: URIRef  # The counterparty as the document names it.
    definedIn: URIRef  # The innermost clause that holds a term's definition.
    designator: URIRef  # What a cross-reference cites, as written ("15", "424(b)", "8(c)"), or the number of an authority provision ("11(f)").
    documentId: URIRef  # The document's identifier: its file stem.
    documentKind: URIRef  # What a document is: underwriting agreement, power of attorney, press release, …
    eId: URIRef  # Akoma-Ntoso-style element identifier of a clause, the last segment of its IRI: "sec_8__subsec_c".
    entityKind: URIRef  # organization, person, government body or exchange.
    findingKind: URIRef  # broken reference, undefined term, unused definition, name variant, …
    governs: URIRef  # The clause a condition qualifies.
    governsLabel: URIRef  # The citation label of what a condition qualifies, as the tagger gave it.
    hasDefinition: URIRef  # The words a defined term stands for.
    heading: URIRef  # A clause's heading as written ("Conditions of Underwriters' Obligations").
    inClause: URIRef  # The innermost clause whose span holds this node's words.
    inDocument: URIRef  # The document a node was made from.
    isParty: URIRef  # True when the entity is a party to the document, false when the document only names it.
    jobTitle: URIRef  # A title a person holds in the documents ("General Counsel").
    label: URIRef  # How a lawyer cites a clause, unique within its document: "8(c)", "Annex I, v(i)", "p2".
    matchKey: URIRef  # A normalised name (lower case, no leading article, singular) under which queries find an entity or a party role: its name, aliases, mentions and the defined terms that stand for it. `clausegraph query … --bind party=NAME` computes it from any spelling.
    mentionOf: URIRef  # The entity a mention names.
    message: URIRef  # What a finding says, for a person.
    modality: URIRef  # obligation, prohibition, permission, right or representation.
    name: URIRef  # An entity's full name ("The Hartford Financial Services Group, Inc."), or an authority's ("Securities Act of 1933").
    ofTerm: URIRef  # The defined term a term use uses.
    order: URIRef  # A clause's position in reading order within its document, from 0.
    parent: URIRef  # The clause that contains this clause in the clause tree.
    player: URIRef  # The entity that plays a party role.
    provisionOf: URIRef  # The act, or the enclosing provision, a provision is part of: § 11(f) is a provision of § 11, which is one of the Securities Act of 1933.
    referenceKind: URIRef  # section, subsection, clause, rule, regulation, schedule, annex or article.
    refersTo: URIRef  # Shortcut: the source clause of a cross-reference refers to its target clause. Follow it with a property path (cg:refersTo+) for chains.
    role: URIRef  # A role an entity plays in a document (issuer, underwriter, attorney-in-fact, counsel, regulator, …).
    sourceClause: URIRef  # The clause a cross-reference sits in.
    sourceFormat: URIRef  # How the document was read: text, sgml or html.
    standsFor: URIRef  # The entity a defined term names ("Company" stands for The Hartford Financial Services Group, Inc.).
    targetAuthority: URIRef  # The outside authority a cross-reference cites.
    targetClause: URIRef  # The clause a cross-reference resolves to (in this document or another one of the corpus).
    targetLabel: URIRef  # The citation label a cross-reference resolves to, as the resolver gave it.
    targetProvision: URIRef  # A provision of the outside act a cross-reference names ("Section 13 or 15(d) of the Exchange Act" names two).
    termText: URIRef  # A defined term exactly as written between the quotes ("COMPANY").
    trigger: URIRef  # The words that carry a statement's modality or open a condition ("shall not", "provided, however, that").
    usedIn: URIRef  # A clause in which a defined term is used.
# --- end of generated code ---


# --- the generator ---------------------------------------------------------------------------


def ontology_terms(ttl: Path) -> dict[str, tuple[str, str]]:
    """Every term the Turtle declares in the cg: namespace: local name -> (kind, comment)."""
    graph = Graph()
    graph.parse(ttl, format="turtle")
    terms: dict[str, tuple[str, str]] = {}
    for subject in set(graph.subjects(RDF.type, None)):
        if not isinstance(subject, URIRef) or not str(subject).startswith(CG_IRI):
            continue
        local = str(subject)[len(CG_IRI):]
        types = set(graph.objects(subject, RDF.type))
        kind = "class" if URIRef("http://www.w3.org/2002/07/owl#Class") in types else "property"
        comment = str(graph.value(subject, RDFS.comment) or "")
        terms[local] = (kind, comment)
    return terms


def ontology_version(ttl: Path) -> str:
    graph = Graph()
    graph.parse(ttl, format="turtle")
    version = graph.value(URIRef(CG_IRI.rstrip("#")), URIRef("http://www.w3.org/2002/07/owl#versionInfo"))
    return str(version or "")


def render_class(ttl: Path) -> str:
    """The Python source of the ``CG`` class for the ontology in ``ttl``."""
    terms = ontology_terms(ttl)
    lines = [
        BEGIN_MARK,
        "class CG(DefinedNamespace):",
        f'    """clausegraph ontology (version {ontology_version(ttl)}): {CG_IRI}"""',
        "",
        "    _fail = True",
        f'    _NS = Namespace("{CG_IRI}")',
    ]
    for heading, kind in (("classes", "class"), ("properties", "property")):
        lines += ["", f"    # {heading}"]
        for local in sorted((n for n, (k, _) in terms.items() if k == kind), key=lambda n: (n.lower(), n)):
            comment = " ".join(terms[local][1].split())
            lines.append(f"    {local}: URIRef  # {comment}")
    lines.append(END_MARK)
    return "\n".join(lines) + "\n"


def regenerate(module: Path, ttl: Path) -> bool:
    """Rewrite the generated block of ``module``; True when it changed."""
    text = module.read_text(encoding="utf-8")
    before, rest = text.split(BEGIN_MARK + "\n", 1)
    _, after = rest.split(END_MARK + "\n", 1)
    new = before + render_class(ttl) + after
    if new == text:
        return False
    module.write_text(new, encoding="utf-8")
    return True


def generated_block(module: Path) -> str:
    text = module.read_text(encoding="utf-8")
    _, rest = text.split(BEGIN_MARK + "\n", 1)
    block, _ = rest.split(END_MARK + "\n", 1)
    return BEGIN_MARK + "\n" + block + END_MARK + "\n"


def main(argv: list[str] | None = None) -> int:
    from .store import ontology_dir

    parser = argparse.ArgumentParser(prog="python -m clausegraph.namespace", description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--regenerate", action="store_true", help="rewrite the CG class from the Turtle")
    group.add_argument("--check", action="store_true", help="exit 1 when the CG class is out of date")
    args = parser.parse_args(argv)
    ttl = ontology_dir() / "clausegraph.ttl"
    module = Path(__file__)
    if args.check:
        fresh = generated_block(module) == render_class(ttl)
        print("up to date" if fresh else f"{module} is out of date: run python -m clausegraph.namespace --regenerate")
        return 0 if fresh else 1
    changed = regenerate(module, ttl)
    print(f"{module}: {'regenerated' if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
