"""Organisations are names, not legends, headings or descriptions (issue 8)."""

from __future__ import annotations

from clausegraph.build import document_from_text
from clausegraph.tagging.entities import find_mentions
from clausegraph.tagging.terms import tag_terms


def _names(text: str) -> list[str]:
    document = document_from_text(text, "snippet")
    return sorted({m.name for m in find_mentions(document, tag_terms(document))})


def test_a_legend_in_capitals_gives_only_the_name_inside_it():
    text = ("UNLESS THIS CERTIFICATE IS PRESENTED BY AN AUTHORIZED REPRESENTATIVE, AND ANY PAYMENT IS MADE TO "
            "CEDE & CO., OR ISSUED IS REGISTERED IN THE NAME OF CEDE & CO., ANY TRANSFER IS WRONGFUL.\n")
    assert _names(text) == ["CEDE & CO."]


def test_an_indefinite_description_is_not_an_organisation():
    text = ('This Agreement is between Acme Holdings, Inc., a New York Corporation ("Acme"), and '
            'Widget Co., a PRC Corporation ("Widget").\n')
    assert _names(text) == ["Acme Holdings, Inc.", "Widget Co."]


def test_names_with_letters_beyond_ascii_and_defined_terms_before_them():
    text = ('This Agreement is between Piñon Gathering Company, LLC, a Delaware limited liability company '
            '("Owner"), and Ipsen S.A.\n\nThe notice goes to Owner and Ipsen S.A. at 123 Robert S. Kerr Avenue.\n')
    assert _names(text) == ["Ipsen S.A.", "Piñon Gathering Company, LLC"]
