"""The command line: ``benchmarks/run [--quick] [--only NAME[,NAME]] [--output STEM]``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

from benchmarks.harness.measure import machine_info
from benchmarks.harness.peers import PEERS_DIR, PeerStatus, ensure, peers
from benchmarks.harness.report import evaluate, markdown
from benchmarks.harness.suite import MEASURES, Settings, Suite
from benchmarks.harness.workloads import write_scripts

__all__ = ["main"]

RESULTS = Path(__file__).resolve().parents[1] / "results"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run",
        description="Measure dotflow side by side with plain Python, dotflow 1.0.1 and Prefect.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: fewer repeats, no 100,000-task chain, no Prefect",
    )
    parser.add_argument(
        "--only", metavar="NAME[,NAME]", help=f"run only these measures: {', '.join(MEASURES)}"
    )
    parser.add_argument(
        "--output",
        metavar="STEM",
        type=Path,
        help="write STEM.md and STEM.json (default: results/latest for a full "
        "run, results/smoke for --quick or --only)",
    )
    args = parser.parse_args(argv)
    if args.only:
        unknown = [n for n in args.only.split(",") if n not in MEASURES]
        if unknown:
            parser.error(f"unknown measure {', '.join(unknown)}: use {', '.join(MEASURES)}")
    return args


def _write(stem: Path, text: str) -> None:
    stem.parent.mkdir(parents=True, exist_ok=True)
    temporary = stem.with_suffix(stem.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, stem)


def main(argv: list[str] | None = None) -> int:
    """Run the measures and print the report; exit 0 even when a peer or a target fails."""
    args = _parse(argv)
    settings = Settings.smoke() if args.quick else Settings()
    names = args.only.split(",") if args.only else list(MEASURES)
    started = time.perf_counter()
    machine = machine_info()

    statuses: dict[str, PeerStatus] = {}
    for key, peer in peers().items():
        if key == "prefect" and settings.quick:
            statuses[key] = PeerStatus(peer, False, error="skipped (--quick)")
            continue
        _log(f"peer {peer.label}: checking its environment")
        statuses[key] = ensure(peer, _log)
        if not statuses[key].ready:
            _log(f"peer {peer.label}: {statuses[key].error}")
    scripts = write_scripts(PEERS_DIR / "work")

    suite = Suite(settings, statuses, scripts, _log)
    for name in names:
        _log(f"measure {name}")
        begun = time.perf_counter()
        try:
            MEASURES[name](suite)
        except Exception as error:  # a broken measure must not lose the others' figures
            _log(f"measure {name} failed: {type(error).__name__}: {error}")
            suite.notes.append(f"measure {name} failed: {type(error).__name__}: {error}")
        _log(f"measure {name}: {time.perf_counter() - begun:.1f} s")

    targets = evaluate(suite.rows, settings.large_bytes)
    labels = {key: peer.label for key, peer in peers().items()}
    versions = {key: status.version for key, status in statuses.items()}
    report = markdown(suite.rows, targets, machine, labels, versions, suite.notes, settings.quick)
    elapsed = time.perf_counter() - started
    command = " ".join(["benchmarks/run", *(argv if argv is not None else sys.argv[1:])])
    report += f"\nHarness wall time: {elapsed:.0f} s (`{command}`).\n"
    print(report)

    stem = args.output or RESULTS / ("smoke" if (args.quick or args.only) else "latest")
    document = {
        "machine": machine,
        "settings": asdict(settings),
        "measures": names,
        "peers": {
            k: {"label": s.peer.label, "ready": s.ready, "version": s.version, "error": s.error}
            for k, s in statuses.items()
        },
        "rows": [asdict(row) for row in suite.rows],
        "targets": [asdict(target) for target in targets],
        "notes": suite.notes,
        "raw": suite.raw,
        "wall_s": elapsed,
    }
    _write(stem.with_suffix(".md"), report)
    _write(stem.with_suffix(".json"), json.dumps(document, indent=1, default=str) + "\n")
    _log(f"wrote {stem.with_suffix('.md')} and {stem.with_suffix('.json')}")
    return 0
