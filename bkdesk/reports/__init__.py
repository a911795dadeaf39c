"""The appendix table and its summary, as PDF (reportlab) and Excel (openpyxl).

``layout`` decides what the report says (which rows are bold, indents, cell texts,
notes, the summary); ``pdf`` and ``xlsx`` only draw it, so the two files cannot
disagree. reportlab and openpyxl are imported by those two modules alone, so
importing this package costs the app's start-up nothing.
"""

from bkdesk.reports.settings import ReportSettings


class ReportCancelled(Exception):
    """The user stopped the writing of a report; no file was left behind."""


class ReportLayoutError(Exception):
    """The appendix could not be laid out on its pages; ``message`` is Vietnamese and names the row."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


__all__ = ["ReportCancelled", "ReportLayoutError", "ReportSettings"]
