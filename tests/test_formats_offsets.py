"""Word, PDF and Markdown input: every clause and fact points into the extracted text."""

from __future__ import annotations

import re

import pytest

from clausegraph.build import process_document
from clausegraph.errors import InputError
from clausegraph.load import load
from conftest import CORPUS_DEV

FILES = sorted(p for p in CORPUS_DEV.iterdir() if p.suffix in {".docx", ".pdf", ".md"} and p.name != "README.md")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_the_corpus_has_two_of_each_format():
    assert sorted(p.suffix for p in FILES) == [".docx", ".docx", ".md", ".md", ".pdf", ".pdf"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_offsets_point_into_the_extracted_text(path):
    document = process_document(path)
    assert document.source == load(path).text
    assert document.format in {"docx", "pdf", "markdown"}
    assert len(document.clauses) >= 10
    for clause in document.clauses:
        assert 0 <= clause.start < clause.end <= len(document.source)
        assert words(document.source[clause.start : clause.end])[:6] == words(clause.text)[:6], clause.label
    for term in document.terms:
        assert document.source[term.start : term.end] == term.term
    for reference in document.references:
        assert document.source[reference.start : reference.end] == reference.text


def test_old_binary_word_file_is_named(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(InputError, match=r"old\.doc: an old binary Word file \(\.doc\)"):
        load(path)
