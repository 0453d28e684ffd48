"""``python -m benchmarks``: run the harness."""

from benchmarks.harness.main import main

raise SystemExit(main())
