"""Who is at the keyboard, as the audit log names them."""

from __future__ import annotations

import getpass


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a service account, a container): still record something
        return "không rõ"
