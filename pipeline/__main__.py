"""`python -m pipeline` is the `claimcheck` command."""

from .cli import main

raise SystemExit(main())
