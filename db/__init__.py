"""Persistence: SQLAlchemy models, the schema and its migrations, and the services that
read and write one unit of work each, handing plain ``bkdesk`` dataclasses back."""
