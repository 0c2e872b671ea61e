"""A plan's PDF, made by WeasyPrint in a child process with limits (issue #15).

WeasyPrint is pure Python for layout: one 80 KB page of ``*_`` pairs (40,000 tiny
emphasised words) kept it busy for more than 25 s, holding the GIL from a worker thread
so every other request crawled. A thread cannot be stopped, so the PDF is made in a
child process (``python -m wiki.pdf``: the HTML and CSS in on stdin as JSON, the PDF out
on stdout) that is killed when it runs past its time, and that cannot use more than
``MEMORY_BYTES``. Starting it costs ~1 s (importing WeasyPrint); PDFs are rare.
Who may ask for one, and how many at once, is decided in wiki/routes/export.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

SECONDS = 30.0  # a whole plan of honest pages takes a few seconds
MEMORY_BYTES = 1024 * 1024 * 1024


class PdfFailed(Exception):
    """The PDF could not be made in time (``timed_out``) or at all."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """The PDF is made from what is on the page only: no address is ever fetched (an
    image from anywhere would make the server call out)."""
    raise ValueError(f"not fetched: {url[:60]}")


def render_pdf(html: str, css: str) -> bytes:
    """The PDF, made here and now (the child process's work)."""
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch)
    data: bytes = document.write_pdf(
        stylesheets=[weasyprint.CSS(string=css, url_fetcher=_refuse_fetch)],
        pdf_variant="pdf/ua-1",
    )
    return data


async def make_pdf(html: str, css: str, *, seconds: float | None = None) -> bytes:
    """The PDF from a child process; PdfFailed when it takes longer than ``seconds``."""
    limit = SECONDS if seconds is None else seconds
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "wiki.pdf",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL, env=_child_env(),
    )  # fmt: skip
    payload = json.dumps({"html": html, "css": css}).encode()
    try:
        out, _ = await asyncio.wait_for(child.communicate(payload), timeout=limit)
    except (TimeoutError, asyncio.CancelledError) as stopped:
        child.kill()
        await child.wait()
        if isinstance(stopped, asyncio.CancelledError):
            raise
        raise PdfFailed(f"not done in {limit:.0f} s", timed_out=True) from None
    if child.returncode != 0 or not out.startswith(b"%PDF"):
        raise PdfFailed(f"the PDF maker stopped (exit {child.returncode})")
    return out


def _child_env() -> dict[str, str]:
    """The child imports this same ``wiki`` package, wherever it was imported from."""
    env = dict(os.environ)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH", "")) if p)
    return env


def main() -> int:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    sys.setrecursionlimit(10_000)
    request: dict[str, Any] = json.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(render_pdf(request["html"], request["css"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
