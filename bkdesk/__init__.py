"""bkdesk core: Vietnamese numbers, the indicator catalogue, evaluation and reports.

This package is pure Python. It imports neither Qt nor database sessions; the
import contract in ``pyproject.toml`` and ``tests/test_architecture.py`` keep it so.
"""

__version__ = "0.1.0"
