"""The persistent embedded store: write it at build time, open it read-only to answer queries.

Interface (stable; ``serve.py`` and ``push.py`` rely on it — do not change):

- ``open_store(folder: Path, read_only=True) -> GraphStore``: ``folder`` is what ``build``
  wrote (``outputs/``, whose ``store/`` sub-folder holds the Oxigraph database) or the
  ``store/`` folder itself. Raises ``StoreError`` (one clear line) when nothing was built.
- ``GraphStore.query(sparql: str, bindings: dict[str, str | rdflib term | pyoxigraph term] | None
  = None)`` runs SPARQL with the default graph as the union of all named graphs and returns
  pyoxigraph's own result: ``QuerySolutions`` (SELECT; ``.serialize(format=QueryResultsFormat.JSON
  | XML | CSV | TSV)``), ``QueryBoolean`` (ASK) or ``QueryTriples`` (CONSTRUCT / DESCRIBE;
  ``.serialize(format=RdfFormat.TURTLE)``). A plain ``str`` binding is bound as a plain string
  literal; bindings are substituted as RDF terms, never pasted into the query text.
  Malformed SPARQL raises ``QueryError`` carrying the parser's message.
- ``GraphStore.select(sparql, bindings)`` → ``list[dict[str, python value]]`` (convenience);
  ``GraphStore.run(name, bindings)`` the same for a named query, over the graphs it needs.
- ``GraphStore.named_graphs() -> list[str]``: the named graph IRIs, sorted.
- ``GraphStore.graph_nquads(graph_iri: str) -> bytes`` / ``graph_ntriples(graph_iri)``: one
  named graph serialised (for the Graph Store Protocol's PUT).

Every reader of an outputs folder (the query commands, ``serve``, ``push``) finds the build
to read through ``current_build(folder)``: ``build`` writes each build into its own folder
``outputs/builds/<id>/`` and shows it through the link ``outputs/current``.

Files in a build folder: ``store/`` (Oxigraph on-disk store), ``dataset.nq`` (N-Quads), and
those ``build --formats`` asks for (``FORMATS``; none by default).

Named graphs: a document's graph is ``https://w3id.org/clausegraph/id/{doc}/graph``
(``document_graph_iri(doc)``); corpus-wide entities live in
``https://w3id.org/clausegraph/id/entities/graph``; the ontology (with its alignment) in
``https://w3id.org/clausegraph/ontology``.
"""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
import unicodedata
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox
from json.encoder import encode_basestring as json_string  # json's C string encoder, as json.dumps

from .errors import QueryError, StoreError

ID_BASE = "https://w3id.org/clausegraph/id/"
ONTOLOGY_GRAPH = "https://w3id.org/clausegraph/ontology"
ENTITIES_GRAPH = ID_BASE + "entities/graph"
CG_IRI = "https://w3id.org/clausegraph/ontology#"
STORE_DIR = "store"
XSD = "http://www.w3.org/2001/XMLSchema#"
DATASET_FILES = {"nq": "dataset.nq", "trig": "dataset.trig", "jsonld": "dataset.jsonld"}


CURRENT_LINK = "current"  # outputs/current -> builds/<id>: the build the outputs folder shows


def current_build(folder: Path) -> Path:
    """The folder of the build that ``folder`` shows now, resolved once, so that a reader who
    keeps the answer reads one build throughout even if a new one is switched in meanwhile.

    ``folder`` is an outputs folder (``outputs/current`` is followed) or a build folder itself.
    """
    folder = Path(folder)
    link = folder / CURRENT_LINK
    if link.is_symlink():
        return link.resolve()
    return folder


def document_graph_iri(doc: str) -> str:
    """The named graph that holds one document's triples."""
    from urllib.parse import quote

    return f"{ID_BASE}{quote(doc, safe='-._~')}/graph"


# --- where the ontology and the named queries live --------------------------------------------


def ontology_dir() -> Path:
    """The ontology folder: package data ``clausegraph.ontology`` when installed, else the checkout's."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("clausegraph.ontology")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if (Path(location) / "clausegraph.ttl").exists():
                return Path(location)
    checkout = Path(__file__).resolve().parent.parent / "ontology"
    if (checkout / "clausegraph.ttl").exists():
        return checkout
    raise StoreError("the clausegraph ontology files are missing from this installation; reinstall clausegraph")


def queries_dir() -> Path:
    return ontology_dir() / "queries"


# --- IRIs and match keys (shared by rdf.py, which writes them, and the queries that read them) --


def iri_segment(text: str) -> str:
    """One IRI path segment from free text, reversible and stable: spaces become '_'."""
    from urllib.parse import quote

    return quote(text.replace(" ", "_"), safe="-._~")


def document_iri(doc: str) -> str:
    """One IRI per document id, and never the same for two ids: every character that is not
    unreserved is percent-encoded ("my contract" → my%20contract, "my_contract" stays)."""
    from urllib.parse import quote

    return ID_BASE + quote(doc, safe="-._~")


def entity_iri(key: str) -> str:
    """One IRI per entity across the corpus, from its stable Entity.key."""
    return f"{ID_BASE}entity/{iri_segment(key)}"


def authority_iri(name: str) -> str:
    return f"{ID_BASE}authority/{iri_segment(name)}"


# Leading words that do not change whom a name means: "the Company" is "Company".
MATCH_KEY_ARTICLES = ("the", "a", "an")
# Compounds whose first part takes the plural: "attorneys-in-fact" → "attorney-in-fact".
PLURAL_FIRST_COMPOUNDS = re.compile(r"-(?:in|of|at)-")


def match_key(name: str) -> str:
    """A normalised name: case, punctuation, a leading article and plurals do not matter.

    "The Underwriters" → "underwriter"; "The Hartford Financial Services Group, Inc." →
    "hartford financial service group inc". Applied to both the graph's names and the user's
    input, so it only needs to be consistent, not linguistically right.
    """
    text = unicodedata.normalize("NFKC", name).lower()
    text = re.sub(r"[^\w&\-\s]+", " ", text)  # periods, commas, quotes, parentheses
    words = text.split()
    while len(words) > 1 and words[0] in MATCH_KEY_ARTICLES:
        words = words[1:]
    return " ".join(_singular_compound(w) for w in words)


def _singular_compound(word: str) -> str:
    if PLURAL_FIRST_COMPOUNDS.search(word):
        first, rest = word.split("-", 1)
        return _singular(first) + "-" + rest
    return _singular(word)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# --- RDF terms -----------------------------------------------------------------------------------


def to_term(value: Any):
    """A value as a pyoxigraph term: pyoxigraph terms as they are, rdflib terms converted,
    ``str`` as a plain string literal, ``bool``/``int`` as typed literals."""
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    kind = type(value).__name__
    if kind == "URIRef":
        return ox.NamedNode(str(value))
    if kind == "BNode":
        return ox.BlankNode(str(value))
    if kind == "Literal":
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype is not None:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise QueryError(f"cannot bind a {kind} value ({value!r}) as an RDF term")


NUMERIC_TYPES = {XSD + t for t in ("integer", "nonNegativeInteger", "int", "long", "positiveInteger")}
# The same datatypes as terms: a row's cells are compared with them without making strings.
_INTEGER_DATATYPES = frozenset(ox.NamedNode(t) for t in NUMERIC_TYPES)
_BOOLEAN_DATATYPE = ox.NamedNode(XSD + "boolean")
_STRING_DATATYPE = ox.NamedNode(XSD + "string")


def to_python(term) -> Any:
    """A pyoxigraph term as plain Python: IRIs and strings as str, integers as int, booleans as bool."""
    if term is None:
        return None
    if type(term) is ox.Literal:
        datatype = term.datatype
        if datatype in _INTEGER_DATATYPES:
            return int(term.value)
        if datatype == _BOOLEAN_DATATYPE:
            return term.value in ("true", "1")
    return term.value


def _quad(s, p, o, g) -> "ox.Quad":
    graph = g if isinstance(g, ox.NamedNode) else ox.NamedNode(str(g))  # rdflib URIRef or str
    return ox.Quad(to_term(s), to_term(p), to_term(o), graph)


# --- writing ---------------------------------------------------------------------------------------

PREFIXES = {
    "cg": "https://w3id.org/clausegraph/ontology#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
}


# What ``build --formats`` can write besides the store. The store itself is always filled from
# dataset.nq, which is always written (``serve`` offers it, external stores bulk-load it).
FORMATS = {
    "nq": "dataset.nq: the whole dataset as N-Quads (always written)",
    "nq.gz": "dataset.nq.gz: the same, gzipped, for bulk loading into QLever, Fuseki, GraphDB or Virtuoso",
    "trig": "dataset.trig: the whole dataset as TriG, with prefixes",
    "jsonld": "dataset.jsonld: compacted JSON-LD with a @context, one @graph per named graph",
    "ttl": "graphs/NAME.ttl: one Turtle file per named graph",
    "shards": "shards/NAME.nq.gz: one gzipped N-Quads file per named graph, for loading in parallel",
}
# SPEC.md: TriG and JSON-LD on disk beside the store. The others cost a serialization of the whole
# store each (the bulk-loading ones: nq.gz, shards; per graph: ttl): only when asked.
DEFAULT_FORMATS = ("nq", "trig", "jsonld")
GRAPHS_DIR, SHARDS_DIR = "graphs", "shards"


def parse_formats(text: str) -> tuple[str, ...]:
    """``"trig,jsonld"`` → ("nq", "trig", "jsonld"); "all" is every format; unknown names fail clearly."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if names == ["all"]:
        return tuple(FORMATS)
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise StoreError(f"--formats: unknown format {unknown[0]!r} (known: {', '.join(FORMATS)}, all)")
    return tuple(dict.fromkeys(["nq", *names]))


def graph_file_stem(graph_iri: str) -> str:
    """A file name for one named graph: the document id for a document's graph (as in its IRI,
    percent-encoded), "entities" for the corpus graph, "ontology" for the ontology."""
    if graph_iri == ONTOLOGY_GRAPH:
        return "ontology"
    stem = graph_iri[len(ID_BASE):] if graph_iri.startswith(ID_BASE) else graph_iri
    stem = stem[: -len("/graph")] if stem.endswith("/graph") else stem
    return re.sub(r"[^A-Za-z0-9._~%-]", "_", stem) or "graph"


def write_store(quads: Iterable[tuple], folder: Path, formats: Iterable[str] = DEFAULT_FORMATS) -> int:
    """Write the on-disk store and the dataset files into ``folder`` from quads (rdflib or
    pyoxigraph terms). The build writes dataset.nq itself and calls ``load_store``."""
    nq = folder / DATASET_FILES["nq"]
    with open(nq, "wb") as out:
        ox.serialize((_quad(*q) for q in quads), output=out, format=ox.RdfFormat.N_QUADS)
    return load_store(folder, formats)


def load_store(folder: Path, formats: Iterable[str] = DEFAULT_FORMATS) -> int:
    """Fill ``folder/store`` from ``folder/dataset.nq`` with Oxigraph's bulk loader, then write
    the other formats asked for with Oxigraph's own serializers. Returns the number of quads."""
    store_path = folder / STORE_DIR
    if store_path.exists():
        shutil.rmtree(store_path)
    store = ox.Store(str(store_path))
    try:
        store.bulk_load(path=str(folder / DATASET_FILES["nq"]), format=ox.RdfFormat.N_QUADS)
        store.flush()
        store.optimize()
        return _finish_store(store, folder, formats)
    finally:
        del store  # releases the RocksDB files before build swaps the folder into place


def update_store(folder: Path, previous: Path, stale: Iterable[str], added: Iterable[str],
                 formats: Iterable[str] = DEFAULT_FORMATS) -> int:
    """``folder/store`` as the store of the ``previous`` build with the ``stale`` named graphs
    taken out and the N-Quads texts ``added`` put in: a rebuild after a few changes costs what
    changed, not the corpus. The copy is a RocksDB checkpoint (hard links to the previous
    build's immutable files), so the previous build stays whole for whoever still reads it."""
    store_path = folder / STORE_DIR
    if store_path.exists():
        shutil.rmtree(store_path)
    source = ox.Store.read_only(str(previous / STORE_DIR))
    try:
        source.backup(str(store_path))
    finally:
        del source
    store = ox.Store(str(store_path))
    try:
        for graph in stale:
            store.remove_graph(ox.NamedNode(graph))
        for text in added:
            store.load(input=text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        store.flush()
        return _finish_store(store, folder, formats)
    finally:
        del store


class BulkLoader:
    """A new ``folder/store`` filled from N-Quads as a build writes them, one graph at a time, in
    a thread of its own (Oxigraph releases the GIL while it loads), so that loading overlaps
    with making the next graphs. ``add`` takes a file's path or N-Quads text; ``finish`` waits,
    compacts the store and writes the formats asked for, like ``load_store``."""

    def __init__(self, folder: Path):
        import queue
        import threading

        store_path = folder / STORE_DIR
        if store_path.exists():
            shutil.rmtree(store_path)
        self.store = ox.Store(str(store_path))
        self.queue: "queue.Queue[Path | str | None]" = queue.Queue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._load, name="clausegraph-store", daemon=True)
        self.thread.start()

    def add(self, source: "Path | str") -> None:
        self.queue.put(source)

    def wait(self) -> None:
        """Every graph added so far is in the store (their files may be removed)."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _load(self) -> None:
        while (source := self.queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                if isinstance(source, Path):
                    self.store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
                else:
                    self.store.bulk_load(input=source.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            except BaseException as exc:  # raised again by wait(), in the build's thread
                self.error = exc

    def finish(self, folder: Path, formats: Iterable[str]) -> int:
        if self.thread.is_alive():
            self.wait()
        try:
            self.store.flush()
            self.store.optimize()
            return _finish_store(self.store, folder, formats)
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the store (RocksDB's files), finished or not."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        self.store = None


# TriG and JSON-LD of one named graph at a time, so that a build writes these files from the
# graphs it keeps or makes (``dataset_blocks``) rather than serialising the whole store again.
JSONLD_HEAD = '{"@context": ' + __import__("json").dumps(dict(PREFIXES)) + ',\n "@graph": ['
JSONLD_SEPARATOR, JSONLD_FIRST, JSONLD_TAIL = ",\n  ", "\n  ", "\n ]}\n"


def trig_head() -> bytes:
    """The prefixes that open dataset.trig (each graph's block is written without them)."""
    return "".join(f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in PREFIXES.items()).encode("utf-8")


def dataset_blocks(graph_iri: str, nquads: str, formats: Iterable[str]) -> dict[str, bytes]:
    """One graph's block of dataset.trig (``"trig"``) and of dataset.jsonld (``"jsonld"``), as
    ``formats`` asks, from its N-Quads: the files are their blocks joined (``JSONLD_*``).

    Oxigraph's serializers write the quads as they come: a subject whose quads lie together
    (as rdf.py writes them) is written once. No store is filled for this (loading one costs
    more than both serialisations)."""
    formats = set(formats)
    blocks: dict[str, bytes] = {}
    if not formats & {"trig", "jsonld"}:
        return blocks
    quads = list(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    if "trig" in formats:
        text = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
        while text.startswith(b"@prefix "):  # the directives, in an order of Oxigraph's: trig_head's instead
            text = text[text.index(b"\n") + 1:]
        blocks["trig"] = text
    if "jsonld" in formats:
        nodes = ox.serialize([quad.triple for quad in quads], format=ox.RdfFormat.JSON_LD) or b"[]"
        blocks["jsonld"] = (b'{"@id": ' + _json_bytes(compact_iri(graph_iri)) + b', "@graph": '
                            + compact_jsonld(nodes) + b"}")
    return blocks


def _json_bytes(text: str) -> bytes:
    return json_string(text).encode("utf-8")


def _finish_store(store: "ox.Store", folder: Path, formats: Iterable[str]) -> int:
    """The number of quads, and the dataset files ``formats`` asks for besides dataset.nq."""
    count = len(store)
    formats = set(formats)
    if "nq.gz" in formats:
        _gzip(folder / DATASET_FILES["nq"], folder / (DATASET_FILES["nq"] + ".gz"))
    if "trig" in formats:
        store.dump(str(folder / DATASET_FILES["trig"]), ox.RdfFormat.TRIG, prefixes=PREFIXES)
    if "jsonld" in formats:
        _write_jsonld(store, folder / DATASET_FILES["jsonld"])
    if "ttl" in formats or "shards" in formats:
        for graph in sorted(store.named_graphs(), key=lambda g: g.value):
            stem = graph_file_stem(graph.value)
            if "ttl" in formats:
                (folder / GRAPHS_DIR).mkdir(exist_ok=True)
                store.dump(str(folder / GRAPHS_DIR / f"{stem}.ttl"), ox.RdfFormat.TURTLE,
                           from_graph=graph, prefixes=PREFIXES)
            if "shards" in formats:
                import gzip

                (folder / SHARDS_DIR).mkdir(exist_ok=True)
                data = ox.serialize(store.quads_for_pattern(None, None, None, graph), format=ox.RdfFormat.N_QUADS)
                with gzip.open(folder / SHARDS_DIR / f"{stem}.nq.gz", "wb", compresslevel=6) as out:
                    out.write(data)
    return count


def _gzip(source: Path, target: Path) -> None:
    import gzip

    with open(source, "rb") as data, gzip.open(target, "wb", compresslevel=6) as out:
        shutil.copyfileobj(data, out, 1 << 20)


def _write_jsonld(store: "ox.Store", path: Path) -> None:
    """Compacted JSON-LD: Oxigraph writes expanded JSON-LD; here IRIs under the known prefixes
    become compact IRIs ("cg:Clause") declared in one @context. One named graph is held at a time."""
    with open(path, "wb") as out:
        out.write(JSONLD_HEAD.encode("utf-8"))
        for n, graph in enumerate(sorted(store.named_graphs(), key=lambda g: g.value)):
            nodes = store.dump(format=ox.RdfFormat.JSON_LD, from_graph=graph) or b"[]"
            out.write((JSONLD_SEPARATOR if n else JSONLD_FIRST).encode("utf-8"))
            out.write(b'{"@id": ' + _json_bytes(compact_iri(graph.value)) + b', "@graph": '
                      + compact_jsonld(nodes) + b"}")
        out.write(JSONLD_TAIL.encode("utf-8"))


PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


@lru_cache(maxsize=1 << 16)  # the same predicates and classes, over and over
def compact_iri(iri: str) -> str:
    """The compact IRI (``cg:Clause``) of a JSON-LD key or ``@id``, under the longest prefix."""
    for prefix, base in PREFIX_ORDER:
        if iri.startswith(base):
            local = iri[len(base):]
            # A compact IRI whose suffix opens with "//" reads as an absolute IRI (JSON-LD 1.1, IRI expansion).
            if local and not local.startswith("//"):
                return f"{prefix}:{local}"
    return iri


# Where expanded JSON-LD (as Oxigraph writes it, without spaces) holds an IRI: a key (a string
# after "{" or "," and before ":"; the values in its arrays are objects) and the value of "@id"
# or "@type". A '"' that follows "{", "," or ":" is never inside a string, where every '"' is
# escaped, so literal text is never touched; an IRI written with an escape is left expanded.
_IRI_OPENINGS = (b'{"', b',"', b'"@id":"', b'"@type":"')
_JSONLD_IRI = re.compile(rb'(?<=[{,])"([^"\\]+)"(?=:)|(?<="@id":)"([^"\\]*)"|(?<="@type":)"([^"\\]*)"')
# An IRI under a prefix that compact_iri keeps whole (its local part opens with "//"): none in
# clausegraph's vocabulary, so only a look, not a rewrite, in the common case.
_KEPT_WHOLE = [b'"' + base.encode("utf-8") + b"//" for _, base in PREFIX_ORDER]


def compact_jsonld(expanded: bytes) -> bytes:
    """Oxigraph's expanded JSON-LD with IRIs as compact IRIs, rewritten in its bytes (parsing
    the JSON and writing it again cost most of the JSON-LD output): each prefix's IRIs are
    replaced where an IRI can stand, unless one of them is to be kept whole."""
    if any(kept in expanded for kept in _KEPT_WHOLE):
        return _JSONLD_IRI.sub(_compact_match, expanded)
    for prefix, base in PREFIX_ORDER:
        base_bytes, compact = base.encode("utf-8"), prefix.encode("utf-8") + b":"
        for opening in _IRI_OPENINGS:
            expanded = expanded.replace(opening + base_bytes, opening + compact)
    return expanded


def _compact_match(match: re.Match) -> bytes:
    return b'"' + _compact_iri_bytes(match.group(match.lastindex)) + b'"'


@lru_cache(maxsize=1 << 16)
def _compact_iri_bytes(iri: bytes) -> bytes:
    return compact_iri(iri.decode("utf-8")).encode("utf-8")


# --- reading ---------------------------------------------------------------------------------------


def open_store(folder: Path, read_only: bool = True) -> "GraphStore":
    """The store that ``build`` wrote: ``folder`` is the outputs folder or its ``store/``."""
    folder = current_build(folder)
    path = folder / STORE_DIR if (folder / STORE_DIR).is_dir() else folder
    if not (path / "CURRENT").exists():  # RocksDB's marker file: an Oxigraph store lives here
        if (folder / "manifest.json").exists():
            raise StoreError(
                f"{folder}: built without an RDF store (no {STORE_DIR}/); rebuild with `clausegraph build`"
            )
        raise StoreError(f"{folder}: nothing built yet (no RDF store); run `clausegraph build` first")
    try:
        store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the RDF store ({exc}); rebuild with `clausegraph build`") from exc
    return GraphStore(store, path)


VARIABLE_NAME = re.compile(r"^[?$]?([A-Za-z_][A-Za-z0-9_]*)$")


class GraphStore:
    """An opened store: SPARQL with bound RDF terms, over the union of all named graphs."""

    def __init__(self, store: "ox.Store", path: Path):
        self.store = store
        self.path = path

    def query(self, sparql: str, bindings: dict[str, Any] | None = None, graphs: list[str] | None = None):
        """Run SPARQL; ``bindings`` map variable names to values bound as RDF terms.

        A bound variable must be in the query's SELECT clause (Oxigraph substitutes values
        for projected variables; SEP-0007); it then acts as a constant in every pattern.
        """
        substitutions = {}
        for name, value in party_bindings(sparql, bindings or {}).items():
            match = VARIABLE_NAME.match(name)
            if not match:
                raise QueryError(f"{name!r} is not a SPARQL variable name")
            if not re.search(rf"[?$]{match.group(1)}\b", sparql):
                raise QueryError(f"the query has no variable ?{match.group(1)} to bind")
            substitutions[ox.Variable(match.group(1))] = to_term(value)
        try:
            if graphs is not None:  # the default graph is the union of these graphs only
                return self.store.query(sparql, substitutions=substitutions or None,
                                        default_graph=[ox.NamedNode(g) for g in graphs])
            return self.store.query(sparql, substitutions=substitutions or None, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from exc
        except RuntimeError as exc:
            raise QueryError(str(exc)) from exc

    def select(self, sparql: str, bindings: dict[str, Any] | None = None,
               graphs: list[str] | None = None) -> list[dict[str, Any]]:
        """SELECT rows as dicts of plain Python values (unbound → None)."""
        return self.select_table(sparql, bindings, graphs)[1]

    def select_table(self, sparql: str, bindings: dict[str, Any] | None = None,
                     graphs: list[str] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        """SELECT as (variable names, rows of plain Python values), in the query's order."""
        answer = self.answer(sparql, bindings, graphs)
        if not isinstance(answer, tuple):
            raise QueryError("expected a SELECT query")
        return answer

    def answer(self, sparql: str, bindings: dict[str, Any] | None = None, graphs: list[str] | None = None):
        """A SELECT's (variable names, rows of plain Python values), in the query's order; an
        ASK's or CONSTRUCT's result as ``query`` gives it.

        A trailing ORDER BY of plain variables that the query returns is applied here, to the
        rows: Oxigraph compares terms by decoding them, looking each long string up again on
        every comparison, so that ordering a few thousand rows costs more than finding them.
        """
        unordered, keys = split_order_by(sparql)
        if keys and not {k for k, _ in keys} <= projected_variables(unordered):
            unordered, keys = sparql, []
        result = self.query(unordered, bindings, graphs)
        if not isinstance(result, ox.QuerySolutions):
            return self.query(sparql, bindings, graphs) if keys else result
        names = [v.value for v in result.variables]
        terms = [tuple(row) for row in result]
        if keys and not ({k for k, _ in keys} <= set(names)
                         and _orders_as_python(terms, [names.index(k) for k, _ in keys])):
            # A key the query does not return after all, or a key column Python would order
            # otherwise than SPARQL (a language tag, a date, numbers beside strings): Oxigraph orders.
            terms, keys = [tuple(row) for row in self.query(sparql, bindings, graphs)], []
        rows = [dict(zip(names, map(to_python, row))) for row in terms]
        return names, ordered_rows(rows, keys)

    def run(self, name: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """A named query from ontology/queries/ (``obligations-by-party``) as rows, over the
        graphs it needs (``graphs_for``)."""
        return self.select(load_query(name), bindings, self.graphs_for(name, bindings))

    def graphs_for(self, name: str, bindings: dict[str, Any] | None) -> list[str] | None:
        """The graphs the named query ``name`` needs with these bindings; None: every graph.

        A query about one document (``DOCUMENT_QUERIES``, with ``doc`` bound) runs over that
        document's graph and the graphs its nodes point into, not over the union of every
        graph: the same answer, in milliseconds instead of seconds on a corpus of 1,000.
        """
        doc = (bindings or {}).get("doc")
        if name in DOCUMENT_QUERIES and isinstance(doc, str) and doc:
            return self.graphs_around(doc)
        return None

    def has_document(self, doc: str) -> bool:
        """Was a document with this id built? (One index lookup, not the list of documents.)"""
        found = self.store.quads_for_pattern(None, ox.NamedNode(CG_IRI + "documentId"), ox.Literal(doc), None)
        return next(iter(found), None) is not None

    def graphs_around(self, doc: str) -> list[str]:
        """The document's graph, the corpus and ontology graphs, and the graph of every other
        document one of its nodes points to (a reference's target clause)."""
        own = document_graph_iri(doc)
        graphs = {own, ENTITIES_GRAPH, ONTOLOGY_GRAPH}
        prefix = ID_BASE
        # A reference's target clause is the only node of another document that a document's
        # graph points to (entities and authorities are in the corpus graph; rdf.py).
        targets = {q.object.value for q in self.store.quads_for_pattern(
            None, ox.NamedNode(CG_IRI + "targetClause"), None, ox.NamedNode(own))}
        for iri in targets:
            first = iri[len(prefix):].split("/", 1)[0]
            graph = f"{prefix}{first}/graph"
            if graph not in graphs and self.store.contains_named_graph(ox.NamedNode(graph)):
                graphs.add(graph)
        return sorted(graphs)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def graph_nquads(self, graph_iri: str) -> bytes:
        return self._dump_graph(graph_iri, ox.RdfFormat.N_QUADS)

    def graph_ntriples(self, graph_iri: str) -> bytes:
        return self._dump_graph(graph_iri, ox.RdfFormat.N_TRIPLES)

    def _dump_graph(self, graph_iri: str, fmt) -> bytes:
        graph = ox.NamedNode(graph_iri)
        if fmt == ox.RdfFormat.N_TRIPLES:
            return self.store.dump(format=fmt, from_graph=graph)
        out = ox.Store()
        out.extend(self.store.quads_for_pattern(None, None, None, graph))
        return out.dump(format=fmt)

    def __len__(self) -> int:
        return len(self.store)


# --- named queries ---------------------------------------------------------------------------------

# Named queries whose answer, for a bound ?doc, is made of that document's nodes (and what they
# point to one step away: entities and authorities in the corpus graph, target clauses): run
# over those graphs only (``GraphStore.graphs_for``). Not here: queries that look at other
# documents (refs-to, refs-transitive-in), or follow chains across documents (refs-transitive),
# or range over the corpus (parties, and parties-in-document, which lists the other documents
# each party appears in).
DOCUMENT_QUERIES = frozenset({
    "clauses", "refs", "refs-from", "terms", "term-uses", "conditions", "conditions-of-clause",
    "obligations", "obligations-by-party", "obligations-with-conditions", "lint", "unused-terms",
    "broken-references", "authorities", "clauses-citing",
})


# --- ordering rows ---------------------------------------------------------------------------------

# A query's last clause "ORDER BY ?a DESC(?b) ..." of plain variables (no expressions, no LIMIT).
TRAILING_ORDER_BY = re.compile(
    r"\bORDER\s+BY((?:\s*(?:(?:ASC|DESC)\s*\(\s*[?$][A-Za-z_]\w*\s*\)|[?$][A-Za-z_]\w*))+)\s*$", re.I)
ORDER_KEY = re.compile(r"(?:(ASC|DESC)\s*\(\s*)?[?$]([A-Za-z_]\w*)", re.I)


def split_order_by(sparql: str) -> tuple[str, list[tuple[str, bool]]]:
    """The query without its trailing ORDER BY of plain variables, and the keys as (variable,
    descending); the query itself and [] when it ends otherwise."""
    found = TRAILING_ORDER_BY.search(sparql)
    if not found:
        return sparql, []
    keys = [(name, (way or "").upper() == "DESC") for way, name in ORDER_KEY.findall(found.group(1))]
    return sparql[:found.start()], keys


SELECT_CLAUSE = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(?P<projection>.*?)\s*(?:\bWHERE\b|\{)", re.I | re.S)
COMMENT = re.compile(r"(?m)^\s*#.*$")


def projected_variables(sparql: str) -> set[str]:
    """The variables the outermost SELECT returns, as far as the text shows ("*": every name in
    the text); a guess, checked against the result before its order is relied on."""
    found = SELECT_CLAUSE.search(COMMENT.sub("", sparql))
    if not found:
        return set()
    projection = found["projection"]
    names = projection if projection.strip() != "*" else sparql
    return set(re.findall(r"[?$]([A-Za-z_]\w*)", names))


# Literal datatypes whose values Python orders as SPARQL does, by kind: one kind per key column.
_ORDER_KINDS = {_STRING_DATATYPE: "string", _BOOLEAN_DATATYPE: "boolean"} | dict.fromkeys(_INTEGER_DATATYPES, "integer")


def _orders_as_python(rows: list[tuple], columns: list[int]) -> bool:
    """Does each key column hold one kind of value that Python orders as SPARQL does: IRIs, or
    literals of one kind (strings, integers, booleans; a language tag is another datatype)?"""
    for column in columns:
        terms = [row[column] for row in rows if row[column] is not None]
        types = {type(term) for term in terms}
        if types == {ox.Literal}:
            kinds = {_ORDER_KINDS.get(datatype) for datatype in {term.datatype for term in terms}}
            if len(kinds) > 1 or None in kinds:
                return False
        elif types and types != {ox.NamedNode}:
            return False
    return True


def ordered_rows(rows: list[dict[str, Any]], keys: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    """Rows in SPARQL's ORDER BY order for ``keys`` (each of one kind, ``_orders_as_python``):
    unbound first, then by value (code point order for strings); DESC reverses one key. Rows
    equal on every key keep the order they came in (the standard leaves it open)."""
    for name, descending in reversed(keys):  # stable sorts, from the last key to the first
        rows.sort(key=lambda row: (row[name] is not None, row[name]), reverse=descending)
    return rows


# A query that selects statements by party takes ?partyKey, a normalised name; a user binds
# ?party to the name in any spelling ("the Company", "Underwriters") and gets its key bound.
PARTY_VARIABLE, PARTY_KEY_VARIABLE = "party", "partyKey"


def party_bindings(sparql: str, bindings: dict[str, Any]) -> dict[str, Any]:
    """``party=NAME`` becomes ``partyKey=match_key(NAME)`` for a query that has ?partyKey but no ?party."""
    if PARTY_VARIABLE not in bindings or re.search(rf"[?$]{PARTY_VARIABLE}\b", sparql):
        return bindings
    if not re.search(rf"[?$]{PARTY_KEY_VARIABLE}\b", sparql):
        return bindings
    value = bindings[PARTY_VARIABLE]
    key = match_key(str(getattr(value, "value", value)))
    if not key:
        raise QueryError(f"--bind party={value!r}: give a party's name, alias or defined term")
    out = {k: v for k, v in bindings.items() if k != PARTY_VARIABLE}
    out[PARTY_KEY_VARIABLE] = key
    return out


def query_names() -> list[str]:
    return sorted(p.stem for p in queries_dir().glob("*.rq"))


# A named query is a plain file name in ontology/queries/: no folder, no "..".
QUERY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def load_query(name_or_file: str | Path) -> str:
    """The text of a named query (``refs-from``) or of a ``.rq`` file the user gives."""
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.exists():
        return _read_query(path)
    name = path.stem if path.suffix == ".rq" else str(name_or_file)
    named = queries_dir() / f"{name}.rq"
    if QUERY_NAME.match(name) and ".." not in name and named.is_file():
        return _read_query(named)
    if path.suffix == ".rq":
        raise QueryError(f"{name_or_file}: no such query file")
    raise QueryError(f"unknown query {name_or_file!r} (named queries: {', '.join(query_names())})")


def _read_query(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query ({exc})") from exc
