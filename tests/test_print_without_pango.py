"""The PDF needs WeasyPrint's Pango library (issue #23). WeasyPrint is a normal dependency;
on a server without Pango importing it fails, and the print page then says so in one line
and offers the browser's Print instead, with no PDF button. The import failing is made
here by hiding the module, as a missing Pango makes it fail (an ImportError or OSError)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from wiki import demo
from wiki.demo_content import OWNER, SITE
from wiki.routes import export

NO_PDF = (
    "A PDF cannot be made on this server, because the Pango library is missing."
    " Use Print and choose “Save as PDF” instead."
)


def test_weasyprint_is_a_normal_dependency() -> None:
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert any(d.startswith("weasyprint") for d in project["project"]["dependencies"])


def test_without_pango_the_print_page_says_so_in_one_line_and_offers_print(
    app, db, settings, people, monkeypatch
) -> None:
    from conftest import sign_in
    from starlette.testclient import TestClient

    demo.load(db, files_dir=settings.files_path())
    rhys = TestClient(app, follow_redirects=False)
    sign_in(rhys, OWNER["email"], OWNER["password"])
    url = f"/s/{SITE['slug']}/-/print/reviews"
    export.pdf_available.cache_clear()
    with_pango = rhys.get(url).text
    assert "Download as PDF" in with_pango and NO_PDF not in with_pango
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint now fails
    export.pdf_available.cache_clear()
    try:
        without = rhys.get(url).text
        assert NO_PDF in without
        assert without.count("Pango") == 1
        assert "Download as PDF" not in without
        assert "data-print" in without  # the browser's own Print
        assert rhys.get(f"/s/{SITE['slug']}/-/print.pdf").status_code == 404
    finally:
        monkeypatch.undo()
        export.pdf_available.cache_clear()
