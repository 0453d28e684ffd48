"""Generate docs/screenshot.png: a real run reported to an in-memory dashboard, shot by Chromium.

Run from the repository root: ``uv run python packages/dotflow-dashboard/docs/screenshot.py``
(needs the system packages chromium and chromium-driver).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from dotflow import Config, DotFlow, action
from dotflow.dashboard import Backend
from dotflow.server import ServerAPI

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "tests" / "dashboard"))

from browser import chromium, missing  # type: ignore[import-not-found]  # noqa: E402

_calls: dict[str, int] = {}


def _work(seconds: float) -> None:
    time.sleep(seconds * random.uniform(0.8, 1.2))


@action
def fetch_orders() -> dict[str, int]:
    """Fetch the day's orders."""
    _work(0.6)
    return {"orders": 1284}


@action
def fetch_customers() -> dict[str, int]:
    """Fetch the customers."""
    _work(0.9)
    return {"customers": 311}


@action(retry=3, retry_delay=0.3)
def fetch_prices() -> dict[str, float]:
    """A flaky source: the first two attempts time out."""
    _calls["prices"] = _calls.get("prices", 0) + 1
    _work(0.3)
    if _calls["prices"] < 3:
        raise TimeoutError("the price service did not answer within 0.3 s")
    return {"EUR": 1.0, "USD": 1.08}


@action
def join_tables() -> dict[str, object]:
    """Join orders, customers and prices."""
    _work(0.7)
    return {"rows": 1284, "columns": ["order", "customer", "amount", "currency"]}


@action
def validate() -> None:
    """A rule that fails: the run shows the error and its traceback."""
    _work(0.3)
    raise ValueError("3 orders have a negative amount (ids 1182, 1190, 1201)")


def main() -> int:
    """Run the workflow against an in-memory dashboard and save the screenshot."""
    reason = missing()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    random.seed(7)
    with Backend(token="docs") as backend:
        server = ServerAPI(base_url=backend.url, user_token="docs")
        workflow = DotFlow(config=Config(server=server), workflow_id="nightly-sales-2026-11-30")
        workflow.task.add(step=fetch_orders, group_name="orders")
        workflow.task.add(step=fetch_customers, group_name="customers")
        workflow.task.add(step=fetch_prices, group_name="prices")
        workflow.task.add(step=join_tables)
        workflow.task.add(step=validate)
        workflow.start(keep_going=True)
        server.close()
        browser = chromium(1200, 860)
        try:
            browser.get(f"{backend.url}/workflows/{workflow.workflow_id}")
            time.sleep(1.0)  # let the live stream connect and the fragment settle
            target = HERE / "screenshot.png"
            browser.save_screenshot(str(target))
        finally:
            browser.quit()
    print(f"wrote {target} ({target.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
