"""clausegraph: contracts as a knowledge graph people can trust.

The package reads as its pipeline: ``load`` → ``clean`` → ``segment`` → ``tagging`` →
``resolve`` → ``rdf``/``store`` → query commands, ``lint``, ``render``, ``serve``.

The public API is the handful of functions below (README, "Python API")::

    import clausegraph
    doc = clausegraph.read("corpus/hig-power-of-attorney-2004.txt")     # one tagged Document
    corpus = clausegraph.corpus(["corpus/"])                            # resolved, in memory
    ds = clausegraph.dataset(corpus)                                    # an rdflib Dataset
    clausegraph.build_outputs(["corpus/"], "outputs")                   # what `clausegraph build` does
    rows = clausegraph.query("refs-from", "outputs", doc="hig-underwriting-agreement-2004", label="12")

Importing clausegraph is light: spaCy, rdflib and Oxigraph are imported by the function that
needs them, when it is first called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

__version__ = "0.1.0"

if TYPE_CHECKING:  # for readers and type checkers only: these imports are heavy
    from rdflib import Dataset

    from .build import BuildReport
    from .model import Corpus, Document
    from .queryinfo import NamedQuery

__all__ = ["__version__", "read", "corpus", "build_outputs", "dataset", "query", "named_queries"]

PathLike = str | Path


def read(path: PathLike) -> "Document":
    """Read one file (text, EDGAR SGML, HTML, …) into a tagged :class:`~clausegraph.model.Document`.

    The Document has its clause tree (``doc.clauses``, ``doc.clause("8(c)")``) and the records the
    taggers found (``terms``, ``mentions``, ``references``, ``deontics``, ``conditions``), each with
    offsets into the source text. References are not yet resolved across documents: use
    :func:`corpus` for that. Bad input raises :class:`~clausegraph.errors.InputError`.
    """
    from .build import process_document

    return process_document(Path(path))


def corpus(paths: PathLike | Iterable[PathLike]) -> "Corpus":
    """Read files and folders and resolve them together, in memory (nothing is written).

    Resolution is what ``build`` does across documents: references to their target clauses,
    one entity per party across documents, lint findings (``corpus.findings``). A file that
    cannot be read raises :class:`~clausegraph.errors.InputError` naming every such file.
    """
    import dataclasses

    from .build import collect_inputs, process_document
    from .errors import ClauseGraphError, InputError
    from .lint import lint
    from .resolve import resolve_corpus

    files, errors, _ = collect_inputs(_paths(paths))  # what a folder holds but is not read: not an error
    documents, seen = [], {}
    for path in files:
        try:
            document = process_document(path)
        except ClauseGraphError as exc:
            errors.append(str(exc))
            continue
        if document.doc_id in seen:
            errors.append(f"{path}: document id {document.doc_id!r} is already used by {seen[document.doc_id]}")
            continue
        seen[document.doc_id] = path
        documents.append(document)
    if errors:
        raise InputError("; ".join(errors))
    resolved = resolve_corpus(documents)
    return dataclasses.replace(resolved, findings=tuple(lint(resolved)))


def build_outputs(paths: PathLike | Iterable[PathLike], out: PathLike = "outputs", *,
                  jobs: int | None = None) -> "BuildReport":
    """What ``clausegraph build`` does: write the outputs (pages, RDF files, the store) into ``out``.

    (Not named ``build``: importing the submodule ``clausegraph.build`` would hide a function
    of that name.)

    Returns the report: ``report.corpus`` (the resolved Corpus), ``report.errors`` (one line per
    file that failed; the others are built), ``report.ok``.
    """
    from .build import build

    return build(_paths(paths), Path(out), jobs=jobs)


def dataset(source: "Corpus | Document | PathLike" = "outputs") -> "Dataset":
    """The graph as an rdflib ``Dataset``: one named graph per document, the entities, the ontology.

    ``source`` is a Corpus (from :func:`corpus`), one Document (from :func:`read`), or the folder
    ``build`` wrote (its store is read; nothing is re-extracted).
    """
    from .model import Corpus, Document

    if isinstance(source, Document):
        from .resolve import resolve_corpus

        source = resolve_corpus([source])
    if isinstance(source, Corpus):
        from .rdf import corpus_dataset

        return corpus_dataset(source)
    import pyoxigraph as ox
    from rdflib import Dataset

    from .store import open_store

    store = open_store(Path(source))
    graph = Dataset()
    graph.parse(data=store.store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
    return graph


def query(name_or_sparql: str, store: PathLike = "outputs", /, **bindings: Any) -> list[dict[str, Any]]:
    """Run a named query (``"refs-from"``), a ``.rq`` file or SPARQL text on what ``build`` wrote.

    ``bindings`` are bound as RDF terms (never pasted into the query): ``doc="…", label="8(c)"``.
    Returns SELECT rows as dicts of plain Python values (unbound → None). A required parameter
    left unbound, an update or a SERVICE query raises :class:`~clausegraph.errors.QueryError`.
    """
    from .errors import QueryError
    from .querycheck import check_query
    from .queryinfo import describe, missing_prefixes, prefix_hint, short_syntax_error
    from .store import load_query, open_store, party_bindings

    is_text = any(c in name_or_sparql for c in "{}\n") or " " in name_or_sparql.strip()
    text = name_or_sparql if is_text else load_query(name_or_sparql)
    verdict = check_query(text)
    if not verdict.ok:
        raise QueryError(verdict.problem)
    if missing_prefixes(text):
        raise QueryError(prefix_hint(missing_prefixes(text)[0]))
    bindings = party_bindings(text, bindings)  # party="the Company" → partyKey, as the CLI's --bind does
    missing = [name for name in describe(name_or_sparql, text).required if name not in bindings]
    if missing:
        raise QueryError(f"{name_or_sparql if not is_text else 'the query'} needs {', '.join('?' + m for m in missing)}")
    try:
        opened = open_store(Path(store))
        # a named query about one document runs over that document's graphs (GraphStore.graphs_for)
        return opened.select(text, bindings, None if is_text else opened.graphs_for(name_or_sparql, bindings))
    except QueryError as exc:
        raise QueryError(short_syntax_error(str(exc))) from exc


def named_queries() -> list["NamedQuery"]:
    """The named queries of ``ontology/queries/``: name, description, parameters (required or not)."""
    from .queryinfo import named_queries as list_queries

    return list_queries()


def _paths(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    return [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
