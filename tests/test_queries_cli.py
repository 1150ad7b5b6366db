"""The query commands (refs, terms, parties, obligations, conditions, lint, query) on the store.

Content is checked on a store built from hand-made records of every type (test_rdf's
synthetic corpus); consistency with the tagged records, import cost and error paths on the
real corpus build.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clausegraph.cli import main
from clausegraph.rdf import corpus_graphs
from clausegraph.store import write_store
from test_rdf import DOC, POA_DOC, synthetic_corpus

# rdflib 7.6 and pyshacl warn about their own Dataset internals on every parse; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:.*(deprecated|ConjunctiveGraph).*:DeprecationWarning")

SPEC_FIELDS = {
    "refs": ["source", "text", "start", "end", "target", "external"],
    "terms": ["term", "defined_in", "definition", "start", "end", "used_in"],
    "parties": ["name", "kind", "party", "roles", "aliases", "docs"],
    "obligations": ["doc", "clause", "modality", "bearer", "counterparty", "text"],
    "conditions": ["doc", "clause", "kind", "text", "governs"],
    "lint": ["doc", "kind", "clause", "text", "message"],
}
UA = "hig-underwriting-agreement-2004"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic-outputs")
    write_store(corpus_graphs(synthetic_corpus()).quads(), out)
    return out


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def records(capsys, store_dir, *argv) -> list[dict]:
    code, out, err = run(capsys, *argv, "--store", store_dir, "--json")
    assert code == 0, err
    return json.loads(out)


# --- SPEC fields ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, command, count",
    [
        (["refs", DOC], "refs", 3),
        (["terms", DOC], "terms", 1),
        (["parties"], "parties", 4),
        (["parties", POA_DOC], "parties", 3),
        (["obligations"], "obligations", 4),
        (["conditions", DOC], "conditions", 2),
        (["lint"], "lint", 2),
    ],
)
def test_json_records_have_exactly_the_spec_fields(capsys, store_dir, argv, command, count):
    """--json prints a JSON array whose records have exactly SPEC.md's fields, in order."""
    rows = records(capsys, store_dir, *argv)
    assert len(rows) == count
    assert all(list(r) == SPEC_FIELDS[command] for r in rows)


# --- each command's answers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, expected",
    [
        # what does Section 7 point to?
        (["refs", DOC, "7"], [("7", "Section 5(a)", "5(a)", None)]),
        # what points to Section 5 (to 5 or any part of it)?
        (["refs", DOC, "5", "--direction", "in"], [("7", "Section 5(a)", "5(a)", None)]),
        # a statute reference from 5(a), reached from its parent 5
        (["refs", DOC, "5", "--direction", "out"],
         [("5(a)", "Rule 424(b) under the Securities Act of 1933", None, "Securities Act of 1933")]),
        # both directions of 5: one out, one in
        (["refs", DOC, "5", "--direction", "both"],
         [("5(a)", "Rule 424(b) under the Securities Act of 1933", None, "Securities Act of 1933"),
          ("7", "Section 5(a)", "5(a)", None)]),
        # a broken reference keeps target null
        (["refs", DOC, "8(a)"], [("8(a)", "Section 12(z)", None, None)]),
    ],
)
def test_refs_from_and_to_a_clause(capsys, store_dir, argv, expected):
    """refs DOC LABEL follows references out of, or into, a clause and its parts."""
    rows = records(capsys, store_dir, *argv)
    assert [(r["source"], r["text"], r["target"], r["external"]) for r in rows] == expected


def test_terms_with_definition_and_uses_in_reading_order(capsys, store_dir):
    """terms DOC: the definition, its clause and the clauses using it, in reading order."""
    (row,) = records(capsys, store_dir, "terms", DOC)
    assert row["term"] == "COMPANY" and row["defined_in"] == "preamble"
    assert row["definition"] == "The Hartford Financial Services Group, Inc., a Delaware corporation"
    assert row["used_in"] == ["5", "7", "8(a)"]


def test_parties_across_the_corpus_and_in_one_document(capsys, store_dir):
    """parties lists every document an entity appears in; parties DOC gives roles there."""
    corpus_rows = {r["name"]: r for r in records(capsys, store_dir, "parties")}
    hartford = corpus_rows["The Hartford Financial Services Group, Inc."]
    assert hartford["party"] is True and hartford["docs"] == [POA_DOC, DOC]
    assert hartford["roles"] == ["issuer", "principal"]
    sec = corpus_rows["Securities and Exchange Commission"]
    assert (sec["party"], sec["roles"], sec["docs"]) == (False, ["regulator"], [POA_DOC, DOC])
    poa_rows = {r["name"]: r for r in records(capsys, store_dir, "parties", POA_DOC)}
    assert set(poa_rows) == {"The Hartford Financial Services Group, Inc.", "Neal S. Wolin",
                             "Securities and Exchange Commission"}
    assert poa_rows["Securities and Exchange Commission"]["roles"] == []
    assert poa_rows["Neal S. Wolin"]["roles"] == ["attorney-in-fact"]
    assert poa_rows["The Hartford Financial Services Group, Inc."]["roles"] == ["principal"]


@pytest.mark.parametrize(
    "party, bearers",
    [
        ("Company", {"Company"}),  # the defined term
        ("the Company", {"Company"}),  # with its article
        ("COMPANY", {"Company"}),  # as defined, in capitals
        ("The Hartford Financial Services Group, Inc.", {"Company"}),  # the entity's full name
        ("Underwriter", {"Underwriter"}),  # singular
        ("Underwriters", {"Underwriter"}),  # plural
        ("Goldman, Sachs & Co.", {"Underwriter"}),  # the entity behind the role word
        ('Company" } ; DROP ALL ; #', set()),  # an injection attempt is just a name
        ("Nobody", set()),  # an unknown party
    ],
)
def test_obligations_by_party_matches_names_aliases_and_terms(capsys, store_dir, party, bearers):
    """obligations --party matches name, alias and defined term, any case, singular or plural."""
    rows = records(capsys, store_dir, "obligations", "--party", party)
    assert {r["bearer"] for r in rows} == bearers
    if bearers == {"Company"}:
        assert len(rows) == 3


def test_injection_leaves_the_store_intact(capsys, store_dir):
    """After an injection attempt every statement is still there."""
    records(capsys, store_dir, "obligations", "--party", 'Company" } ; DROP ALL ; #')
    assert len(records(capsys, store_dir, "obligations")) == 4


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--modality", "prohibition"], [("8(a)", "prohibition", "Company", None)]),
        (["--party", "Underwriters", "--doc", DOC], [("8(b)", "obligation", "Underwriter", "Company")]),
        (["--doc", POA_DOC], []),
    ],
)
def test_obligations_filters(capsys, store_dir, argv, expected):
    """obligations filters by modality and document, alone or with a party."""
    rows = records(capsys, store_dir, "obligations", *argv)
    assert [(r["clause"], r["modality"], r["bearer"], r["counterparty"]) for r in rows] == expected


def test_conditions_of_a_clause(capsys, store_dir):
    """conditions DOC LABEL: the conditions written in or governing the clause."""
    rows = records(capsys, store_dir, "conditions", DOC, "7")
    assert [(r["clause"], r["kind"], r["governs"]) for r in rows] == [("7", "condition precedent", "7")]
    rows = records(capsys, store_dir, "conditions", DOC, "8")
    assert [r["kind"] for r in rows] == ["proviso"]


def test_lint_lists_findings_per_document(capsys, store_dir):
    """lint [DOC] prints the findings, those without a place first (as lint.json orders them)."""
    rows = records(capsys, store_dir, "lint", DOC)
    assert [(r["kind"], r["clause"]) for r in rows] == [("unused definition", None), ("broken reference", "8(a)")]
    assert records(capsys, store_dir, "lint", POA_DOC) == []


# --- the query command --------------------------------------------------------------------------


def test_query_named_with_bindings_as_json(capsys, store_dir):
    """query NAME --bind runs a named query with bound values."""
    code, out, err = run(capsys, "query", "refs-transitive", "--bind", f"doc={DOC}", "--bind", "label=7",
                         "--store", store_dir, "--format", "json")
    assert code == 0, err
    assert [(r["reachedDoc"], r["reached"]) for r in json.loads(out)] == [(DOC, "5(a)")]


def test_query_csv_and_table(capsys, store_dir):
    """query prints CSV with a header row, and a readable table."""
    code, out, _ = run(capsys, "query", "authorities", "--store", store_dir, "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("doc,authority,references,clauses")
    assert lines[1].startswith(f"{DOC},Securities Act of 1933,1,5(a)")
    code, out, _ = run(capsys, "query", "broken-references", "--store", store_dir)
    assert code == 0 and "Section 12(z)" in out and out.splitlines()[0].split()[:2] == ["doc", "source"]


def test_query_users_own_file_ask_and_construct(capsys, store_dir, tmp_path):
    """query runs a user's .rq file: SELECT with a binding, ASK, CONSTRUCT."""
    select = tmp_path / "mine.rq"
    select.write_text(
        "PREFIX cg: <https://w3id.org/clausegraph/ontology#>\n"
        "SELECT ?label ?heading WHERE { ?c cg:label ?label ; cg:heading ?heading }\n"
    )
    code, out, _ = run(capsys, "query", select, "--bind", "label=7", "--store", store_dir, "--format", "json")
    assert code == 0 and json.loads(out) == [{"label": "7", "heading": "Conditions"}]
    ask = tmp_path / "ask.rq"
    ask.write_text('ASK { ?s ?p "Conditions" }')
    code, out, _ = run(capsys, "query", ask, "--store", store_dir)
    assert (code, out.strip()) == (0, "true")
    construct = tmp_path / "construct.rq"
    construct.write_text("PREFIX cg: <https://w3id.org/clausegraph/ontology#>\n"
                         "CONSTRUCT { ?c cg:heading ?h } WHERE { ?c cg:heading ?h }")
    code, out, _ = run(capsys, "query", construct, "--store", store_dir)
    assert code == 0 and out.strip().endswith('<https://w3id.org/clausegraph/ontology#heading> "Conditions" .')


@pytest.mark.parametrize(
    "binding, rows",
    [
        ("partyKey=company", 3),  # a plain string literal
        ('partyKey=company" } ; DROP ALL ; #', 0),  # pasted SPARQL stays a string
        ("partyKey=<https://w3id.org/clausegraph/id/x>", 0),  # an IRI is not the literal key
    ],
)
def test_query_bind_values_are_rdf_terms(capsys, store_dir, binding, rows):
    """--bind VAR=VALUE binds a literal (or <IRI>); nothing is pasted into the query."""
    code, out, err = run(capsys, "query", "obligations-by-party", "--bind", binding, "--store", store_dir,
                         "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)) == rows


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (["terms", "no-such-doc"], 4, "unknown document 'no-such-doc'"),
        (["refs", DOC, "99(z)"], 4, "no clause labelled '99(z)'"),
        (["conditions", DOC, "99"], 4, "no clause labelled '99'"),
        (["query", "no-such-query"], 4, "unknown query 'no-such-query'"),
        (["query", "refs", "--bind", "nonsense"], 4, "expected VAR=VALUE"),
        (["query", "refs", "--bind", "nope=1"], 4, "no variable ?nope"),
        (["obligations", "--party", "   "], 4, "give a party's name"),
    ],
)
def test_bad_input_fails_with_one_line(capsys, store_dir, argv, code, message):
    """Unknown documents, labels, queries and bad bindings: exit 4 and one line on stderr."""
    got, out, err = run(capsys, *argv, "--store", store_dir)
    assert got == code and out == ""
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [["refs", UA], ["terms", UA], ["parties"], ["obligations"], ["conditions", UA], ["lint"], ["query", "refs"]],
)
def test_commands_fail_clearly_when_nothing_was_built(capsys, tmp_path, argv):
    """Every query command: exit 3 and one line telling the user to build, when nothing was built."""
    code, out, err = run(capsys, *argv, "--store", tmp_path / "outputs")
    assert code == 3 and out == ""
    assert "nothing built yet" in err and "clausegraph build" in err and err.count("\n") == 1


# --- on the real corpus ---------------------------------------------------------------------------


def test_real_corpus_commands_answer_what_was_tagged(capsys, built, corpus):
    """On the real build, each command returns exactly as many records as the taggers made."""
    _, out = built
    ua = next(d for d in corpus.documents if d.doc_id == UA)
    assert len(records(capsys, out, "terms", UA)) == len(ua.terms)
    assert len(records(capsys, out, "refs", UA)) == len(ua.references)
    assert len(records(capsys, out, "conditions", UA)) == len(ua.conditions)
    assert len(records(capsys, out, "obligations")) == sum(len(d.deontics) for d in corpus.documents)
    assert len(records(capsys, out, "parties")) == len(corpus.entities)
    assert len(records(capsys, out, "lint")) == len(corpus.findings)
    for term, row in zip(ua.terms, records(capsys, out, "terms", UA)):
        # The term reads as written, its line breaks folded: "DESIGNATED SECURITIES".
        assert (row["term"], row["start"], row["end"]) == (" ".join(term.term.split()), term.start, term.end)
        assert row["used_in"] == list(term.used_in)


@pytest.mark.parametrize(
    "argv", [["refs", UA, "8"], ["terms", UA], ["parties"], ["obligations", "--party", "Company"],
             ["conditions", UA], ["lint"], ["query", "documents"]],
)
def test_query_commands_do_not_import_spacy(built, argv):
    """Query commands start without importing spaCy (checked with -X importtime in a subprocess)."""
    _, out = built
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "clausegraph.cli", *argv, "--store", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "clausegraph.store" in imported
    assert not {m for m in imported if m == "spacy" or m.startswith("spacy.")}


# --- the analysts' first questions (issue 12) ----------------------------------------------------


def _query_json(built, *args):
    import json
    import subprocess
    import sys

    _, out = built
    done = subprocess.run([sys.executable, "-m", "clausegraph.cli", "query", *args, "--format", "json",
                           "--store", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_bind_party_takes_any_spelling(built):
    """--bind party="the Company" selects what --bind partyKey=company does, and something."""
    by_name = _query_json(built, "obligations-by-party", "--bind", "party=the Company")
    by_key = _query_json(built, "obligations-by-party", "--bind", "partyKey=company")
    assert by_name and [r["statement"] for r in by_name] == [r["statement"] for r in by_key]
    assert {r["bearer"] for r in by_name} == {"Company"}


def test_refs_transitive_in_reaches_through_parts(built):
    """What depends on Section 8: 12 (cites 8(c)) and 9(a), whose chain 9(a) -> 9 -> 9(c) -> 8 goes through a part."""
    rows = _query_json(built, "refs-transitive-in", "--bind", "doc=hig-underwriting-agreement-2004", "--bind", "label=8")
    reaching = {r["reaching"] for r in rows}
    assert {"12", "9", "9(a)", "9(c)"} <= reaching and "8" not in reaching


def test_unused_terms(built):
    """'BUSINESS DAY' is defined in Section 14 and never used (as lint says); 'COMPANY' is used."""
    rows = _query_json(built, "unused-terms", "--bind", "doc=hig-underwriting-agreement-2004")
    terms = {r["term"].upper() for r in rows}
    assert "BUSINESS DAY" in terms and "COMPANY" not in terms


def test_clauses_citing_a_statute_section(built):
    """Every clause citing Section 11 of the Securities Act — including one that cites 11(f) — by one binding."""
    rows = _query_json(built, "clauses-citing", "--bind", "authority=Securities Act of 1933 § 11")
    clauses = {(r["doc"], r["clause"]) for r in rows}
    assert ("hig-underwriting-agreement-2004", "8(d)(ii)") in clauses or ("hig-underwriting-agreement-2004", "8(d)") in clauses
    whole_act = _query_json(built, "clauses-citing", "--bind", "authority=Securities Act of 1933")
    assert clauses < {(r["doc"], r["clause"]) for r in whole_act}


def test_obligations_with_conditions(built):
    """A party's obligations come with the conditions of their clause (kind: text)."""
    rows = _query_json(built, "obligations-with-conditions", "--bind", "party=Underwriters")
    assert rows and all(r["bearer"].startswith("Underwriter") for r in rows)
    with_conditions = [r for r in rows if r["conditions"]]
    assert with_conditions and all(":" in r["conditions"] for r in with_conditions)
