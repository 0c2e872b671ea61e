"""Take the plan with you: export a site as one zip, import it into another planwiki,
and gather pages for printing (issue #7).

One concept per module (issue #13):

* ``archive``      the zip's layout, writing it, front matter, the README
* ``export``       building an export (a person's, the operator's, a deleted site's archive)
* ``attachments``  attachment files on the way out and back in
* ``parsed``       what a checked export holds, and the readers of its fields
* ``import_check`` reading and checking an export before anything is written
* ``import_write`` writing a checked export as a new site, in one transaction
* ``printing``     gathering pages for printing and the PDF

Callers keep importing from ``wiki.store.transfer``: every name they use is here.
"""

from wiki.store.transfer.archive import (
    FORMAT,
    FORMAT_VERSION,
    MAX_ATTACHMENT_BYTES,
    MAX_BODY_CHARS,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MAX_TOTAL_BYTES,
    Export,
    FileSource,
    front_matter,
    has_attachments,
    read_front_matter,
)
from wiki.store.transfer.export import (
    build_archive,
    export_site,
    export_site_as_operator,
    operator_context,
)
from wiki.store.transfer.import_check import parse_export
from wiki.store.transfer.import_write import (
    ImportResult,
    import_site,
    import_site_as_operator,
    write_import,
)
from wiki.store.transfer.parsed import Parsed
from wiki.store.transfer.printing import all_pages, printable

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_ATTACHMENT_BYTES",
    "MAX_BODY_CHARS",
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "Export",
    "FileSource",
    "ImportResult",
    "Parsed",
    "all_pages",
    "build_archive",
    "export_site",
    "export_site_as_operator",
    "front_matter",
    "has_attachments",
    "import_site",
    "import_site_as_operator",
    "operator_context",
    "parse_export",
    "printable",
    "read_front_matter",
    "write_import",
]
