"""Pages: what ``clausegraph build`` writes for people (see :mod:`.common` for the layout).

``write_pages(outputs_folder)`` reads the data files a build wrote into that folder and adds
``index.html``, ``network.html`` (the corpus), ``docs/DOC/reader.html`` and
``docs/DOC/network.html`` for every document, and the shared ``assets/``. It never runs
extraction and never imports spaCy; opened from disk, the pages need no network.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from .common import ASSETS, INDEX, NETWORK, READER
from .index import IndexDoc, index_doc, render_index_of
from .network import corpus_part, document_graph, merge_parts, write_network
from .outputs import DocOutputs, Outputs, load_outputs
from .reader import incoming_references, render_reader

__all__ = ["write_pages", "write_document_pages", "write_corpus_pages", "copy_assets"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
OWN_ASSETS = ("pages.css", "network.js", "reader.js")


def write_pages(outputs_folder: Path) -> list[Path]:
    """Write every page for the build in ``outputs_folder``; returns the paths written."""
    outputs_folder = Path(outputs_folder)
    outputs = load_outputs(outputs_folder)
    written = copy_assets(outputs_folder)
    incoming = incoming_references(outputs)
    rows, parts = [], []
    for doc in outputs.documents:
        pages, part, row = write_document_pages(outputs_folder / "docs" / doc.doc, outputs, doc, incoming)
        written += pages
        parts.append(part)
        rows.append(row)
    written += write_corpus_pages(outputs_folder, rows, parts, outputs.entities, outputs.findings)
    log.info("wrote %d pages into %s", len(written), outputs_folder)
    return written


def write_document_pages(folder: Path, outputs: Outputs, doc: DocOutputs, incoming):
    """A document's reader and network pages, written into ``folder``; returns the paths
    written, its share of the corpus network and its row of the index.

    ``outputs`` needs to hold only this document, the entities it names, its findings, and the
    clauses of other documents its references point at; ``incoming``: (doc, label) → the
    references from any document that point at that clause (``reader.incoming_references``)."""
    reader = folder / READER
    reader.write_text(render_reader(outputs, doc, incoming), encoding="utf-8")
    network = folder / NETWORK
    write_network(network, document_graph(outputs, doc), title=doc.title or doc.doc, doc=doc.doc,
                  assets=f"../../{ASSETS}", reader=READER)
    return [reader, network], corpus_part(outputs, doc), index_doc(doc)


def write_corpus_pages(outputs_folder: Path, rows: list[IndexDoc], parts: list, entities, findings) -> list[Path]:
    """The corpus network and the index, from each document's ``write_document_pages`` results."""
    corpus = outputs_folder / NETWORK
    graph = merge_parts([(row.doc, row.title, row.kind) for row in rows], parts)
    write_network(corpus, graph, title="Corpus", doc=None, assets=ASSETS, reader=None)
    index = outputs_folder / INDEX
    index.write_text(render_index_of(rows, entities, findings), encoding="utf-8")
    return [corpus, index]


def copy_assets(outputs_folder: Path) -> list[Path]:
    """vis-network (from the installed pyvis) and our CSS/JS, once per outputs folder."""
    return _copy_assets(outputs_folder / ASSETS)


def _copy_assets(folder: Path) -> list[Path]:
    """vis-network (from the installed pyvis) and our CSS/JS, once per outputs folder."""
    import importlib.util

    folder.mkdir(parents=True, exist_ok=True)
    # Found, not imported: importing pyvis costs a second (see network._pyvis_network).
    pyvis = Path(importlib.util.find_spec("pyvis").submodule_search_locations[0])
    vis = pyvis / "templates" / "lib" / "vis-9.1.2"
    sources = [vis / "vis-network.min.js", vis / "vis-network.css"] + [STATIC / name for name in OWN_ASSETS]
    written = []
    for src in sources:
        name = "vis-network.min.css" if src.name == "vis-network.css" else src.name
        shutil.copyfile(src, folder / name)
        written.append(folder / name)
    return written
