#!/usr/bin/env python3
"""Set everything up, then open the program on demo data or run the tests.

    python3 dev.py demo     # set up, then open the main window on demo data
    python3 dev.py demo --demo-county   # … on a county database with three townships imported
    python3 dev.py test     # set up, then run the whole test suite (offscreen)

Works on Debian/Ubuntu and on Windows (``py dev.py demo``). Set-up is idempotent:
a virtual environment in ``.venv`` with the program and its test tools, and on Linux
the system libraries Qt needs plus a Chinese TrueType font (apt-get as root, sudo
otherwise, or a message saying exactly what to run).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
APT_PACKAGES = [
    "libgl1",
    "libegl1",
    "libxkbcommon0",
    "libglib2.0-0",
    "libfontconfig1",
    "libdbus-1-3",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-xinerama0",
    "libxcb-randr0",
    "fonts-wqy-microhei",
    "poppler-utils",
    "xvfb",  # the installer's self-test in a real X window
    "desktop-file-utils",  # desktop-file-validate for the Linux launcher
]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def say(text: str) -> None:
    print(f"[dev.py] {text}", flush=True)


def system_packages() -> None:
    if not sys.platform.startswith("linux") or not shutil.which("dpkg-query"):
        return
    missing = []
    for pkg in APT_PACKAGES:
        r = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True
        )
        if "install ok installed" not in r.stdout:
            missing.append(pkg)
    if not missing:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0
    ):
        prefix = ["sudo"]
    else:
        say("缺少系统软件包 / missing system packages: " + " ".join(missing))
        say(
            "请以管理员身份运行 / please run as root:\n    sudo apt-get update && sudo "
            + " ".join(command)
        )
        sys.exit(1)
    say("installing " + " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*prefix, *command], check=True, env=env)


def python_packages() -> None:
    if not venv_python().exists():
        say("creating .venv")
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say("installing the program and its test tools into .venv")
    py = str(venv_python())
    subprocess.run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"], check=True)
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in ("demo", "test", "setup"):
        print(__doc__)
        return 2
    system_packages()
    python_packages()
    py = str(venv_python())
    if argv[0] == "setup":
        return 0
    if argv[0] == "demo":
        return subprocess.call([py, "-m", "app", "--demo", *argv[1:]], cwd=ROOT)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([py, "-m", "pytest", *argv[1:]], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
