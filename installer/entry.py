"""The built program's entry point (PyInstaller runs this script).

* ``--self-test`` runs :func:`app.selftest.run_self_test` (the installer builds call it
  on the bundle they made) and exits with its code;
* everything else goes to :func:`app.cli.run`, exactly as the ``township-office``
  console script (no arguments: the window).

Running frozen, ``TOWNSHIP_OFFICE_FONT`` is set to the bundled Chinese font unless the
user set it: the PDFs then look the same on every laptop, whatever fonts it has.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

FONT_FILE = "wqy-microhei.ttc"
FONT_ENV = "TOWNSHIP_OFFICE_FONT"  # app.reports.pdf.fonts.ENV_VAR


def bundle_root() -> Path | None:
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if getattr(sys, "frozen", False) and root else None


def use_bundled_font() -> Path | None:
    root = bundle_root()
    if root is None or os.environ.get(FONT_ENV, "").strip():
        return None
    font = root / "resources" / "fonts" / FONT_FILE
    if not font.is_file():
        return None
    os.environ[FONT_ENV] = str(font)
    return font


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    use_bundled_font()
    if "--self-test" in argv:
        if argv != ["--self-test"]:
            print("用法错误：--self-test 不与其他参数同用", file=sys.stderr)
            return 2
        from app.selftest import run_self_test

        return run_self_test()
    from app.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
