"""Installing YASGUI for the query page (`npt-kg assets`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.commands import assets, main
from kg.errors import UserError


def _fake_install(dest: Path, version: str = assets.VERSION) -> None:
    dest.mkdir(parents=True)
    for name in assets.FILES:
        (dest / name).write_text("/* built file */", encoding="utf-8")
    (dest / assets.MANIFEST).write_text(json.dumps({"package": assets.PACKAGE, "version": version}),
                                        encoding="utf-8")


def test_nothing_is_installed_in_an_empty_directory(tmp_path: Path) -> None:
    assert assets.installed(tmp_path) is None
    assert main(["assets", "status", "--dest", str(tmp_path)]) == 1


def test_a_directory_missing_a_built_file_is_not_an_installation(tmp_path: Path) -> None:
    _fake_install(tmp_path / "y")
    (tmp_path / "y" / assets.FILES[0]).unlink()
    assert assets.installed(tmp_path / "y") is None


def test_install_keeps_the_pinned_version_without_running_npm(tmp_path: Path) -> None:
    _fake_install(tmp_path / "y")
    info = assets.install(tmp_path / "y", npm="/nonexistent/npm")
    assert info["version"] == assets.VERSION
    assert main(["assets", "status", "--dest", str(tmp_path / "y")]) == 0


def test_install_of_another_version_needs_npm(tmp_path: Path) -> None:
    _fake_install(tmp_path / "y", version="0.0.1")
    with pytest.raises(UserError):
        assets.install(tmp_path / "y", npm="/nonexistent/npm")
    assert assets.installed(tmp_path / "y")["version"] == "0.0.1"  # untouched


def test_the_pin_is_an_exact_version() -> None:
    assert assets.VERSION.count(".") == 2 and all(part.isdigit() for part in assets.VERSION.split("."))


@pytest.mark.skipif(shutil.which("npm") is None or assets.installed() is None,
                    reason="npm or the installed YASGUI is missing (make assets)")
def test_the_installed_files_match_their_manifest() -> None:
    import hashlib

    info = assets.installed()
    for name, digest in info["sha256"].items():
        assert hashlib.sha256((assets.DEFAULT_DEST / name).read_bytes()).hexdigest() == digest
    assert info["package"] == assets.PACKAGE and info["license"] == "MIT"
