"""Orchestration: documents in, outputs/ out — each document on its own, failures contained.

``build`` runs every input through load → clean → segment (and the later stages), then
writes everything into a build folder of its own under ``outputs/builds/`` and shows it by
replacing one link, so a crash or a bad document never leaves half-written files behind and a
build that produces nothing leaves the previous one as it was. A document that fails is
reported in one line and left out; the others are built.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import logging
import os
import pickle
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .classify import document_kind, document_title
from .clean import clean
from .errors import ClauseGraphError, InputError, OutputError
from .load import load
from .lint import lint
from .model import Corpus, Document, record_json
from .rdf import CorpusContext, corpus_nquads, document_nquads, ontology_nquads
from .render import write_pages
from .resolve import resolve_corpus
from .store import (
    CURRENT_LINK, DATASET_FILES, DEFAULT_FORMATS, ENTITIES_GRAPH, ONTOLOGY_GRAPH, STORE_DIR, current_build,
    document_graph_iri, document_iri, load_store, update_store,
)
from .segment import segment

log = logging.getLogger(__name__)

INPUT_SUFFIXES = {".txt", ".text", ".htm", ".html", ".xhtml", ".sgml", ".nc", ".docx", ".pdf", ".md"}
# Below this many documents, starting worker processes costs more than it saves.
PARALLEL_MIN_DOCUMENTS = 6
KEEP_IN_OUTPUTS = {"README.md", ".gitignore"}


@dataclass
class BuildReport:
    out: Path
    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what a folder held that is not a document
    corpus: Corpus | None = None
    seconds: float = 0.0
    formats: tuple[str, ...] = DEFAULT_FORMATS
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def ok(self) -> bool:
        return not self.errors


# A folder's own notes (README.md beside the contracts, a licence file): skipped, and named.
FOLDER_NOTES = {"README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"}


def collect_inputs(paths: list[Path]) -> tuple[list[Path], list[str], list[str]]:
    """Files to build, errors and skipped entries (one line each, naming the path).

    Named files are taken as given; folders are expanded to the documents directly in them
    (sorted). Whatever a folder holds that is not read is named: a link that is broken, loops
    or points outside the folder (an error: it was meant as a document, or is an attempt to
    read what the corpus does not hold), and a sub-folder, a hidden file or a file of another
    type (skipped).
    """
    files: list[Path] = []
    errors: list[str] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_symlink() and not path.exists():
            errors.append(_link_problem(path) or f"{path}: no such file or folder")
        elif path.is_dir():
            try:
                entries = sorted(path.iterdir())
            except OSError as exc:
                errors.append(f"{path}: cannot read the folder: {exc.strerror or exc}")
                continue
            found = []
            for entry in entries:
                error = _link_problem(entry, inside=path) if entry.is_symlink() else None
                if error:
                    errors.append(error)
                elif entry.is_dir():
                    kind = "a folder named like a document" if entry.suffix.lower() in INPUT_SUFFIXES else "a folder"
                    skipped.append(f"{entry}: skipped: {kind} (only the files directly in {path} are read)")
                elif entry.name.startswith("."):
                    skipped.append(f"{entry}: skipped: a hidden file")
                elif entry.stem.upper() in FOLDER_NOTES:
                    skipped.append(f"{entry}: skipped: the folder's {entry.stem} is about the documents, not one "
                                   "of them (name the file to build it)")
                elif entry.suffix.lower() not in INPUT_SUFFIXES:
                    skipped.append(f"{entry}: skipped: not a type clausegraph reads "
                                   f"({entry.suffix or 'no suffix'}; it reads {', '.join(sorted(INPUT_SUFFIXES))})")
                elif not entry.is_file():
                    errors.append(f"{entry}: not a regular file")
                else:
                    found.append(entry)
            if not found:
                errors.append(f"{path}: no documents ({', '.join(sorted(INPUT_SUFFIXES))}) in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            errors.append(f"{path}: no such file or folder")
    return files, errors, skipped


def _link_problem(link: Path, inside: Path | None = None) -> str | None:
    """Why a symbolic link is not read: broken, looping, or (``inside`` a folder) leading out of it."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return f"{link}: a broken link (to {os.readlink(link)}); not read"
    except (OSError, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:
            return f"{link}: a link that loops; not read"
        return f"{link}: cannot follow the link: {exc.strerror or exc}"
    if inside is not None and not target.is_relative_to(inside.resolve()):
        return f"{link}: a link to {target}, outside {inside}; refused (copy the document into the folder)"
    return None


def process_document(path: Path) -> Document:
    """One document through load, clean, segment and tag. Raises ClauseGraphError on bad input."""
    from .tagging import tag_document  # spaCy is imported by the build only

    return tag_document(read_document(path))


def read_document(path: Path) -> Document:
    """Load, clean and segment one file: a Document with its clause tree, not yet tagged."""
    loaded = load(path)
    document = document_from_text(loaded.text, loaded.doc_id, str(path), loaded.format, loaded.warnings)
    if not document.clean:
        raise InputError(f"{path}: no text after removing page layout and markup")
    return document


def document_from_text(
    text: str, doc_id: str, path: str = "", fmt: str = "text", warnings: tuple[str, ...] = ()
) -> Document:
    """The untagged Document of a text already read (a file's, or a snippet's in tests)."""
    cleaned = clean(text)
    clauses = segment(cleaned)
    kind = document_kind(cleaned.text, clauses)
    return Document(
        doc_id=doc_id,
        path=path or doc_id,
        format=fmt,
        kind=kind,
        title=document_title(cleaned.text, kind),
        source=text,
        clean=cleaned.text,
        clean_offsets=cleaned.offsets,
        clauses=tuple(clauses),
        warnings=warnings,
    )


def _process_safely(path: Path) -> tuple[Path, Document | None, str | None]:
    try:
        return path, process_document(path), None
    except ClauseGraphError as exc:
        return path, None, str(exc)
    except OSError as exc:  # unreadable (permissions, a file that vanished, an I/O error)
        return path, None, f"{exc.filename or path}: cannot read: {exc.strerror or exc}"
    except Exception as exc:  # a bug must not take the other documents down with it
        log.debug("failed on %s", path, exc_info=True)  # the traceback only with --verbose
        return path, None, f"{path}: internal error while processing: {type(exc).__name__}: {exc}"


def build(paths: list[Path], out: Path, *, progress: bool = False, jobs: int | None = None,
          formats: tuple[str, ...] | None = None, executor: str | None = None,
          cache: bool = True) -> BuildReport:
    """Build ``paths`` into ``out``. ``jobs``: worker processes (default: every core);
    ``executor``: "local" (processes here) or "dask://HOST:PORT" (a Dask cluster's scheduler);
    ``formats``: the dataset files besides the store (``store.FORMATS``); ``cache``: reuse the
    per-document results of earlier builds into ``out`` whose input has not changed."""
    started = time.perf_counter()
    documents = DocumentCache(out) if cache else None
    built = False
    try:
        report = read_corpus(paths, out, progress=progress, jobs=jobs, executor=executor, cache=documents)
        report.formats = tuple(formats) if formats else DEFAULT_FORMATS
        if report.documents:  # a build of nothing must not replace (or create) any outputs
            write_outputs(report)
            built = True
    finally:
        if documents:
            documents.finish(built)
    report.seconds = time.perf_counter() - started
    return report


def read_corpus(paths: list[Path], out: Path, *, progress: bool = False, jobs: int | None = None,
                executor: str | None = None, cache: "DocumentCache | None" = None) -> BuildReport:
    """Every input through the pipeline and the corpus-wide stages; nothing written yet."""
    report = BuildReport(out=out)
    files, report.errors, report.skipped = collect_inputs(paths)

    stage = time.perf_counter()
    results = _run_all(files, progress=progress, jobs=jobs, executor=executor, cache=cache)
    report.timings["documents"] = time.perf_counter() - stage
    seen: dict[str, tuple[Path, str]] = {}
    for path, document, error in results:
        if error:
            report.errors.append(error)
            continue
        # Two documents must not share IRIs, nor a folder under docs/ on a file system that
        # ignores case ("Contract" and "contract").
        for key in (document_iri(document.doc_id), "folder:" + document.doc_id.casefold()):
            if key in seen:
                other, other_id = seen[key]
                report.errors.append(
                    f"{path}: document id {document.doc_id!r} collides with {other_id!r} of {other}; "
                    "rename one of the two files"
                )
                break
        else:
            seen[document_iri(document.doc_id)] = seen["folder:" + document.doc_id.casefold()] = (path, document.doc_id)
            report.documents.append(document)

    if report.documents:
        stage = time.perf_counter()
        corpus = resolve_corpus(report.documents)
        report.timings["resolve"] = time.perf_counter() - stage
        stage = time.perf_counter()
        corpus = dataclasses.replace(corpus, findings=tuple(lint(corpus)))
        report.timings["lint"] = time.perf_counter() - stage
        report.documents = list(corpus.documents)
        report.corpus = corpus
    return report


# --- the per-document stage: here, in worker processes, or on a Dask cluster -------------------


def _run_all(files: list[Path], *, progress: bool, jobs: int | None, executor: str | None = None,
             cache: "DocumentCache | None" = None):
    """(path, Document | None, error | None) for every file, in the order of ``files``."""
    results: dict[Path, tuple] = {}
    todo: list[tuple[Path, str]] = []
    for path in files:
        key = cache.key(path) if cache else None
        document = cache.get(key) if key else None
        if document is not None:
            results[path] = (path, document, None)
        else:
            todo.append((path, key))
    bar = _Progress(files, progress and len(files) > 1)
    for path, _, _ in results.values():
        bar.step(path, results[path][1])

    def finished(path: Path, key: str | None, data: bytes | None, error: str | None) -> None:
        document = pickle.loads(data) if data is not None else None
        if document is not None and cache and key:
            cache.put(key, data)
        results[path] = (path, document, error)
        bar.step(path, document)

    for path, key, data, error in _execute(todo, jobs=jobs, executor=executor):
        finished(path, key, data, error)
    bar.done()
    return [results[path] for path in files]


def _execute(todo: list[tuple[Path, str | None]], *, jobs: int | None, executor: str | None):
    """Run the per-document stage on ``todo``; yields (path, key, pickled Document | None, error)."""
    executor = executor or "local"
    if executor.startswith("dask://") or executor.startswith("tcp://"):
        yield from _execute_dask(todo, executor.removeprefix("dask://"))
        return
    if executor != "local":
        raise ClauseGraphError(f"--executor {executor!r}: use 'local' or 'dask://HOST:PORT'")
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers > 1 and len(todo) >= PARALLEL_MIN_DOCUMENTS:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures = {pool.submit(process_to_bytes, str(path)): (path, key) for path, key in todo}
            for future in as_completed(futures):
                path, key = futures[future]
                _, data, error = future.result()
                yield path, key, data, error
    else:
        for path, key in todo:
            _, data, error = process_to_bytes(str(path))
            yield path, key, data, error


def process_to_bytes(path: str, content: bytes | None = None) -> tuple[str, bytes | None, str | None]:
    """The per-document stage as a task for another process or machine: the pickled tagged
    Document (pickled where it was made, once), or the one-line error.

    ``content`` is the file's bytes, for a worker that cannot see the file: it is read from a
    private copy under the same name, and the Document keeps the original path.
    """
    source = Path(path)
    if content is not None and not (source.is_file() and source.read_bytes() == content):
        import tempfile

        with tempfile.TemporaryDirectory(prefix="clausegraph-") as folder:
            copy = Path(folder) / source.name
            copy.write_bytes(content)
            _, document, error = _process_safely(copy)
            if document is not None:
                document = dataclasses.replace(document, path=path)
            if error:
                error = error.replace(str(copy), path)
    else:
        _, document, error = _process_safely(source)
    return path, (pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL) if document is not None else None), error


def _execute_dask(todo: list[tuple[Path, str | None]], address: str):
    """The per-document stage on a Dask cluster. Each task carries its file's bytes, so the
    workers need clausegraph installed but not the input folder."""
    try:
        from dask.distributed import Client, as_completed as dask_completed
    except ImportError as exc:
        raise ClauseGraphError("--executor dask://…: Dask is not installed; pip install 'clausegraph[distributed]'") from exc
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError) as exc:
        raise ClauseGraphError(f"--executor dask://{address}: cannot reach the Dask scheduler ({exc})") from exc
    try:
        futures = {}
        for path, key in todo:
            future = client.submit(process_to_bytes, str(path), path.read_bytes(), pure=False)
            futures[future] = (path, key)
        for future in dask_completed(list(futures)):
            path, key = futures[future]
            _, data, error = future.result()
            yield path, key, data, error
    finally:
        client.close()


class DocumentCache:
    """Tagged documents of earlier builds, by the hash of what they were made from (the file's
    bytes, its path, and clausegraph's code), in ``outputs/builds/.cache/`` — outside every
    build folder, so never served, and kept across builds. A rebuild re-processes only the
    documents whose hash is new; ``finish`` drops the entries this build did not use.

    Before the first build the outputs folder is not clausegraph's yet (and a build that
    produces nothing must not create it): new entries wait in a temporary folder until then.
    """

    def __init__(self, out: Path):
        self.out = out
        self.folder = out / BUILDS_DIR / ".cache"
        self.pending: Path | None = None
        self._keys: dict[Path, str] = {}
        self.used: set[str] = set()

    def key(self, path: Path) -> str | None:
        if path not in self._keys:
            try:
                data = path.read_bytes()
            except OSError:
                return None
            digest = hashlib.sha256()
            for part in (code_fingerprint().encode(), os.fsencode(path), data):  # fsencode: any file name
                digest.update(len(part).to_bytes(8, "little"))
                digest.update(part)
            self._keys[path] = digest.hexdigest()
        return self._keys[path]

    def get(self, key: str) -> Document | None:
        try:
            document = pickle.loads((self.folder / f"{key}.pickle").read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None  # missing or unreadable (an older clausegraph's records): process again
        self.used.add(key)
        return document if isinstance(document, Document) else None

    def put(self, key: str, data: bytes) -> None:
        self.used.add(key)
        try:
            if self.folder.parent.is_dir():
                self.folder.mkdir(exist_ok=True)
                target = self.folder
            else:
                if self.pending is None:
                    import tempfile

                    self.pending = Path(tempfile.mkdtemp(prefix="clausegraph-cache-"))
                target = self.pending
            temporary = target / f".{key}.{os.getpid()}.tmp"
            temporary.write_bytes(data)
            os.replace(temporary, target / f"{key}.pickle")  # never a half-written entry
        except OSError as exc:
            log.warning("cannot write the build cache (%s); the next build re-processes this document", exc)

    def finish(self, built: bool) -> None:
        """After the build: keep exactly the entries it used (when it wrote outputs)."""
        if self.pending is not None:
            if built and self.folder.parent.is_dir():
                self.folder.mkdir(exist_ok=True)
                for entry in self.pending.glob("*.pickle"):
                    shutil.move(str(entry), self.folder / entry.name)
            shutil.rmtree(self.pending, ignore_errors=True)
        if built and self.folder.is_dir():
            for entry in self.folder.iterdir():
                if entry.suffix != ".pickle" or entry.stem not in self.used:
                    entry.unlink(missing_ok=True)


_FINGERPRINT: list[str] = []


def code_fingerprint() -> str:
    """clausegraph's version and a hash of its code and pattern files: a cached document made
    by other code is made again."""
    if not _FINGERPRINT:
        digest = hashlib.sha256(__version__.encode())
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".jsonl", ".json", ".txt") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(package)).encode())
                digest.update(path.read_bytes())
        _FINGERPRINT.append(digest.hexdigest())
    return _FINGERPRINT[0]


class _Progress:
    """Documents done, words per second and the time left, on stderr (tqdm).

    The time left is estimated from the bytes of the files still to do, so one long contract
    does not throw the estimate off as a count of documents would."""

    def __init__(self, files: list[Path], show: bool):
        self.total, self.count, self.words = len(files), 0, 0
        self.sizes = {}
        for path in files:
            try:
                self.sizes[path] = path.stat().st_size
            except OSError:
                self.sizes[path] = 0
        self.started = time.perf_counter()
        self.bar = None
        if show:
            from tqdm import tqdm

            self.bar = tqdm(total=sum(self.sizes.values()) or 1, file=sys.stderr, unit="B", unit_scale=True,
                            bar_format="{desc} |{bar:24}| {percentage:3.0f}% [{elapsed}, {remaining} left]",
                            desc=f"0/{self.total} documents", dynamic_ncols=True, leave=True)

    def step(self, path: Path, document: Document | None) -> None:
        self.count += 1
        if document is not None:
            self.words += len(document.source.split())
        if self.bar is not None:
            elapsed = max(time.perf_counter() - self.started, 1e-6)
            self.bar.set_description_str(f"{self.count}/{self.total} documents, {self.words / elapsed:,.0f} words/s",
                                         refresh=False)
            self.bar.update(self.sizes.get(path, 0))

    def done(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --- outputs ---------------------------------------------------------------------------------
#
# Layout (README, "Design notes: reliability"):
#
#     outputs/builds/<id>/        one complete build each (manifest.json, docs/, store/, pages …)
#     outputs/current -> builds/<id>        the one pointer: switched by a single atomic rename
#     outputs/<name> -> current/<name>      stable links (index.html, docs, manifest.json, …),
#                                           so outputs/index.html opens from disk as before
#
# A build is written into ``builds/.staging-<id>/``, renamed to ``builds/<id>`` when complete,
# and shown by replacing the ``current`` link. Killed at any point, the outputs are the whole
# old build or the whole new one; the next build removes what a killed one left behind.

BUILDS_DIR = "builds"
STAGING_PREFIX = ".staging-"
TEMP_LINK_PREFIX = ".link-"
LOCK_FILE = ".lock"
# Builds kept besides the current one: the one it replaced, which a reader (or `serve`) that
# resolved ``current`` a moment ago may still be reading.
KEEP_PREVIOUS_BUILDS = 1


def write_outputs(report: BuildReport) -> None:
    """Write the build of ``report`` into ``report.out`` and make it the current one.

    Raises OutputError (one line) when the disk refuses; the previous build is then still shown.
    """
    try:
        _write_and_show(report)
    except OSError as exc:
        where = exc.filename or report.out
        raise OutputError(
            f"{where}: cannot write the outputs: {exc.strerror or exc}; the previous outputs are kept"
        ) from exc


def _write_and_show(report: BuildReport) -> None:
    out = report.out
    _check_output_folder(out)
    builds = out / BUILDS_DIR
    builds.mkdir(parents=True, exist_ok=True)
    with _build_lock(out):
        _remove_leftovers(out)
        build_id = _new_build_id(builds)
        staging = builds / (STAGING_PREFIX + build_id)
        staging.mkdir()
        try:
            _write_build(report, staging)
            os.rename(staging, builds / build_id)  # complete, not yet shown
        finally:
            _remove(staging)
        previous = _show_build(out, build_id)
        _remove_old_builds(out, keep={build_id, *previous})


def _write_build(report: BuildReport, folder: Path) -> None:
    """Every file of one build, into ``folder``. Each document's files and named graph are
    written as it comes, so nothing corpus-sized is held besides the records themselves."""
    docs_dir = folder / "docs"
    docs_dir.mkdir()
    corpus = report.corpus or Corpus(documents=tuple(report.documents))
    stage = time.perf_counter()
    context = CorpusContext.of(corpus)
    # Each named graph's hash, so that the next build can keep the graphs that did not change in
    # the store (``store.update_store``) instead of loading the whole dataset again.
    previous = _previous_graphs(report.out)
    hashes: dict[str, str] = {}
    changed: dict[str, str] = {}  # graph → its N-Quads, for graphs new or different since the previous build
    budget = [INCREMENTAL_STORE_BYTES if previous else -1]

    def put(graph: str, text: str) -> None:
        nquads.write(text)
        hashes[graph] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if budget[0] >= 0 and previous[1].get(graph) != hashes[graph]:
            changed[graph] = text
            budget[0] -= len(text)
            if budget[0] < 0:  # too much changed: load the whole dataset instead
                changed.clear()

    with open(folder / DATASET_FILES["nq"], "w", encoding="utf-8", newline="\n") as nquads:
        put(ONTOLOGY_GRAPH, ontology_nquads())
        put(ENTITIES_GRAPH, corpus_nquads(corpus, context))
        for document in report.documents:
            _write_document(document, docs_dir / document.doc_id)
            put(document_graph_iri(document.doc_id), document_nquads(document, context))
    _write_json(folder / GRAPHS_FILE, hashes)
    report.timings["rdf"] = time.perf_counter() - stage
    manifest = {
        "clausegraph": __version__,
        "documents": [
            {
                "doc": d.doc_id,
                "path": d.path,
                "kind": d.kind.value,
                "title": d.title,
                "format": d.format,
                "clauses": len(d.clauses),
                "warnings": list(d.warnings),
            }
            for d in report.documents
        ],
        "errors": report.errors,
        "skipped": report.skipped,
    }
    _write_json(folder / "entities.json", [record_json(e) for e in corpus.entities])
    _write_json(folder / "lint.json", [record_json(f) for f in corpus.findings])
    stage = time.perf_counter()
    if budget[0] >= 0:
        stale = [g for g in previous[1] if hashes.get(g) != previous[1][g]]
        update_store(folder, previous[0], stale, changed.values(), report.formats)
    else:
        load_store(folder, report.formats)
    report.timings["store"] = time.perf_counter() - stage
    _write_json(folder / "manifest.json", manifest)
    stage = time.perf_counter()
    write_pages(folder)  # the pages read the files just written, not the records
    report.timings["pages"] = time.perf_counter() - stage


GRAPHS_FILE = "graphs.json"  # named graph → SHA-256 of its N-Quads, in every build
# A rebuild takes the previous store and replaces the graphs that changed, unless their N-Quads
# exceed this (then loading everything in bulk is faster than many small loads).
INCREMENTAL_STORE_BYTES = 256 * 2**20


def _previous_graphs(out: Path) -> tuple[Path, dict[str, str]] | None:
    """The build shown now and its graph hashes, when its store can be reused."""
    if not (out / CURRENT_LINK).is_symlink():
        return None
    build = current_build(out)
    try:
        hashes = json.loads((build / GRAPHS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(hashes, dict) or not (build / STORE_DIR / "CURRENT").is_file():
        return None
    return build, hashes


def _new_build_id(builds: Path) -> str:
    """Sortable by time, unique within the folder."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    n = 0
    while True:
        build_id = f"{stamp}-{os.getpid()}" + (f"-{n}" if n else "")
        if not (builds / build_id).exists() and not (builds / (STAGING_PREFIX + build_id)).exists():
            return build_id
        n += 1


def _show_build(out: Path, build_id: str) -> list[str]:
    """Make ``builds/<build_id>`` the current build; returns the id of the one it replaced."""
    names = sorted(p.name for p in (out / BUILDS_DIR / build_id).iterdir())
    _adopt_flat_outputs(out)
    previous = _current_id(out)
    # The stable links first: one for a name the old build lacks dangles until the switch.
    for name in names:
        _link(out / name, f"{CURRENT_LINK}/{name}")
    _link(out / CURRENT_LINK, f"{BUILDS_DIR}/{build_id}")  # the switch
    for path in out.iterdir():  # links to what the new build no longer has
        if path.is_symlink() and path.name not in names and path.name != CURRENT_LINK \
                and os.readlink(path).startswith(CURRENT_LINK + "/"):
            path.unlink()
    return [previous] if previous else []


def _current_id(out: Path) -> str | None:
    link = out / CURRENT_LINK
    return Path(os.readlink(link)).name if link.is_symlink() else None


def _link(path: Path, target: str) -> None:
    """``path`` becomes a relative symlink to ``target``, replaced in one rename."""
    if path.is_symlink():
        if os.readlink(path) == target:
            return
    elif path.exists() or path.name in KEEP_IN_OUTPUTS:
        raise ClauseGraphError(f"{path}: refusing to replace a file that clausegraph did not make")
    temporary = path.with_name(f"{TEMP_LINK_PREFIX}{path.name}-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, path)


def _adopt_flat_outputs(out: Path) -> None:
    """Outputs written before builds/ existed (files straight in outputs/) become a build of
    their own, shown through the links like any other, so the switch that follows is the usual one.

    A run killed half-way through is finished by the next: ``current`` already points at the
    adopted folder, and what is left at the top is moved into it.
    """
    current = _current_id(out)
    adopting = (out / "manifest.json").is_file() and not (out / "manifest.json").is_symlink()
    if not adopting and not (current and current.startswith("adopted-")):
        return
    flat = [p for p in out.iterdir() if not p.is_symlink() and p.name not in KEEP_IN_OUTPUTS
            and p.name != BUILDS_DIR and not p.name.startswith(".")]
    if not flat:
        return
    if not (current and current.startswith("adopted-")):
        current = "adopted-" + _new_build_id(out / BUILDS_DIR)
        (out / BUILDS_DIR / current).mkdir()
        _link(out / CURRENT_LINK, f"{BUILDS_DIR}/{current}")
    # manifest.json last: while it is still at the top, a killed run is recognised as one.
    for path in sorted(flat, key=lambda p: p.name == "manifest.json"):
        os.rename(path, out / BUILDS_DIR / current / path.name)
        _link(path, f"{CURRENT_LINK}/{path.name}")


def _remove_leftovers(out: Path) -> None:
    """What a killed build left: its staging folder and temporary links (never shown)."""
    for path in (out / BUILDS_DIR).glob(STAGING_PREFIX + "*"):
        _remove(path)
    for path in list(out.glob(TEMP_LINK_PREFIX + "*")) + list(out.glob(".build-*")):  # .build-*: before builds/
        _remove(path)


def _remove_old_builds(out: Path, keep: set[str]) -> None:
    for path in (out / BUILDS_DIR).iterdir():
        if path.name not in keep and not path.name.startswith("."):
            _remove(path)


class _build_lock:
    """One build at a time writes into an outputs folder (a second one stops with a message)."""

    def __init__(self, out: Path):
        self.path = out / BUILDS_DIR / LOCK_FILE
        self.fd: int | None = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # no fcntl (Windows): no lock
            pass
        except OSError as exc:
            os.close(self.fd)
            raise ClauseGraphError(f"{self.path.parent.parent}: another build is writing here; try again when it ends") from exc
        return self

    def __exit__(self, *exc_info) -> None:
        os.close(self.fd)


def _check_output_folder(out: Path) -> None:
    """Never write into (and so replace parts of) a folder that clausegraph did not make."""
    if out.exists() and not out.is_dir():
        raise ClauseGraphError(f"{out}: exists and is not a folder")
    ours = (out / "manifest.json").exists() or (out / CURRENT_LINK).is_symlink() or (out / BUILDS_DIR).is_dir()
    if out.is_dir() and not ours:
        foreign = [p.name for p in out.iterdir() if p.name not in KEEP_IN_OUTPUTS and not p.name.startswith(".")]
        if foreign:
            raise ClauseGraphError(
                f"{out}: refusing to write here: the folder has other files ({', '.join(sorted(foreign)[:3])}) "
                "and no manifest.json from an earlier build"
            )


def _write_document(document: Document, folder: Path) -> None:
    folder.mkdir(parents=True)
    # The text that every offset points into (for HTML input, the extracted text).
    (folder / "source.txt").write_text(document.source, encoding="utf-8", newline="")
    _write_json(
        folder / "document.json",
        {
            "doc": document.doc_id,
            "path": document.path,
            "kind": document.kind.value,
            "title": document.title,
            "format": document.format,
            "warnings": list(document.warnings),
        },
    )
    _write_json(folder / "clauses.json", [c.to_json() for c in document.clauses])
    for name, records in (
        ("terms", document.terms),
        ("mentions", document.mentions),
        ("refs", document.references),
        ("obligations", document.deontics),
        ("conditions", document.conditions),
    ):
        _write_json(folder / f"{name}.json", [record_json(r) for r in records])


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
