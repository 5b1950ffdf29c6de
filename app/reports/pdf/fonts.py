"""The Chinese font of every PDF: an embeddable TrueType face, found once, registered once.

A PDF printed in a township office is opened on any computer, so its Chinese font must
travel inside the file. reportlab embeds only TrueType-outlined fonts (a ``glyf``
table); it cannot embed CFF/OpenType-PostScript fonts (most ``.otf`` files, Noto/Source
Han Sans CJK), and its built-in ``STSong-Light`` CID font is never embedded (a viewer
without Chinese fonts then shows empty boxes). So we look for a TrueType ``.ttf``/``.ttc``
and refuse anything else.

Search order:

1. the environment variable ``TOWNSHIP_OFFICE_FONT`` (a ``.ttf``/``.ttc`` file); when it
   is set but unusable we say so instead of quietly taking another font;
2. a font bundled with the program in ``resources/fonts/``;
3. well-known files of Linux, Windows and macOS;
4. (Linux) ``fc-list :lang=zh file``, keeping TrueType-outlined ``.ttf``/``.ttc`` only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import app
from app.domain.errors import DomainError

ENV_VAR = "TOWNSHIP_OFFICE_FONT"
FONT_SUFFIXES = (".ttf", ".ttc")
# characters every report prints: the font must have them
REQUIRED_CHARS = "乡镇驻村干部考勤表补助合计签字"

INSTALL_HINT = (
    "请安装 fonts-wqy-microhei（Debian/Ubuntu：sudo apt-get install fonts-wqy-microhei），"
    f"或设置环境变量 {ENV_VAR} 指向 .ttf/.ttc 字体文件。"
)


class FontMissing(DomainError):
    """No Chinese TrueType font that can be embedded in a PDF was found."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"找不到可嵌入 PDF 的中文 TrueType 字体。{detail}{INSTALL_HINT}")


def bundled_font_dir() -> Path:
    return Path(app.__file__).resolve().parent.parent / "resources" / "fonts"


def _windows_fonts() -> Path:
    return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"


def system_candidates() -> list[Path]:
    """Well-known Chinese TrueType fonts of the platform, best first."""
    if sys.platform.startswith("win"):
        folder = _windows_fonts()
        names = ("msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc", "simkai.ttf", "simfang.ttf")
        return [folder / n for n in names]
    if sys.platform == "darwin":
        return [
            Path("/System/Library/Fonts/STHeiti Light.ttc"),
            Path("/System/Library/Fonts/STHeiti Medium.ttc"),
            Path("/Library/Fonts/Arial Unicode.ttf"),
            Path("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"),
            Path("/System/Library/Fonts/Supplemental/Songti.ttc"),
        ]
    roots = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".local/share/fonts"))
    relative = (
        "truetype/wqy/wqy-microhei.ttc",
        "wqy-microhei/wqy-microhei.ttc",
        "truetype/wqy/wqy-zenhei.ttc",
        "wqy-zenhei/wqy-zenhei.ttc",
        "truetype/arphic/uming.ttc",
        "truetype/arphic/ukai.ttc",
        "truetype/droid/DroidSansFallbackFull.ttf",
        "google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    )
    return [Path(root) / rel for root in roots for rel in relative]


def is_truetype(path: Path) -> bool:
    """True when ``path`` is a readable ``.ttf``/``.ttc`` whose (first) face has glyf outlines."""
    from reportlab.pdfbase.ttfonts import TTFontParser

    if path.suffix.lower() not in FONT_SUFFIXES or not path.is_file():
        return False
    try:
        parser = TTFontParser(str(path), subfontIndex=0)
    except Exception:  # reportlab raises TTFError and others on foreign or broken files
        return False
    return "glyf" in parser.table and "CFF " not in parser.table


def _fc_list() -> list[Path]:
    exe = shutil.which("fc-list")
    if not exe:
        return []
    try:
        out = subprocess.run(
            [exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in out.splitlines():
        name = line.strip().rstrip(":").strip()
        if name and re.search(r"\.tt[fc]$", name, re.IGNORECASE):
            found.append(Path(name))
    return sorted(set(found))


def _from_env() -> Path | None:
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_file():
        raise FontMissing(f"环境变量 {ENV_VAR} 指向的文件不存在：{path}。")
    if not is_truetype(path):
        raise FontMissing(
            f"环境变量 {ENV_VAR} 指向的 {path.name} 不是 TrueType 轮廓字体"
            "（.otf/CFF 字体无法嵌入 PDF）。"
        )
    return path


def find_cjk_font() -> Path:
    """The Chinese TrueType font to embed (see the module's search order); FontMissing if none."""
    env = _from_env()
    if env is not None:
        return env
    folder = bundled_font_dir()
    bundled = sorted(p for p in folder.glob("*") if p.suffix.lower() in FONT_SUFFIXES)
    bundled.sort(key=lambda p: "bold" in p.stem.lower())  # regular faces first
    for path in (*bundled, *system_candidates()):
        if is_truetype(path):
            return path
    if not sys.platform.startswith("win") and sys.platform != "darwin":
        for path in _fc_list():
            if is_truetype(path):
                return path
    raise FontMissing()


# companions of a regular face that are a real bold (else the regular face serves as bold)
_BOLD_COMPANIONS = {
    "msyh.ttc": "msyhbd.ttc",
    "msyh.ttf": "msyhbd.ttf",
    "simsun.ttc": "simhei.ttf",
    "stheiti light.ttc": "STHeiti Medium.ttc",
}


def find_bold_companion(regular: Path) -> Path | None:
    name = regular.name.lower()
    candidates = []
    if name in _BOLD_COMPANIONS:
        candidates.append(regular.with_name(_BOLD_COMPANIONS[name]))
    stem = regular.stem
    for old, new in (("-Regular", "-Bold"), ("Regular", "Bold"), ("-Light", "-Bold")):
        if old in stem:
            candidates.append(regular.with_name(stem.replace(old, new) + regular.suffix))
    return next((p for p in candidates if p != regular and is_truetype(p)), None)


_registered: dict[Path, str] = {}


def bold_name(font_name: str) -> str:
    """The name of the bold face registered next to ``font_name`` (maybe the same face)."""
    return f"{font_name}-Bold"


def register_fonts() -> str:
    """Find and register the Chinese font (once per file); return its reportlab name.

    A bold face is registered as ``bold_name(name)`` (the real bold when one is next to
    the regular face, else the regular face again), and both form a font family so that
    ``<b>`` in a Paragraph works.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = find_cjk_font().resolve()
    if path in _registered:
        return _registered[path]
    name = f"CJK{len(_registered)}-" + re.sub(r"[^A-Za-z0-9]+", "", path.stem)[:24]
    try:
        font = TTFont(name, str(path), subfontIndex=0)
    except Exception as e:  # a damaged file: say which
        raise FontMissing(f"字体文件 {path} 无法读取（{e}）。") from e
    missing = [c for c in REQUIRED_CHARS if ord(c) not in font.face.charToGlyph]
    if missing:
        raise FontMissing(f"字体 {path.name} 缺少汉字（如「{''.join(missing[:5])}」）。")
    pdfmetrics.registerFont(font)
    bold_path = find_bold_companion(path)
    bold = TTFont(bold_name(name), str(bold_path or path), subfontIndex=0)
    pdfmetrics.registerFont(bold)
    for is_bold, is_italic, face in (
        (0, 0, name),
        (1, 0, bold_name(name)),
        (0, 1, name),
        (1, 1, bold_name(name)),
    ):
        addMapping(name, is_bold, is_italic, face)
    _registered[path] = name
    return name


def has_real_bold(font_name: str) -> bool:
    """Whether the bold face is a different file (else titles fake bold by stroking)."""
    from reportlab.pdfbase import pdfmetrics

    regular = pdfmetrics.getFont(font_name).face.filename
    bold = pdfmetrics.getFont(bold_name(font_name)).face.filename
    return regular != bold
