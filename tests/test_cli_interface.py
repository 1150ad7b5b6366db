"""The command line as a user meets it (issue 12): --version, -v/-q anywhere, --format, query
--list, labels as lawyers write them, "did you mean", exit codes, one-line errors, completion.

Everything runs the real commands on the real corpus build (``main([...])`` in-process, or the
installed console script in a subprocess where the process itself matters).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import clausegraph
from clausegraph.cli import main
from conftest import CORPUS, POA, UA

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def script(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    exe = shutil.which("clausegraph", path=str(Path(sys.executable).parent))
    cmd = [exe, *args] if exe else [sys.executable, "-m", "clausegraph.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=cwd,
                          env=dict(os.environ, **(env or {})))


@pytest.fixture(scope="module")
def store(built):
    return built[1]


# --- --version, -v / -q ------------------------------------------------------------------------


def test_version_is_the_installed_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"clausegraph {clausegraph.__version__}" == f"clausegraph {version('clausegraph')}"


@pytest.mark.parametrize("argv", [["-q", "lint"], ["lint", "-q"], ["lint", "--quiet"], ["-v", "lint"], ["lint", "-v"]])
def test_verbosity_options_before_or_after_the_command(capsys, store, argv):
    code, out, err = run(capsys, *argv, "--store", store)
    assert code == 0 and err == "" and out.startswith("doc")


def test_quiet_and_verbose_together_is_a_usage_error(capsys, store):
    with pytest.raises(SystemExit) as exit_:
        main(["-q", "lint", "-v", "--store", str(store)])
    assert exit_.value.code == 2
    assert "exclude each other" in capsys.readouterr().err


def test_quiet_build_prints_nothing_and_verbose_build_says_what_it_built(tmp_path):
    quiet = script("build", str(CORPUS / f"{POA}.txt"), "--out", str(tmp_path / "q"), "-q")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    loud = script("build", str(CORPUS / f"{POA}.txt"), "--out", str(tmp_path / "v"))
    assert loud.returncode == 0 and loud.stdout.startswith("built 1 document (")


# --- --format on every query command -----------------------------------------------------------

QUERY_COMMANDS = [
    (["clauses", POA], "clauses"), (["refs", UA, "12"], "refs"), (["terms", UA], "terms"),
    (["parties", POA], "parties"), (["obligations", "--doc", POA], "obligations"),
    (["conditions", POA], "conditions"), (["lint"], "lint"),
]


@pytest.mark.parametrize("argv, command", QUERY_COMMANDS)
def test_every_query_command_prints_json_csv_and_tsv_of_the_same_records(capsys, store, argv, command):
    code, out, err = run(capsys, *argv, "--store", store, "--format", "json")
    assert code == 0, err
    records = json.loads(out)
    assert records, "the real corpus has records for each of these commands"
    code, legacy, _ = run(capsys, *argv, "--store", store, "--json")  # SPEC.md's --json still works
    assert code == 0 and json.loads(legacy) == records
    fields = list(records[0])

    code, out, _ = run(capsys, *argv, "--store", store, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == fields and len(rows) == len(records) + 1
    assert rows[1][0] == str(records[0][fields[0]])

    code, out, _ = run(capsys, *argv, "--store", store, "--format", "tsv")
    lines = out.splitlines()
    assert code == 0 and lines[0].split("\t") == fields and len(lines) == len(records) + 1
    assert all(line.count("\t") == len(fields) - 1 for line in lines)  # no tab or line break inside a value


def test_csv_joins_lists_and_writes_booleans_and_nulls_plainly(capsys, store):
    _, out, _ = run(capsys, "parties", POA, "--store", store, "--json")
    first = json.loads(out)[0]
    _, out, _ = run(capsys, "parties", POA, "--store", store, "--format", "csv")
    row = dict(zip(*list(csv.reader(io.StringIO(out)))[:2]))
    assert row["party"] == ("true" if first["party"] else "false")
    assert row["docs"] == " | ".join(first["docs"])


def test_query_tsv(capsys, store):
    code, out, err = run(capsys, "query", "refs-from", "--bind", f"doc={UA}", "--bind", "label=12",
                         "--store", store, "--format", "tsv")
    header, row = out.splitlines()
    record = dict(zip(header.split("\t"), row.split("\t")))
    assert code == 0 and (record["label"], record["target"], record["text"]) == ("12", "8(c)", "Section 8(c)")


# --- labels as lawyers write them; did you mean ------------------------------------------------


@pytest.mark.parametrize("label", ["8(c)", "Section 8(c)", "8C", "8(C)", "section 8c", "§ 8(c)", "SECTION 8 (c)"])
def test_labels_in_any_citation_form(capsys, store, label):
    code, out, err = run(capsys, "refs", UA, label, "--store", store, "--json")
    assert code == 0, err
    assert {r["source"] for r in json.loads(out)} == {"8(c)"}  # 8(c)'s own references, nothing else
    code, out, err = run(capsys, "conditions", UA, label, "--store", store, "--json")
    assert code == 0 and {r["clause"] for r in json.loads(out)} <= {"8(c)", "8(c)(i)", "8(c)(ii)"}


def test_a_bound_label_is_matched_the_same_way(capsys, store):
    code, out, err = run(capsys, "query", "refs-from", "--bind", f"doc={UA}", "--bind", "label=Section 12",
                         "--store", store, "--json")
    assert code == 0, err
    assert [r["target"] for r in json.loads(out)] == ["8(c)"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["terms", "hig-underwritng-agreement-2004"],
         "unknown document 'hig-underwritng-agreement-2004'; did you mean 'hig-underwriting-agreement-2004'?"),
        (["clauses", "hig-power-of-atorney-2004"], "did you mean 'hig-power-of-attorney-2004'?"),
        (["obligations", "--doc", "HIG-power-of-attorney-2004"], "did you mean 'hig-power-of-attorney-2004'?"),
        (["refs", UA, "Annex 1, v"], "no clause labelled 'Annex 1, v' in hig-underwriting-agreement-2004; "
                                     "did you mean 'Annex I, v'"),
        (["refs", UA, "99(z)"], "no clause labelled '99(z)'"),
        (["terms", "zzz"], "unknown document 'zzz' (built: "),  # nothing near: the list of documents
        (["query", "refs-frm"], "unknown query 'refs-frm'; did you mean 'refs-from'"),
    ],
)
def test_did_you_mean(capsys, store, argv, message):
    code, out, err = run(capsys, *argv, "--store", store)
    assert code == 4 and out == ""
    assert message in err and err.count("\n") == 1


def test_label_matching_never_guesses_between_two_clauses():
    from clausegraph.errors import QueryError
    from clausegraph.labels import match_label

    assert match_label("Article iv", ["Article IV", "4"], "d") == "Article IV"
    assert match_label("8c", ["8", "8(c)", "8(c)(i)"], "d") == "8(c)"
    with pytest.raises(QueryError, match=re.escape("could be 1(a)(i) or 1(a(i))")):
        match_label("1ai", ["1(a)(i)", "1(a(i))"], "d")


# --- query --list, required parameters, one-line SPARQL errors -----------------------------------


def test_query_list_shows_every_named_query_with_its_parameters(capsys):
    from clausegraph.store import query_names

    code, out, err = run(capsys, "query", "--list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["query", "parameters", "answers"]
    listed = {line.split()[0]: line for line in lines[2:]}
    assert sorted(listed) == query_names()
    assert " doc label " in listed["refs-from"] and "partyKey [doc] [modality]" in listed["obligations-by-party"]


def test_query_list_as_json_reads_each_header(capsys):
    code, out, _ = run(capsys, "query", "--list", "--format", "json")
    queries = {q["name"]: q for q in json.loads(out)}
    assert code == 0
    assert [(p["name"], p["required"]) for p in queries["refs-from"]["parameters"]] == [("doc", True), ("label", True)]
    assert [p["name"] for p in queries["obligations"]["parameters"]] == ["doc", "modality"]
    assert not any(p["required"] for p in queries["obligations"]["parameters"])
    assert queries["documents"]["parameters"] == []
    assert queries["refs-from"]["example"].startswith("clausegraph query refs-from")


def test_every_listed_parameter_is_a_bindable_variable_of_its_query():
    """A header naming a variable the query does not SELECT would make --bind fail."""
    import re

    from clausegraph.queryinfo import named_queries
    from clausegraph.store import load_query

    for q in named_queries():
        select = load_query(q.name).split("WHERE")[0]
        for p in q.parameters:
            assert re.search(rf"\?{p.name}\b", select), f"{q.name}: ?{p.name} is not in its SELECT clause"


def test_a_required_parameter_left_unbound_is_named(capsys, store):
    code, out, err = run(capsys, "query", "refs-from", "--bind", f"doc={UA}", "--store", store)
    assert code == 4 and out == ""
    assert err == "clausegraph: refs-from needs ?label: add --bind label=VALUE (`clausegraph query --list` shows every query's parameters)\n"


def test_party_satisfies_a_required_party_key(capsys, store):
    # --bind party=NAME is how a user names the party (store.party_bindings computes ?partyKey)
    code, out, err = run(capsys, "query", "obligations-by-party", "--bind", "party=the Company",
                         "--bind", f"doc={UA}", "--store", store, "--json")
    assert code == 0, err
    assert json.loads(out) and {r["doc"] for r in json.loads(out)} == {UA}


def test_query_without_a_name_says_what_to_give(capsys, store):
    code, out, err = run(capsys, "query", "--store", store)
    assert code == 4 and "query --list" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "text, message",
    [
        ('SELECT ?c WHERE { ?c cg:label "8" }',
         "unknown prefix 'cg:' — add PREFIX cg: <https://w3id.org/clausegraph/ontology#>"),
        ('PREFIX cg: <https://w3id.org/clausegraph/ontology#>\nSELECT ?c WHERE { ?c cg:label ?l ; ex:x "8" }',
         "unknown prefix 'ex:' — add PREFIX ex: <…>"),
    ],
)
def test_missing_prefix_is_one_short_line(capsys, store, tmp_path, text, message):
    path = tmp_path / "mine.rq"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "query", path, "--store", store)
    assert code == 4 and out == ""
    assert err == f"clausegraph: {path}: {message}\n"
    assert len(err) < 200 and "\\u{" not in err


@pytest.mark.parametrize(
    "text, reason",
    [
        ("SELECT * WHERE { ?s ?p ?o } GROUP BY ?s", "SELECT * is not authorized with GROUP BY"),
        ("SELECT (1 AS ?x) (2 AS ?x) {}", "Duplicated variable name in SELECT"),
    ],
)
def test_oxigraph_syntax_errors_keep_only_their_reason(capsys, store, tmp_path, text, reason):
    # rdflib's grammar (the safety check) accepts these; Oxigraph refuses them with a long list
    path = tmp_path / "mine.rq"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "query", path, "--store", store)
    assert code == 4 and out == ""
    assert err.startswith(f"clausegraph: {path}: malformed SPARQL: error at ") and err.endswith(f": {reason}\n")


def test_short_syntax_error_cuts_a_list_without_a_reason():
    from clausegraph.queryinfo import short_syntax_error

    long = "malformed SPARQL: error at 1:2: expected one of " + ", ".join(f"'{c}'" for c in "abcdefghijklmnopqrstuvwxyz" * 3)
    short = short_syntax_error(long)
    assert short.startswith("malformed SPARQL: error at 1:2: expected 'a', 'b'") and short.endswith(" …")
    assert len(short) < 120
    assert short_syntax_error("error at 1:3: expected [_]") == "error at 1:3: expected [_]"


def test_missing_prefix_is_reported_before_the_store_is_needed(capsys, tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("SELECT * { ?s nif:anchorOf ?o }", encoding="utf-8")
    code, _, err = run(capsys, "query", path, "--store", tmp_path / "nothing-here")
    assert code == 4 and "unknown prefix 'nif:'" in err


# --- exit codes (README, "Exit codes") ---------------------------------------------------------


def test_exit_codes_as_the_readme_lists_them(tmp_path, store):
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"\x00\x01binary")
    good = tmp_path / "docs"
    good.mkdir()
    shutil.copy(CORPUS / f"{POA}.txt", good)
    shutil.copy(blob, good)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cases = [
        (0, ["lint", "--store", str(store)]),
        (1, ["build", str(good), "--out", str(tmp_path / "partial")]),  # one of two documents failed
        (2, ["build", str(blob), "--out", str(tmp_path / "none")]),  # nothing could be built
        (2, ["refs"]),  # usage: DOC missing
        (3, ["lint", "--store", str(tmp_path / "never-built")]),
        (4, ["terms", "no-such-doc", "--store", str(store)]),
        (5, ["push", "--endpoint", "http://127.0.0.1:9/sparql", "--store", str(store)]),  # nothing listens there
    ]
    for code, argv in cases:
        done = script(*argv)
        assert done.returncode == code, (argv, done.stderr)
        assert f"| {code} |" in readme  # each code is in the README's table
        if code:
            assert done.stderr.strip() and "Traceback" not in done.stderr


# --- shell completion ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("clausegraph que", ["query"]),
        ("clausegraph query refs-f", ["refs-from"]),
        ("clausegraph query --bind doc=x obligations-b", ["obligations-by-party"]),
        ("clausegraph refs --store {store} hig-p", [POA]),
        ("clausegraph refs --store {store} " + UA + " 8(c", ["8(c)", "8(c)(i)", "8(c)(ii)"]),
    ],
)
def test_shell_completion(tmp_path, store, line, expected):
    pytest.importorskip("argcomplete")
    line = line.format(store=store)
    answer = tmp_path / "completions"
    done = script(env={"_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)),
                       "_ARGCOMPLETE_IFS": "\n", "_ARGCOMPLETE_STDOUT_FILENAME": str(answer)})
    assert done.returncode == 0, done.stderr
    got = [c.replace("\\", "").strip() for c in answer.read_text().splitlines()]
    assert [c for c in got if c] == expected
