import pytest

from camwatch.registry.textsearch import fold, query_terms, search_document, words

# No database: these run once, in the SQLite pass.
pytestmark = pytest.mark.nodb


def test_ampersand_and_and_meet() -> None:
    assert words("Hammersmith & Fulham") == words("hammersmith and fulham")


def test_accents_are_folded() -> None:
    assert fold("Ynys Môn, Llansanffraid-ym-Mechain") == "ynys mon, llansanffraid-ym-mechain"


def test_document_has_word_boundaries() -> None:
    document = search_document(["St. Helens Council", None, "E08000013"])
    assert document == " st helens council e08000013 "
    assert " hel" in document
    assert " elens" not in document


def test_stop_words_dropped_unless_alone() -> None:
    assert query_terms("City of London", 8) == ["city", "london"]
    assert query_terms("the", 8) == ["the"]


def test_terms_are_capped() -> None:
    assert len(query_terms(" ".join(f"w{i}" for i in range(50)), 8)) == 8
