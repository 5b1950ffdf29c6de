#!/usr/bin/env python3
"""Put the Chinese TrueType font the installers bundle in ``build/fonts/``.

    python installer/fetch_font.py                   # Linux: installed file, else apt download
    python installer/fetch_font.py --from FILE       # any OS: a .ttc/.ttf, or the .deb file

The font is WenQuanYi Micro Hei (文泉驿微米黑, ``wqy-microhei.ttc``, Debian package
``fonts-wqy-microhei``), licensed Apache-2.0 or GPL-3+ with the font exception; its
license text is committed as ``resources/fonts/LICENSE-wqy-microhei.txt`` and bundled
beside it. The font itself (5 MB) is not committed: this script fetches it at build time.

Where it comes from, first that works:

1. ``--from FILE``: a ``.ttc``/``.ttf`` file, or the package ``.deb`` (unpacked here in
   pure Python, so this works on Windows too: copy the ``.deb`` from a Debian/Ubuntu
   machine, ``apt-get download fonts-wqy-microhei``, or the ``.ttc`` from a Linux
   bundle's ``_internal/resources/fonts/``);
2. the environment variable ``TOWNSHIP_OFFICE_BUNDLE_FONT`` (same as ``--from``);
3. (Linux) the installed file ``/usr/share/fonts/truetype/wqy/wqy-microhei.ttc``;
4. (Debian/Ubuntu) ``apt-get download fonts-wqy-microhei`` into a temporary folder.

The result is checked as the program checks fonts (a TrueType-outlined face with every
Chinese character the reports print) and its SHA-256 compared with the known file (a
different one is used with a warning). Prints the path; exit 1 with a message if none.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import lzma
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONT_NAME = "wqy-microhei.ttc"
DEFAULT_OUT = ROOT / "build" / "fonts"
LICENSE = ROOT / "resources" / "fonts" / "LICENSE-wqy-microhei.txt"
INSTALLED = Path("/usr/share/fonts/truetype/wqy") / FONT_NAME
DEB_PACKAGE = "fonts-wqy-microhei"
# Debian/Ubuntu fonts-wqy-microhei 0.2.0-beta (the upstream file, unchanged since 2010)
KNOWN_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"
ENV_VAR = "TOWNSHIP_OFFICE_BUNDLE_FONT"


class FetchError(Exception):
    pass


def say(text: str) -> None:
    print(f"[fetch_font] {text}", flush=True)


# ---- a .deb without dpkg ---------------------------------------------------------------


def _ar_members(data: bytes):
    """(name, bytes) of a Unix ``ar`` archive (a .deb is one)."""
    if not data.startswith(b"!<arch>\n"):
        raise FetchError("不是 .deb（ar）文件")
    pos = 8
    while pos + 60 <= len(data):
        header = data[pos : pos + 60]
        name = header[:16].decode("ascii").strip().rstrip("/")
        size = int(header[48:58].decode("ascii").strip())
        pos += 60
        yield name, data[pos : pos + size]
        pos += size + (size % 2)


def font_from_deb(deb: Path, out: Path) -> Path:
    for name, body in _ar_members(deb.read_bytes()):
        if not name.startswith("data.tar"):
            continue
        if name.endswith(".xz"):
            raw = lzma.decompress(body)
        elif name.endswith(".zst"):
            if not shutil.which("dpkg-deb"):
                raise FetchError(f"{deb.name} 的 data.tar.zst 需要 dpkg-deb 解包")
            with tempfile.TemporaryDirectory() as folder:
                subprocess.run(["dpkg-deb", "-x", str(deb), folder], check=True)
                found = list(Path(folder).rglob(FONT_NAME))
                if not found:
                    raise FetchError(f"{deb.name} 中没有 {FONT_NAME}")
                shutil.copyfile(found[0], out)
                return out
        else:  # .gz, .bz2 or plain: tarfile guesses
            raw = body
        with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
            for member in tar.getmembers():
                if member.isfile() and Path(member.name).name == FONT_NAME:
                    extracted = tar.extractfile(member)
                    assert extracted is not None
                    out.write_bytes(extracted.read())
                    return out
        raise FetchError(f"{deb.name} 中没有 {FONT_NAME}")
    raise FetchError(f"{deb.name} 中没有 data.tar")


def apt_download(out: Path) -> Path:
    if not shutil.which("apt-get"):
        raise FetchError("没有 apt-get")
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)  # apt's sandbox user must be able to write there
        r = subprocess.run(
            ["apt-get", "download", DEB_PACKAGE], cwd=folder, capture_output=True, text=True
        )
        debs = list(Path(folder).glob(f"{DEB_PACKAGE}_*.deb"))
        if r.returncode != 0 or not debs:
            raise FetchError(
                f"apt-get download {DEB_PACKAGE} 失败（{r.stderr.strip()[-300:]}）；"
                "先运行 apt-get update？"
            )
        say(f"downloaded {debs[0].name}")
        return font_from_deb(debs[0], out)


# ---- checking ----------------------------------------------------------------------------


def check_font(path: Path) -> str:
    """The SHA-256 of a usable font (as the program judges fonts), FetchError otherwise."""
    sys.path.insert(0, str(ROOT))
    try:
        from reportlab.pdfbase.ttfonts import TTFont

        from app.reports.pdf.fonts import REQUIRED_CHARS, is_truetype
    except ImportError as e:  # run with the build venv's python
        raise FetchError(f"需要在装有本程序的 Python 环境中运行（{e}）") from e
    if not is_truetype(path):
        raise FetchError(f"{path} 不是可嵌入的 TrueType 字体")
    face = TTFont("fetch-check", str(path), subfontIndex=0).face
    missing = [ch for ch in REQUIRED_CHARS if ord(ch) not in face.charToGlyph]
    if missing:
        raise FetchError(f"{path} 缺少汉字 {''.join(missing)}")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(source: Path | None, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / FONT_NAME
    partial = out_dir / ("partial-" + FONT_NAME)  # keeps the suffix: is_truetype looks at it
    tried: list[str] = []
    env = os.environ.get(ENV_VAR, "").strip()
    source = source or (Path(env) if env else None)
    attempts = []
    if source is not None:
        attempts.append(("--from " + str(source), source))
    else:
        if target.is_file():
            attempts.append(("already fetched", target))
        if INSTALLED.is_file():
            attempts.append(("installed package", INSTALLED))
        attempts.append(("apt-get download", None))
    for label, path in attempts:
        try:
            if path is None:
                apt_download(partial)
            elif path.suffix.lower() == ".deb":
                font_from_deb(path, partial)
            elif path.resolve() == target.resolve():
                shutil.copyfile(target, partial)
            elif path.is_file():
                shutil.copyfile(path, partial)
            else:
                raise FetchError(f"文件不存在：{path}")
            digest = check_font(partial)
        except (FetchError, OSError, subprocess.SubprocessError) as e:
            tried.append(f"{label}: {e}")
            partial.unlink(missing_ok=True)
            continue
        os.replace(partial, target)
        if digest != KNOWN_SHA256:
            say(f"warning: {FONT_NAME} differs from the known file (sha256 {digest})")
        say(f"{target} ({target.stat().st_size} bytes, from {label})")
        return target
    raise FetchError("找不到 WenQuanYi Micro Hei 字体：\n  " + "\n  ".join(tried))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--from", dest="source", type=Path, help="a .ttc/.ttf file or the .deb")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder (default {DEFAULT_OUT})")
    args = p.parse_args(argv)
    if not LICENSE.is_file():
        print(f"missing license file {LICENSE}", file=sys.stderr)
        return 1
    try:
        path = fetch(args.source, args.out)
    except FetchError as e:
        print(f"[fetch_font] {e}", file=sys.stderr)
        print(
            "[fetch_font] Windows: copy wqy-microhei.ttc (or fonts-wqy-microhei_*.deb) from a "
            "Debian/Ubuntu machine and run: python installer\\fetch_font.py --from <file>",
            file=sys.stderr,
        )
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
