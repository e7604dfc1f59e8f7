"""Installing the pages' npm packages (`npt-kg assets`): YASGUI, the chart library, the CJK font."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.commands import assets, main
from kg.errors import UserError


def _fake_install(dest: Path, version: str = assets.VERSION) -> None:
    """Every package in place, the editor at `version`."""
    for pkg in assets.PACKAGES:
        folder = dest / pkg.key
        folder.mkdir(parents=True)
        for name in pkg.required:
            (folder / name).write_text("/* built file */", encoding="utf-8")
        pinned = version if pkg is assets.PACKAGES[0] else pkg.version
        (folder / assets.MANIFEST).write_text(json.dumps({"package": pkg.name, "version": pinned}),
                                              encoding="utf-8")


def test_nothing_is_installed_in_an_empty_directory(tmp_path: Path) -> None:
    assert assets.installed(tmp_path) is None
    assert main(["assets", "status", "--dest", str(tmp_path)]) == 1


def test_a_directory_missing_a_built_file_is_not_an_installation(tmp_path: Path) -> None:
    _fake_install(tmp_path / "y")
    (tmp_path / "y" / "yasgui" / assets.FILES[0]).unlink()
    assert assets.installed(tmp_path / "y") is None


def test_install_keeps_the_pinned_version_without_running_npm(tmp_path: Path) -> None:
    _fake_install(tmp_path / "y")
    info = assets.install(tmp_path / "y", npm="/nonexistent/npm")
    assert {key: manifest["version"] for key, manifest in info.items()} == {
        pkg.key: pkg.version for pkg in assets.PACKAGES}
    assert main(["assets", "status", "--dest", str(tmp_path / "y")]) == 0


def test_install_of_another_version_needs_npm(tmp_path: Path) -> None:
    _fake_install(tmp_path / "y", version="0.0.1")
    with pytest.raises(UserError):
        assets.install(tmp_path / "y", npm="/nonexistent/npm")
    assert assets.installed(tmp_path / "y")["version"] == "0.0.1"  # untouched


def test_every_pin_is_an_exact_version_and_every_key_a_distinct_folder() -> None:
    for pkg in assets.PACKAGES:
        assert pkg.version.count(".") == 2 and all(part.isdigit() for part in pkg.version.split(".")), pkg
    keys = [pkg.key for pkg in assets.PACKAGES]
    assert len(set(keys)) == len(keys) and all("/" not in k and not k.startswith(".") for k in keys)


def test_status_fails_while_any_package_is_missing(tmp_path: Path) -> None:
    _fake_install(tmp_path / "y")
    assert main(["assets", "status", "--dest", str(tmp_path / "y")]) == 0
    shutil.rmtree(tmp_path / "y" / assets.PACKAGES[-1].key)
    assert main(["assets", "status", "--dest", str(tmp_path / "y")]) == 1


@pytest.mark.skipif(shutil.which("npm") is None or assets.installed() is None,
                    reason="npm or the installed YASGUI is missing (make assets)")
def test_the_installed_files_match_their_manifest() -> None:
    import hashlib

    for pkg in assets.PACKAGES:
        info = assets.installed_package(pkg)
        assert info is not None, pkg.key
        for name, digest in info["sha256"].items():
            assert hashlib.sha256((assets.DEFAULT_DEST / pkg.key / name).read_bytes()).hexdigest() == digest
        assert info["package"] == pkg.name and info["license"] in ("MIT", "OFL-1.1", "BSD-3-Clause")
