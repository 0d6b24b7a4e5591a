"""HTML input: extraction with trafilatura, then the same rule pipeline."""

import gzip

import pytest
from click.testing import CliRunner

from boilerstrip.cli import cli
from boilerstrip.sources import InputError, Kind, kind_of, read_document

PARAGRAPHS = [
    "Der Pegel des Rheins bei Köln ist in der Nacht auf mehr als acht Meter gestiegen, teilte die Stadt am Morgen mit.",
    "Nach Angaben des Hochwassermeldedienstes wird der Höchststand am Freitagabend erwartet, danach soll das Wasser sinken.",
    "Die Feuerwehr empfiehlt, Wertsachen in höhere Stockwerke zu bringen und Heizöltanks gegen Auftrieb zu sichern.",
]
PAGE = (
    "<!DOCTYPE html><html><head><title>Hochwasser</title></head><body>"
    "<nav><a href='/'>Startseite</a></nav><article><h1>Pegel steigt</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    + "<p>Foto: dpa</p>"
    + f"<p>{PARAGRAPHS[2]}</p>"
    + "</article><footer>Impressum</footer></body></html>"
)


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_html_file_is_extracted_and_cleaned(page):
    result = CliRunner().invoke(cli, ["clean", str(page)])
    assert result.exit_code == 0
    for paragraph in PARAGRAPHS:
        assert paragraph in result.output
    assert "Foto: dpa" not in result.output
    assert "Impressum" not in result.output


def test_gzipped_html_is_read(tmp_path, page):
    packed = tmp_path / "page.html.gz"
    packed.write_bytes(gzip.compress(page.read_bytes()))
    assert read_document(str(packed)).text == read_document(str(page)).text


def test_stdin_html_by_flag_and_by_sniffing():
    flagged = CliRunner().invoke(cli, ["clean", "--input-format", "html"], input=PAGE)
    sniffed = CliRunner().invoke(cli, ["clean"], input=PAGE)
    assert flagged.output == sniffed.output
    assert PARAGRAPHS[0] in flagged.output and "<p>" not in flagged.output


def test_text_format_flag_keeps_markup_as_text():
    result = CliRunner().invoke(cli, ["clean", "--input-format", "text"], input=PAGE)
    assert "<p>" in result.output


@pytest.mark.parametrize(
    "name,data,expected",
    [
        ("a.htm", b"anything", True),
        ("a.html.gz", b"", True),
        ("a.txt", b"  <!doctype html><html>", True),
        ("a.txt", b"<!-- saved --> <html lang='de'>", True),
        ("a.txt", b"Plain text mentioning <html> later", False),
    ],
)
def test_kind_of_sniffs_html(name, data, expected):
    assert (kind_of(name, head=data) == Kind.HTML) is expected


def test_page_without_article_text_is_an_input_error(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="no article text"):
        read_document(str(empty))
