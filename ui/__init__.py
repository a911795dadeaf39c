"""The PySide6 desktop app: it presents; the verdicts, sums and formats come from bkdesk."""
