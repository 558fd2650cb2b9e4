"""OSCAL in and out: frameworks as catalogs, crosswalks as OSCAL 1.2 mapping collections."""

from graph.oscal.common import NS, OSCAL_VERSION
from graph.oscal.files import (
    ExportSummary,
    ImportSummary,
    export_oscal,
    import_oscal,
    read_oscal,
    read_oscal_folder,
    write_import,
)

__all__ = [
    "NS",
    "OSCAL_VERSION",
    "ExportSummary",
    "ImportSummary",
    "export_oscal",
    "import_oscal",
    "read_oscal",
    "read_oscal_folder",
    "write_import",
]
