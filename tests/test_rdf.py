"""Records → RDF (graph/rdf.py): IRIs, anchors, every record type, stability, the real corpus.

The tagging stages are written in parallel, so every record type is tested here on records
built by hand from a real passage of the underwriting agreement (``synthetic_corpus``), and the
clause tree (and whatever the taggers emit today) on the real corpus.
"""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import RDF, SKOS

from clausegraph.model import (
    Clause, ClauseKind, Condition, ConditionKind, Corpus, Deontic, Document, DocumentKind, Entity,
    EntityKind, Finding, Mention, Modality, Reference, Span, Term,
)
from clausegraph.namespace import CG
from clausegraph.rdf import NIF, clause_eids, corpus_dataset, corpus_graphs
from clausegraph.store import (
    ENTITIES_GRAPH, ONTOLOGY_GRAPH, document_graph_iri, entity_iri, match_key,
)

# rdflib 7.6 and pyshacl warn about their own Dataset internals on every parse; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:.*(deprecated|ConjunctiveGraph).*:DeprecationWarning")

ID = "https://w3id.org/clausegraph/id/"
DOC = "synthetic-underwriting"
POA_DOC = "synthetic-poa"

# Real sentences of hig-underwriting-agreement-2004 (preamble, 5(a), 7(c), 8(a)), shortened.
SOURCE = (
    "THE HARTFORD FINANCIAL SERVICES GROUP, INC.\n\n"
    "The Hartford Financial Services Group, Inc., a Delaware corporation (the \"COMPANY\"), "
    "proposes to issue and sell its debt securities.\n\n"
    "5. The Company agrees with each of the Underwriters of any Designated Securities:\n\n"
    "     (a) To prepare the Prospectus in a form approved by the Representatives and to file\n"
    "such Prospectus pursuant to Rule 424(b) under the Securities Act of 1933.\n\n"
    "7. The obligations of the Underwriters shall be subject to the condition that the Company\n"
    "shall have performed all of its obligations hereunder, as provided in Section 5(a).\n\n"
    "8. (a) The Company will indemnify and hold harmless each Underwriter, as set forth in\n"
    "Section 12(z); provided, however, that the Company shall not be liable in any such case.\n"
    "     (b) Each Underwriter will indemnify and hold harmless the Company.\n"
)


def at(words: str, nth: int = 1) -> tuple[int, int]:
    """Offsets of the nth occurrence of ``words`` in SOURCE."""
    start = -1
    for _ in range(nth):
        start = SOURCE.index(words, start + 1)
    return start, start + len(words)


def span_of(first: str, last: str) -> tuple[int, int]:
    start = SOURCE.index(first)
    return start, SOURCE.index(last, start) + len(last)


def synthetic_corpus() -> Corpus:
    """A two-document corpus with one record of every type, offsets into real contract text."""
    s5, e5 = span_of("5. The Company", "Act of 1933.")
    s5a, e5a = span_of("(a) To prepare", "Act of 1933.")
    s7, e7 = span_of("7. The obligations", "Section 5(a).")
    s8, e8 = span_of("8. (a)", "harmless the Company.")
    s8b, e8b = span_of("(b) Each Underwriter", "harmless the Company.")
    s8a, e8a = span_of("(a) The Company will", "any such case.")
    clauses = (
        Clause("preamble", ClauseKind.PREAMBLE, None, 0, s5, text="THE HARTFORD …", order=0),
        Clause("5", ClauseKind.SECTION, None, s5, e5, text="5. The Company agrees …", order=1),
        Clause("5(a)", ClauseKind.SUBSECTION, "5", s5a, e5a, text="(a) To prepare …", order=2),
        Clause("7", ClauseKind.SECTION, None, s7, e7, heading="Conditions", text="7. The obligations …", order=3),
        Clause("8", ClauseKind.SECTION, None, s8, e8, text="8. (a) The Company …", order=4),
        Clause("8(a)", ClauseKind.SUBSECTION, "8", s8a, e8a, text="(a) The Company will …", order=5),
        Clause("8(b)", ClauseKind.SUBSECTION, "8", s8b, e8b, text="(b) Each Underwriter will …", order=6),
    )
    ts, te = at("COMPANY")
    ds, de = at("The Hartford Financial Services Group, Inc., a Delaware corporation")
    uses = tuple(Span(DOC, *at("Company", n), "Company") for n in (1, 2, 3, 4))
    term = Term("COMPANY", DOC, "preamble", ts, te, "The Hartford Financial Services Group, Inc., a Delaware corporation",
                ds, de, uses=uses, used_in=("5", "7", "8(a)"))
    hig = "hartford"
    und = "underwriter-firm"
    mentions = (
        Mention(hig, DOC, "preamble", *at("The Hartford Financial Services Group, Inc."),
                "The Hartford Financial Services Group, Inc."),
        Mention(hig, DOC, "5", *at("Company", 1), "Company"),
    )
    references = (
        Reference(DOC, "5(a)", "Rule 424(b) under the Securities Act of 1933",
                  *at("Rule 424(b) under the Securities Act of 1933"), None, None, "Securities Act of 1933",
                  designator="424(b)", kind="rule"),
        Reference(DOC, "7", "Section 5(a)", *at("Section 5(a)"), "5(a)", DOC, None, designator="5(a)"),
        Reference(DOC, "8(a)", "Section 12(z)", *at("Section 12(z)"), None, None, None, designator="12(z)"),
    )
    ob_s, ob_e = span_of("The Company will indemnify", "as set forth in")
    pr_s, pr_e = span_of("the Company shall not be liable", "any such case.")
    deontics = (
        Deontic(DOC, "8(a)", Modality.OBLIGATION, "Company", "Underwriter", ob_s, ob_e,
                "The Company will indemnify and hold harmless each Underwriter, as set forth in", "will",
                bearer_entity=hig, counterparty_entity=und),
        Deontic(DOC, "8(a)", Modality.PROHIBITION, "Company", None, pr_s, pr_e,
                "the Company shall not be liable in any such case.", "shall not", bearer_entity=hig),
        Deontic(DOC, "5", Modality.OBLIGATION, "Company", "Underwriters", *at("The Company agrees"),
                "The Company agrees", "agrees", bearer_entity=hig),
        Deontic(DOC, "8(b)", Modality.OBLIGATION, "Underwriter", "Company",
                *at("Each Underwriter will indemnify and hold harmless the Company."),
                "Each Underwriter will indemnify and hold harmless the Company.", "will",
                bearer_entity=und, counterparty_entity=hig),
    )
    cp_s, cp_e = span_of("subject to the condition that", "obligations hereunder")
    pv_s, pv_e = span_of("provided, however, that", "any such case.")
    conditions = (
        Condition(DOC, "7", ConditionKind.CONDITION_PRECEDENT, cp_s, cp_e,
                  "subject to the condition that the Company shall have performed all of its obligations hereunder",
                  "subject to the condition that", "7"),
        Condition(DOC, "8(a)", ConditionKind.PROVISO, pv_s, pv_e,
                  "provided, however, that the Company shall not be liable in any such case.",
                  "provided, however, that", "8(a)"),
    )
    document = Document(
        doc_id=DOC, path="/corpus/synthetic-underwriting.txt", format="text",
        kind=DocumentKind.UNDERWRITING_AGREEMENT, title="UNDERWRITING AGREEMENT",
        source=SOURCE, clean=SOURCE, clean_offsets=tuple(range(len(SOURCE) + 1)), clauses=clauses,
        terms=(term,), mentions=mentions, references=references, deontics=deontics, conditions=conditions,
    )
    poa_source = "The Hartford Financial Services Group, Inc. appoints Neal S. Wolin as attorney-in-fact.\n"
    poa = Document(
        doc_id=POA_DOC, path="/corpus/synthetic-poa.txt", format="text", kind=DocumentKind.POWER_OF_ATTORNEY,
        title=None, source=poa_source, clean=poa_source, clean_offsets=tuple(range(len(poa_source) + 1)),
        clauses=(Clause("p1", ClauseKind.PARAGRAPH, None, 0, len(poa_source), text=poa_source.strip()),),
        mentions=(Mention(hig, POA_DOC, "p1", 0, 43, poa_source[:43]),),
    )
    entities = (
        Entity(hig, "The Hartford Financial Services Group, Inc.", EntityKind.ORGANIZATION,
               aliases=("the Company",), roles=((DOC, "issuer"), (POA_DOC, "principal")),
               parties_in=(DOC, POA_DOC), docs=(DOC, POA_DOC)),
        Entity(und, "Goldman, Sachs & Co.", EntityKind.ORGANIZATION, aliases=("Underwriters",),
               roles=((DOC, "underwriter"),), parties_in=(DOC,), docs=(DOC,)),
        Entity("neal s wolin", "Neal S. Wolin", EntityKind.PERSON, roles=((POA_DOC, "attorney-in-fact"),),
               parties_in=(POA_DOC,), docs=(POA_DOC,), titles=("General Counsel",)),
        # named in both documents, a role in one only: lists must not vanish for the other
        Entity("sec", "Securities and Exchange Commission", EntityKind.GOVERNMENT_BODY,
               roles=((DOC, "regulator"),), docs=(DOC, POA_DOC)),
    )
    findings = (
        Finding(DOC, "broken reference", "8(a)", *at("Section 12(z)"), "Section 12(z)", "Section 12(z) does not exist"),
        Finding(DOC, "unused definition", None, None, None, "INDENTURE", "defined but never used"),
    )
    return Corpus(documents=(document, poa), entities=entities, findings=findings)


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_corpus()


@pytest.fixture(scope="module")
def dataset(synthetic):
    return corpus_dataset(synthetic)


def node(path: str) -> URIRef:
    return URIRef(ID + path)


def graph_of(dataset, doc: str):
    return dataset.graph(URIRef(document_graph_iri(doc)))


# --- IRIs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, kind, parent, expected",
    [
        ("8", ClauseKind.SECTION, None, "sec_8"),  # a section
        ("8(c)", ClauseKind.SUBSECTION, "8", "sec_8__subsec_c"),  # the example
        ("7(d)(vii)", ClauseKind.CLAUSE, "7(d)", "sec_7__subsec_d__clause_vii"),  # three levels
        ("preamble", ClauseKind.PREAMBLE, None, "preamble"),  # unnumbered
        ("signatures", ClauseKind.SIGNATURES, None, "conclusions"),  # AKN's name for the closing
        ("Annex I", ClauseKind.ANNEX, None, "annex_I"),  # the kind word is not repeated
        ("Annex I, v", ClauseKind.ITEM, "Annex I", "annex_I__item_v"),  # part of an attachment
        ("Schedule II, (b)", ClauseKind.ITEM, "Schedule II", "schedule_II__item_b"),  # parentheses dropped
        ("p2", ClauseKind.PARAGRAPH, None, "para_2"),  # unnumbered documents
        ("p2(i)", ClauseKind.ITEM, "p2", "para_2__item_i"),  # items inside a paragraph
        ("Article IV", ClauseKind.ARTICLE, None, "art_IV"),  # articles
        ("3.3", ClauseKind.SECTION, "Article IV", "art_IV__sec_3.3"),  # sections inside articles
    ],
)
def test_clause_eids_follow_akoma_ntoso(label, kind, parent, expected):
    """A clause's eId is its parent's eId, '__', the kind's AKN prefix and its own number."""
    parents = {
        "8": ("8", ClauseKind.SECTION, None), "7(d)": ("7(d)", ClauseKind.SUBSECTION, "7"),
        "7": ("7", ClauseKind.SECTION, None), "Annex I": ("Annex I", ClauseKind.ANNEX, None),
        "Schedule II": ("Schedule II", ClauseKind.SCHEDULE, None), "p2": ("p2", ClauseKind.PARAGRAPH, None),
        "Article IV": ("Article IV", ClauseKind.ARTICLE, None),
    }
    chain, p = [], parent
    while p:
        chain.insert(0, parents[p])
        p = parents[p][2]
    clauses = tuple(Clause(lb, k, pa, 0, 1) for lb, k, pa in chain + [(label, kind, parent)])
    document = Document("d", "d.txt", "text", DocumentKind.OTHER, None, "x", "x", (0, 1), clauses)
    assert clause_eids(document)[label] == expected


def test_clause_eids_stay_unique_when_labels_clean_alike():
    """Two labels that clean to the same eId both keep an IRI of their own."""
    clauses = (Clause("A 1", ClauseKind.SECTION, None, 0, 1), Clause("A-1", ClauseKind.SECTION, None, 1, 2))
    document = Document("d", "d.txt", "text", DocumentKind.OTHER, None, "xy", "xy", (0, 1, 2), clauses)
    eids = clause_eids(document)
    assert len(set(eids.values())) == 2


@pytest.mark.parametrize(
    "name, key",
    [
        ("Company", "company"),
        ("the Company", "company"),  # leading article
        ("COMPANY", "company"),  # case
        ("Underwriters", "underwriter"),  # plural
        ("The Hartford Financial Services Group, Inc.", "hartford financial service group inc"),  # punctuation
        ("Attorneys-in-Fact", "attorney-in-fact"),  # plural of the first part of a compound
        ("Davis Polk & Wardwell", "davis polk & wardwell"),  # 's' after 'i' is not a plural
        ('Company" } ; DROP ALL ; #', "company drop all"),  # SPARQL syntax is just words
    ],
)
def test_match_key_normalises_names(name, key):
    """Match keys ignore case, punctuation, a leading article and plurals."""
    assert match_key(name) == key


# --- every record type --------------------------------------------------------------------------


def test_one_named_graph_per_document_plus_corpus_and_ontology(synthetic):
    """The dataset holds the ontology, the corpus graph and one graph per document."""
    graphs = set(corpus_graphs(synthetic).graphs)
    assert graphs == {
        ONTOLOGY_GRAPH, ENTITIES_GRAPH,
        ID + "synthetic-underwriting/graph", ID + "synthetic-poa/graph",
    }


def test_clauses_carry_label_kind_order_parent_and_heading(dataset):
    """A clause node has its citation label, kind, order, parent, heading and eId."""
    g = graph_of(dataset, DOC)
    clause = node(f"{DOC}/sec_8__subsec_a")
    assert (clause, RDF.type, CG.Clause) in g
    assert g.value(clause, CG.label) == Literal("8(a)")
    assert g.value(clause, CG.clauseKind) == Literal("subsection")
    assert g.value(clause, CG.parent) == node(f"{DOC}/sec_8")
    assert g.value(clause, CG.eId) == Literal("sec_8__subsec_a")
    assert g.value(clause, CG.order).toPython() == 5
    assert g.value(node(f"{DOC}/sec_7"), CG.heading) == Literal("Conditions")


def test_every_text_node_carries_document_offsets_and_exact_words(dataset):
    """Each node made from text has one document, offsets, and anchorOf == source[start:end]."""
    checked = 0
    for doc, source in ((DOC, SOURCE),):
        g = graph_of(dataset, doc)
        for subject in set(g.subjects(NIF.beginIndex, None)):
            if (subject, RDF.type, CG.Document) in g:
                continue
            start = g.value(subject, NIF.beginIndex).toPython()
            end = g.value(subject, NIF.endIndex).toPython()
            assert str(g.value(subject, NIF.anchorOf)) == source[start:end], subject
            assert g.value(subject, CG.inDocument) == node(doc), subject
            checked += 1
    assert checked >= 20


def test_defined_term_is_a_skos_concept_with_definition_and_uses(dataset):
    """A defined term: SKOS concept in the document's scheme, its definition node, its uses."""
    g = graph_of(dataset, DOC)
    term = node(f"{DOC}/term/COMPANY")
    assert (term, RDF.type, CG.DefinedTerm) in g and (term, RDF.type, SKOS.Concept) in g
    assert g.value(term, SKOS.inScheme) == node(f"{DOC}/terms")
    assert g.value(term, CG.definedIn) == node(f"{DOC}/preamble")
    assert g.value(term, CG.standsFor) == URIRef(entity_iri("hartford"))
    definition = g.value(term, CG.hasDefinition)
    assert str(g.value(definition, NIF.anchorOf)).startswith("The Hartford Financial Services Group, Inc., a Delaware")
    assert set(g.objects(term, CG.usedIn)) == {node(f"{DOC}/sec_5"), node(f"{DOC}/sec_7"), node(f"{DOC}/sec_8__subsec_a")}
    assert len(set(g.subjects(CG.ofTerm, term))) == 4


def test_the_same_entity_is_one_iri_across_documents(dataset):
    """Mentions of one entity in two documents point to one entity IRI in the corpus graph."""
    hartford = URIRef(entity_iri("hartford"))
    in_ua = set(graph_of(dataset, DOC).objects(None, CG.mentionOf))
    in_poa = set(graph_of(dataset, POA_DOC).objects(None, CG.mentionOf))
    assert in_ua == in_poa == {hartford}
    corpus_graph = dataset.graph(URIRef(ENTITIES_GRAPH))
    assert set(corpus_graph.objects(hartford, CG.appearsIn)) == {node(DOC), node(POA_DOC)}


def test_entity_match_keys_cover_name_aliases_mentions_and_terms(dataset):
    """Match keys of an entity: its name, aliases, mention words and the term standing for it."""
    keys = {str(k) for k in dataset.graph(URIRef(ENTITIES_GRAPH)).objects(URIRef(entity_iri("hartford")), CG.matchKey)}
    assert keys == {"hartford financial service group inc", "company"}


def test_party_roles_per_document(dataset):
    """Each (entity, document) pair is a party role with its roles and party flag."""
    g = graph_of(dataset, POA_DOC)
    role = node(f"{POA_DOC}/party/neal_s_wolin")
    assert (role, RDF.type, CG.ContractParty) in g
    assert g.value(role, CG.player) == URIRef(entity_iri("neal s wolin"))
    assert g.value(role, CG.isParty).toPython() is True
    assert {str(r) for r in g.objects(role, CG.role)} == {"attorney-in-fact"}


@pytest.mark.parametrize(
    "words, cls, bearer_keys, counterparty",
    [
        ("The Company will indemnify", CG.Obligation, {"company", "hartford financial service group inc"}, "underwriter-firm"),
        ("the Company shall not be liable", CG.Prohibition, {"company", "hartford financial service group inc"}, None),
    ],
)
def test_deontic_statements_have_class_bearer_keys_and_counterparty(dataset, words, cls, bearer_keys, counterparty):
    """A statement is typed by its modality; its bearer is the party's role in the document,
    played by the corpus entity and found by the party's match keys."""
    g = graph_of(dataset, DOC)
    start = SOURCE.index(words)
    statement = next(s for s in g.subjects(NIF.beginIndex, Literal(start)) if (s, RDF.type, cls) in g)
    bearer = g.value(statement, CG.bearer)
    assert bearer == node(f"{DOC}/party/hartford") and (bearer, RDF.type, CG.PartyRole) in g
    assert g.value(bearer, CG.player) == URIRef(entity_iri("hartford"))
    assert {str(k) for k in g.objects(bearer, CG.matchKey)} == bearer_keys
    role = g.value(statement, CG.counterparty)
    assert (g.value(role, CG.player) if role is not None else None) == (
        URIRef(entity_iri(counterparty)) if counterparty else None)
    assert g.value(statement, CG.inClause) == node(f"{DOC}/sec_8__subsec_a")


def test_a_bearer_that_names_no_entity_is_a_role_of_its_own():
    """'each Party shall …' in a form with no named parties: the bearer is a party role with the
    words' match key and no player, so obligations-by-party still finds it."""
    import dataclasses

    from clausegraph.build import document_from_text
    from clausegraph.model import Corpus, Deontic, Modality

    text = "1. Confidentiality. Each Party shall keep the Confidential Information secret.\n"
    document = document_from_text(text, "form")
    start = text.index("Each Party")
    statement = Deontic("form", "1", Modality.OBLIGATION, "each Party", None, start, len(text) - 1,
                        text[start:-1], "shall")
    g = graph_of(corpus_dataset(Corpus((dataclasses.replace(document, deontics=(statement,)),))), "form")
    [node_] = g.subjects(RDF.type, CG.DeonticStatement)
    bearer = g.value(node_, CG.bearer)
    assert (bearer, RDF.type, CG.PartyRole) in g and g.value(bearer, CG.player) is None
    assert str(g.value(bearer, CG.name)) == "each Party"
    assert {str(k) for k in g.objects(bearer, CG.matchKey)} == {"each party"}


@pytest.mark.parametrize("words, designator, provisions", [
    # (the reference's words, its designator, the provisions cited, enclosing levels after)
    ("Rule 424(b) under the Securities Act of 1933", "424(b)",
     ["Securities Act of 1933 Rule 424(b)", "Securities Act of 1933 Rule 424"]),
])
def test_statute_provisions_are_nodes(dataset, words, designator, provisions):
    """A statute reference names its provision as a node: part of its act, cited by the clause
    at every level, so 'every clause citing Rule 424 of the Securities Act' is one triple pattern."""
    from clausegraph.store import authority_iri

    g = graph_of(dataset, DOC)
    corpus_graph = dataset.graph(URIRef(ENTITIES_GRAPH))
    start = SOURCE.index(words)
    reference = next(s for s in g.subjects(NIF.beginIndex, Literal(start)) if (s, RDF.type, CG.CrossReference) in g)
    cited = URIRef(authority_iri(provisions[0]))
    assert g.value(reference, CG.targetProvision) == cited
    assert str(corpus_graph.value(cited, CG.designator)) == designator
    assert corpus_graph.value(cited, CG.provisionOf) == URIRef(authority_iri(provisions[1]))
    assert corpus_graph.value(URIRef(authority_iri(provisions[1])), CG.provisionOf) == URIRef(
        authority_iri("Securities Act of 1933"))
    source = g.value(reference, CG.sourceClause)
    for name in (*provisions, "Securities Act of 1933"):
        assert (source, CG.citesAuthority, URIRef(authority_iri(name))) in g


def test_condition_precedent_is_typed_and_governs_its_clause(dataset):
    """A condition precedent is also a cg:ConditionPrecedent and governs its clause."""
    g = graph_of(dataset, DOC)
    (condition,) = set(g.subjects(RDF.type, CG.ConditionPrecedent))
    assert g.value(condition, CG.governs) == node(f"{DOC}/sec_7")
    assert g.value(condition, CG.conditionKind) == Literal("condition precedent")


def test_references_resolve_to_clauses_and_authorities(dataset):
    """References: a clause target gets a refersTo shortcut; a statute is an authority; a broken one neither."""
    g = graph_of(dataset, DOC)
    s7 = node(f"{DOC}/sec_7")
    assert (s7, CG.refersTo, node(f"{DOC}/sec_5__subsec_a")) in g
    authority = URIRef(ID + "authority/Securities_Act_of_1933")
    assert (node(f"{DOC}/sec_5__subsec_a"), CG.citesAuthority, authority) in g
    broken = node(f"{DOC}/ref/{SOURCE.index('Section 12(z)')}-{SOURCE.index('Section 12(z)') + 13}")
    assert (broken, RDF.type, CG.CrossReference) in g
    assert g.value(broken, CG.targetClause) is None and g.value(broken, CG.targetAuthority) is None
    assert (authority, CG.name, Literal("Securities Act of 1933")) in dataset.graph(URIRef(ENTITIES_GRAPH))


def test_findings_keep_kind_message_and_words(dataset):
    """Lint findings are nodes with kind, message, clause and (where known) offsets."""
    g = graph_of(dataset, DOC)
    findings = set(g.subjects(RDF.type, CG.Finding))
    assert {str(g.value(f, CG.findingKind)) for f in findings} == {"broken reference", "unused definition"}
    located = [f for f in findings if g.value(f, NIF.beginIndex) is not None]
    assert len(located) == 1 and str(g.value(located[0], NIF.anchorOf)) == "Section 12(z)"


# --- stability ------------------------------------------------------------------------------------


def test_building_twice_gives_identical_triples(synthetic):
    """The same records give the same IRIs and triples (no blank nodes, no clocks)."""
    first, second = corpus_dataset(synthetic), corpus_dataset(synthetic_corpus())
    assert set(first.quads()) == set(second.quads())
    assert isomorphic(to_isomorphic(first.graph(URIRef(document_graph_iri(DOC)))),
                      to_isomorphic(second.graph(URIRef(document_graph_iri(DOC)))))


def test_real_corpus_builds_twice_to_the_same_quads(corpus, tmp_path):
    """Two builds of the real corpus give the same set of quads."""
    from clausegraph.build import build
    from conftest import CORPUS

    again = build([CORPUS], tmp_path / "outputs")
    assert set(corpus_graphs(corpus).quads()) == set(corpus_graphs(again.corpus).quads())


def test_real_corpus_anchors_are_exact_and_clauses_nest(corpus):
    """On the real corpus every anchor is the source's words and every clause lies in its parent."""
    dataset = corpus_dataset(corpus, with_ontology=False)
    for document in corpus.documents:
        g = graph_of(dataset, document.doc_id)
        clauses = set(g.subjects(RDF.type, CG.Clause))
        assert len(clauses) == len(document.clauses)
        for subject in set(g.subjects(NIF.beginIndex, None)) - {node(document.doc_id)}:
            start, end = g.value(subject, NIF.beginIndex).toPython(), g.value(subject, NIF.endIndex).toPython()
            assert str(g.value(subject, NIF.anchorOf)) == document.source[start:end], subject
        assert str(g.value(node(document.doc_id), NIF.isString)) == document.source
        for clause in clauses:
            parent = g.value(clause, CG.parent)
            if parent is not None:
                assert g.value(parent, NIF.beginIndex).toPython() <= g.value(clause, NIF.beginIndex).toPython()
                assert g.value(clause, NIF.endIndex).toPython() <= g.value(parent, NIF.endIndex).toPython()
