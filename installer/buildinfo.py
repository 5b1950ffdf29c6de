#!/usr/bin/env python3
"""The one version number (``[project] version`` in pyproject.toml) and the names built from it.

    python installer/buildinfo.py version          # 0.1.0
    python installer/buildinfo.py tarball          # township-office-0.1.0-linux-x86_64.tar.gz
    python installer/buildinfo.py setup            # township-office-0.1.0-setup.exe
    python installer/buildinfo.py winversion       # 0.1.0.0 (Windows file version)

Used by the PyInstaller spec, ``build_linux.sh``, ``windows/build.ps1`` (which passes the
version to Inno Setup as ``/DAppVersion=…``) and the tests; never hard-code the version
anywhere else.
"""

from __future__ import annotations

import platform
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "township-office"  # app.paths.APP_NAME: the data folder's name too
DISPLAY_NAME = "乡镇驻村工作台"
PUBLISHER = "Township Office"


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    text = pyproject.read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the [project] table's version line
        section = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
        match = section and re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
        if not match:
            raise SystemExit(f"no [project] version in {pyproject}") from None
        return match.group(1)
    return tomllib.loads(text)["project"]["version"]


def machine() -> str:
    m = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(m, m)


def tarball_name(version: str | None = None) -> str:
    return f"{APP_NAME}-{version or project_version()}-linux-{machine()}.tar.gz"


def setup_name(version: str | None = None) -> str:
    return f"{APP_NAME}-{version or project_version()}-setup.exe"


def windows_version_tuple(version: str | None = None) -> tuple[int, int, int, int]:
    """Four integers for Windows' file version: the release part (``0.1.0rc1`` → ``(0, 1, 0, 0)``)."""
    release = re.match(r"\d+(?:\.\d+)*", version or project_version())
    numbers = [int(n) for n in release.group(0).split(".")] if release else []
    return tuple((numbers + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "version"
    if what == "version":
        print(project_version())
    elif what == "tarball":
        print(tarball_name())
    elif what == "setup":
        print(setup_name())
    elif what == "winversion":
        print(".".join(str(n) for n in windows_version_tuple()))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
