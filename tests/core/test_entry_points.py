"""dotflow.core.entry_points reads what importlib.metadata reads, the same way, only faster."""

from __future__ import annotations

import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dotflow.core import entry_points as module
from dotflow.core.entry_points import EntryPoint, entry_points


def _first_wins(found: list) -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    for ep in found:
        table.setdefault((ep.group, ep.name), ep.value)
    return table


def _distribution(site: Path, name: str, version: str, text: str) -> Path:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(text)
    return info


def test_this_environment_reads_the_same_as_importlib_metadata() -> None:
    assert module._plain_layout()
    groups = set(metadata.entry_points().groups)
    assert {"dotflow.storage", "console_scripts"} <= groups
    installed = [ep for group in groups for ep in metadata.entry_points(group=group)]
    ours = entry_points(groups)
    assert _first_wins(ours) == _first_wins(installed)
    names = {(ep.group, ep.name, ep.value): ep.dist.name for ep in installed if ep.dist}
    for ep in ours:
        assert ep.distribution == names[(ep.group, ep.name, ep.value)]


def test_a_distribution_found_twice_counts_once_from_the_first_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _distribution(tmp_path / "a", "Acme.Plugin", "2.0", "[acme.group]\nx = new:X\n")
    _distribution(tmp_path / "b", "acme_plugin", "1.0", "[acme.group]\nx = old:X\ny = old:Y\n")
    monkeypatch.syspath_prepend(str(tmp_path / "b"))
    monkeypatch.syspath_prepend(str(tmp_path / "a"))
    ours = entry_points({"acme.group"})
    assert [(ep.name, ep.value, ep.distribution) for ep in ours] == [("x", "new:X", "Acme.Plugin")]
    assert _first_wins(ours) == _first_wins(metadata.entry_points(group="acme.group"))


def test_load_follows_the_value_to_the_attribute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ep_target_mod.py").write_text("class Outer:\n    class Inner:\n        pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    loaded = EntryPoint("x", " ep_target_mod : Outer.Inner [extra1, extra2]", "g").load()
    assert loaded.__qualname__ == "Outer.Inner"
    assert EntryPoint("m", "ep_target_mod", "g").load().__name__ == "ep_target_mod"
    with pytest.raises(ModuleNotFoundError):
        EntryPoint("bad", "no_such_module_xyz:Thing", "g").load()


def test_a_zip_on_sys_path_hands_over_to_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("zipped_mod.py", "VALUE = 42\n")
        bundle.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\n")
        bundle.writestr(
            "zipped-1.0.dist-info/entry_points.txt", "[zip.group]\nz = zipped_mod:VALUE\n"
        )
    monkeypatch.syspath_prepend(str(archive))
    assert not module._plain_layout()
    [found] = entry_points({"zip.group"})
    assert (found.name, found.value, found.distribution) == ("z", "zipped_mod:VALUE", "zipped")
    assert found.load() == 42


def test_a_finder_that_finds_distributions_hands_over_to_importlib_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Finder:
        @staticmethod
        def find_distributions(context: object = None) -> list:
            return []

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder])
    assert not module._plain_layout()
    assert _first_wins(entry_points({"dotflow.storage"})) == _first_wins(
        metadata.entry_points(group="dotflow.storage")
    )


def test_the_importlib_metadata_backports_finder_keeps_the_fast_path() -> None:
    # It searches sys.path as the standard PathFinder does; importing it installs it.
    pytest.importorskip("importlib_metadata")
    assert any(type(f).__name__ == "MetadataPathFinder" for f in sys.meta_path)
    assert module._plain_layout()


_word = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}", fullmatch=True)
_space = st.sampled_from(["", " ", "  ", "\t"])
_entry = st.builds(
    lambda pad, name, mod, attr, extras: f"{pad}{name}{pad}={pad}{mod}:{attr}{extras}{pad}",
    _space,
    _word,
    st.from_regex(r"[a-z_][a-z0-9_]{0,8}(\.[a-z_][a-z0-9_]{0,8}){0,2}", fullmatch=True),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
    st.sampled_from(["", " [x]", "[a,b]"]),
)
_line = st.one_of(
    _entry,
    _entry,
    _space.map(lambda pad: pad),
    _word.map(lambda text: f"# {text} = not:an_entry"),
    _word.map(lambda group: f"[{group}]"),
)


@given(st.lists(_line, max_size=25))
def test_entry_points_files_parse_as_importlib_metadata_parses_them(lines: list[str]) -> None:
    text = "\n".join(["[first.group]", *lines])
    with tempfile.TemporaryDirectory() as folder:
        info = _distribution(Path(folder), "prop", "1.0", text)
        theirs = metadata.PathDistribution(info).entry_points
        ours = list(module._parse(text, str(info)))
    assert [(ep.group, ep.name, ep.value) for ep in ours] == [
        (ep.group, ep.name, ep.value) for ep in theirs
    ]
