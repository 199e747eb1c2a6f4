"""``python -m auroraview.demo`` (see the package docstring, or ``--help``)."""

from .app import main

raise SystemExit(main())
