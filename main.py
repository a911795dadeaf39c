"""bkdesk: ``python main.py`` opens the app; ``python main.py COMMAND …`` runs the CLI."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        # Vietnamese on a Windows console or a pipe with a legacy code page.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    from cli.parser import is_app_invocation

    if is_app_invocation(args):
        from ui.app import run

        return run(args)
    from cli.parser import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
