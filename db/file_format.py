"""What every reader of a bkdesk database file agrees on, with or without SQLAlchemy.

:mod:`db.schema` writes and migrates the schema version; :mod:`db.roles` keeps whose
database it is under ``ROLE_KEY`` in the settings table; :mod:`db.first_screen` reads both.
"""

SCHEMA_VERSION = 1
ROLE_KEY = "role"
SYNTHESIS_ROLE = "tonghop"
