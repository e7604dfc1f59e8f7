"""Open RDF files the way Protégé does, with the Java OWL API, and report what it could not take in.

rdflib and pyoxigraph accept any RDF; Protégé does not. It reads files with the OWL API,
which silently drops triples it cannot map to OWL axioms ("unparsed triples") and flags
constructs outside OWL 2 DL (undeclared properties, illegal punning, unknown datatypes).
This module compiles a small Java program (`kg/commands/owlapi/OwlCheck.java`) against Debian's
`libowlapi-java` into a cache directory and runs it, so tests and `npt-kg owlcheck`
catch such problems before a user opens the file.

Usage: ``npt-kg owlcheck FILE [FILE...]`` (files go into one OWL API manager, in order).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import UserError

JAVA_SOURCE = Path(__file__).resolve().parent / "owlapi" / "OwlCheck.java"
#: Where Debian installs the OWL API and its dependencies (`apt-get install libowlapi-java`).
JAVA_LIB_DIR = Path(os.environ.get("NPT_KG_JAVA_LIB", "/usr/share/java"))
OWLAPI_JAR = "owlapi-distribution.jar"
#: Logging bridges that clash with each other when all jars of /usr/share/java share a classpath.
_EXCLUDED_JARS = re.compile(
    r"^(maven3-slf4j-provider|slf4j-(jcl|jdk14|log4j12|simple|migrator)|log4j-over-slf4j|jcl-over-slf4j|jul-to-slf4j)"
    r"[-.0-9]*\.jar$"
)


@dataclass
class OwlReport:
    """What the OWL API made of a set of files; `ok` only when nothing was lost or outside OWL 2 DL."""

    loaded: list[str] = field(default_factory=list)
    parse_errors: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    output: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.loaded) and not (self.parse_errors or self.unparsed or self.violations)

    def problems(self) -> list[str]:
        """Every problem as one readable line."""
        return (
            [f"parse error: {p}" for p in self.parse_errors]
            + [f"unparsed triple: {u}" for u in self.unparsed]
            + [f"OWL 2 DL violation: {v}" for v in self.violations]
        )


def missing_requirements() -> str | None:
    """Why the check cannot run here (no JDK, no OWL API jar), or None when it can."""
    for tool in ("java", "javac"):
        if shutil.which(tool) is None:
            return f"{tool} not found (install default-jdk-headless)"
    if not (JAVA_LIB_DIR / OWLAPI_JAR).exists():
        return f"{JAVA_LIB_DIR / OWLAPI_JAR} not found (run 'make owlapi' or apt-get install libowlapi-java)"
    return None


def classpath() -> list[Path]:
    """The jars of the Debian Java library directory, minus clashing logging bridges."""
    return sorted(p for p in JAVA_LIB_DIR.glob("*.jar") if not _EXCLUDED_JARS.match(p.name))


def _cache_dir() -> Path:
    """A class directory keyed by the Java source, so an edited source is recompiled."""
    base = os.environ.get("NPT_KG_CACHE") or tempfile.gettempdir()
    digest = hashlib.sha256(JAVA_SOURCE.read_bytes()).hexdigest()[:16]
    return Path(base) / f"npt-kg-owlcheck-{digest}"


def compile_checker() -> Path:
    """Compile OwlCheck.java once into the cache (atomically: compile aside, then rename)."""
    reason = missing_requirements()
    if reason:
        raise UserError(f"OWL API check unavailable: {reason}")
    target = _cache_dir()
    if (target / "OwlCheck.class").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    cp = os.pathsep.join(str(p) for p in classpath())
    proc = subprocess.run(
        ["javac", "-nowarn", "-encoding", "UTF-8", "-d", str(staging), "-cp", cp, str(JAVA_SOURCE)],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise UserError(f"{JAVA_SOURCE}: javac failed: {proc.stderr.strip().splitlines()[:1]}")
    try:
        staging.rename(target)
    except OSError:  # compiled concurrently by another process: theirs is as good as ours
        shutil.rmtree(staging, ignore_errors=True)
    return target


def check(files: Sequence[Path | str]) -> OwlReport:
    """Load `files` into one OWL API manager (in order) and report parse errors, unparsed triples, DL violations."""
    if not files:
        raise UserError("owlcheck: no files given")
    for f in files:
        if not Path(f).exists():
            raise UserError(f"{f}: no such file")
    classes = compile_checker()
    cp = os.pathsep.join([str(classes), *(str(p) for p in classpath())])
    proc = subprocess.run(
        ["java", "-cp", cp, "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "OwlCheck", *map(str, files)],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    report = parse_output(proc.stdout)
    if proc.returncode not in (0, 1) or not any(line.startswith("RESULT") for line in proc.stdout.splitlines()):
        raise UserError(f"OWL API check crashed (exit {proc.returncode}): {proc.stderr.strip()[:500]}")
    return report


def parse_output(text: str) -> OwlReport:
    """Read the tab-separated records OwlCheck prints."""
    report = OwlReport(output=text)
    for line in text.splitlines():
        kind, _, rest = line.partition("\t")
        fields = rest.split("\t")
        if kind == "LOADED":
            report.loaded.append(fields[0])
        elif kind == "PARSE-ERROR":
            report.parse_errors.append(": ".join(fields))
        elif kind == "UNPARSED":
            report.unparsed.append(": ".join(fields))
        elif kind == "DL-VIOLATION":
            report.violations.append(": ".join(fields))
    return report


def run(args: argparse.Namespace) -> int:
    """`npt-kg owlcheck FILE...`: exit 1 when the OWL API reports any problem."""
    report = check([str(f) for f in args.files])
    for problem in report.problems():
        print(problem)
    print("OK" if report.ok else f"{len(report.problems())} problem(s)")
    return 0 if report.ok else 1
