"""The tagging components in a user's own spaCy pipeline: found by name, run on a plain Doc."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import CORPUS

spacy = pytest.importorskip("spacy")

COMPONENTS = ("clausegraph_terms", "clausegraph_entities", "clausegraph_refs", "clausegraph_deontic",
              "clausegraph_conditions")
TEXT = (
    'This Agreement is made between Acme Corp. (the "Company") and Beta LLC (the "Buyer").\n\n'
    "1. Payment. The Company shall pay the Buyer $5 within 10 days, subject to Section 2.\n\n"
    "2. Notice. The Buyer may terminate this Agreement."
)


def test_entry_points_register_the_factories_without_importing_clausegraph():
    # A fresh interpreter: only spaCy's entry-point lookup can find the factories there.
    script = (
        "import sys, spacy\n"
        "nlp = spacy.blank('en')\n"
        f"for name in {COMPONENTS!r}: nlp.add_pipe(name)\n"
        "print(nlp.pipe_names)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(list(COMPONENTS))


@pytest.fixture(scope="module")
def doc():
    import clausegraph.tagging.factories  # noqa: F401  (in-process: the same registration)

    nlp = spacy.blank("en")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp(TEXT)


def test_plain_doc_gets_terms_entities_refs_obligations_conditions(doc):
    spans = {group: [(s.text, s.label_) for s in doc.spans[group]] for group in doc.spans}
    assert ("Company", "TERM") in spans["cg_terms"] and ("Buyer", "TERM") in spans["cg_terms"]
    assert ("Acme Corp.", "acme-corp") in spans["cg_mentions"]
    assert spans["cg_refs"] == [("Section 2", "SECTION")]
    assert [label for _, label in spans["cg_deontics"]] == ["obligation", "permission"]
    assert "time limit" in [label for _, label in spans["cg_conditions"]]


def test_records_carry_clause_labels_from_the_docs_own_text(doc):
    results = doc.user_data["clausegraph.results"]
    (reference,) = results["references"]
    assert (reference.source, reference.target) == ("1", "2")  # segmented: "1." and "2." are sections
    assert TEXT[reference.start:reference.end] == "Section 2"  # offsets are the Doc's own
    obligation = results["deontics"][0]
    assert (obligation.clause, obligation.bearer, obligation.counterparty) == ("1", "Company", "Buyer")


def test_empty_and_unnumbered_text_run_too():
    import clausegraph.tagging.factories  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("clausegraph_deontic")
    assert list(nlp("").spans["cg_deontics"]) == []
    doc = nlp("The Seller shall deliver the goods.")
    assert [s.label_ for s in doc.spans["cg_deontics"]] == ["obligation"]
    assert doc.user_data["clausegraph.results"]["deontics"][0].clause == "p1"


def test_a_document_of_another_text_is_a_clear_error():
    from clausegraph.tagging.pipeline import document_for_text

    nlp = spacy.blank("en")
    nlp.add_pipe("clausegraph_refs")
    doc = nlp.make_doc("See Section 2.")
    doc.user_data["clausegraph.document"] = document_for_text("some other text")
    with pytest.raises(ValueError, match="is not the Document of this Doc's text"):
        nlp.get_pipe("clausegraph_refs")(doc)


def test_the_build_tags_as_the_spacy_pipeline_does():
    # tag_document runs the same components without a Doc: every record (every field) the same.
    from clausegraph.build import read_document
    from clausegraph.model import record_json
    from clausegraph.tagging import build_nlp, tag_document

    document = read_document(CORPUS / "hig-underwriting-agreement-2004.txt")
    nlp = build_nlp()
    doc = nlp.make_doc(document.clean)
    doc.user_data["clausegraph.document"] = document
    doc = nlp(doc)
    results = doc.user_data["clausegraph.results"]
    tagged = tag_document(document)
    assert tagged.terms and tagged.mentions and tagged.references and tagged.deontics and tagged.conditions
    for family in ("terms", "mentions", "references", "deontics", "conditions"):
        assert record_json(list(getattr(tagged, family))) == record_json(results[family]), family
    assert len(doc.spans["cg_terms"]) == len(tagged.terms)


def test_components_survive_pickling():
    """spaCy pickles components for nlp.pipe(n_process=…): the adapter must round-trip."""
    import pickle

    nlp = spacy.blank("en")
    nlp.add_pipe("clausegraph_refs")
    component = pickle.loads(pickle.dumps(nlp.get_pipe("clausegraph_refs")))
    tagged = component(nlp.make_doc(TEXT))
    assert [s.text for s in tagged.spans["cg_refs"]] == ["Section 2"]
