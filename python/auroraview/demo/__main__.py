"""``python -m auroraview.demo``: run the demo (see ``dispatch_demo.py``)."""

from .dispatch_demo import main

raise SystemExit(main())
