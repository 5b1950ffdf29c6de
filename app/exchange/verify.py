"""Checking a county file before anything trusts it.

In order: it is a zip; entry names are safe (no absolute paths, no ``..``, no
backslashes, no links); sizes are bounded (total and compression ratio); the manifest is
present and parseable, of this format and of a version this program reads; every part's
SHA-256 matches the manifest; the signature over the manifest's exact bytes verifies with
the manifest's public key. Every failure is a ``DomainError`` in plain Chinese naming the
file and the part.
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cryptography.exceptions import InvalidSignature

from app.domain.errors import DomainError
from app.exchange import DATA_PREFIX, FORMAT_NAME, FORMAT_VERSION, MANIFEST, SIGNATURE
from app.exchange.keys import load_public_key

MAX_TOTAL = 300 * 1024 * 1024  # bytes, all entries uncompressed (a county-scale file: 105 MB)
MAX_RATIO = 100  # uncompressed / compressed, per entry (real files: about 5)
RATIO_FLOOR = 64 * 1024  # entries smaller than this cannot be a bomb; their ratio is not judged
MAX_ENTRIES = 1000


@dataclass
class Verified:
    manifest: dict
    tables: dict[str, list[dict]] = field(default_factory=dict)
    public_key: str = ""
    manifest_bytes: bytes = b""
    lines: dict[str, list[str]] = field(default_factory=dict)  # each row's exact text


def _fail(path: Path, message: str, part: str | None = None) -> DomainError:
    where = f"（部分：{part}）" if part else ""
    return DomainError(f"上报文件「{path.name}」{message}{where}")


def _check_name(path: Path, info: zipfile.ZipInfo) -> None:
    name = info.filename
    pure = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or pure.is_absolute()
        or (len(name) > 1 and name[1] == ":")
        or ".." in pure.parts
        or info.is_dir()
    ):
        raise _fail(path, "含有不安全的条目名，已拒绝", name)
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        raise _fail(path, "含有链接条目，已拒绝", name)


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo], max_total: int) -> None:
    total = 0
    for info in infos:
        total += info.file_size
        if total > max_total:
            raise _fail(
                path, f"解压后超过 {max_total // (1024 * 1024)} MB，疑似压缩炸弹", info.filename
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _fail(path, "压缩比异常，疑似压缩炸弹", info.filename)


def _read(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with zf.open(info) as f:
            data = f.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        raise _fail(path, "已损坏（内容与校验码不符或无法解压），无法读出", info.filename) from None
    if len(data) != info.file_size:
        raise _fail(path, "已损坏：长度与目录不符", info.filename)
    return data


def verify_file(
    path: Path, *, max_total: int = MAX_TOTAL, rows: bool = True, lines: bool = True
) -> Verified:
    """Check ``path`` completely and return its manifest and data tables.

    ``rows`` False leaves each data line unparsed (``Verified.lines`` only); the caller
    then checks that every line is a JSON object (the import does, in SQLite); ``lines``
    False only counts them (reading back a file just written).
    """
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"找不到上报文件：{path}")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _fail(path, "不是上报文件（不是完整的 zip 文件，可能已截断或损坏）") from None
    with zf:
        try:
            return _verify_open(path, zf, max_total, rows, lines or rows)
        except DomainError:
            raise
        except Exception as e:  # noqa: BLE001 — whatever a damaged file does: refused
            raise _fail(path, f"无法读出（{type(e).__name__}）") from None


def _verify_open(
    path: Path, zf: zipfile.ZipFile, max_total: int, parse: bool, split: bool
) -> Verified:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _fail(path, f"条目过多（{len(infos)} 个），已拒绝")
    seen: set[str] = set()
    for info in infos:
        _check_name(path, info)
        if info.filename in seen:
            raise _fail(path, "含有重复的条目", info.filename)
        seen.add(info.filename)
    _check_sizes(path, infos, max_total)
    by_name = {i.filename: i for i in infos}

    if MANIFEST not in by_name:
        raise _fail(path, "不是上报文件：缺少清单", MANIFEST)
    manifest_bytes = _read(path, zf, by_name[MANIFEST])
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _fail(path, "的清单已损坏，无法解析", MANIFEST) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise _fail(path, "不是上报文件：格式名称不符", MANIFEST)
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(path, "的清单中格式版本无效", MANIFEST)
    if version > FORMAT_VERSION:
        raise _fail(
            path,
            f"由更新版本的程序生成，请升级（格式版本 {version}，本程序只能读到 {FORMAT_VERSION}）",
            MANIFEST,
        )

    hashes = manifest.get("sha256")
    if not isinstance(hashes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in hashes.items()
    ):
        raise _fail(path, "的清单缺少各部分的校验值", MANIFEST)
    for name in by_name:
        if name not in (MANIFEST, SIGNATURE) and name not in hashes:
            raise _fail(path, "含有清单之外的部分，已拒绝", name)
    parts: dict[str, bytes] = {}
    for name, expected in hashes.items():
        if name not in by_name:
            raise _fail(path, "缺少清单中列出的部分", name)
        data = _read(path, zf, by_name[name])
        if hashlib.sha256(data).hexdigest() != expected.lower():
            raise _fail(path, "校验值不符：内容已被改动或损坏", name)
        parts[name] = data

    if SIGNATURE not in by_name:
        raise _fail(path, "缺少签名", SIGNATURE)
    signature = _read(path, zf, by_name[SIGNATURE])
    try:
        public = load_public_key(str(manifest.get("public_key", "")))
    except (ValueError, UnicodeEncodeError):
        raise _fail(path, "的清单中公钥无效", MANIFEST) from None
    try:
        public.verify(signature, manifest_bytes)
    except InvalidSignature:
        raise _fail(path, "签名不符：清单已被改动或签名已损坏", SIGNATURE) from None

    tables: dict[str, list[dict]] = {}
    lines: dict[str, list[str]] = {}
    counts = manifest.get("counts")
    if not isinstance(counts, dict):
        raise _fail(path, "的清单缺少各部分的行数", MANIFEST)
    for name, data in parts.items():
        if not name.startswith(DATA_PREFIX) or not name.endswith(".jsonl"):
            continue
        table = name[len(DATA_PREFIX) : -len(".jsonl")]
        if not split:  # the rows as written: whole lines, counted
            if (data and not data.endswith(b"\n")) or counts.get(table) != data.count(b"\n"):
                raise _fail(path, "的行数与清单不符", name)
            continue
        try:
            texts = [line for line in data.decode("utf-8").split("\n") if line]
            rows = [json.loads(line) for line in texts] if parse else []
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise _fail(path, "的数据无法解析", name) from None
        if not all(isinstance(r, dict) for r in rows):
            raise _fail(path, "的数据格式不符", name)
        if counts.get(table) != len(texts):
            raise _fail(path, "的行数与清单不符", name)
        tables[table], lines[table] = rows, texts
    return Verified(
        manifest=manifest,
        tables=tables,
        public_key=manifest["public_key"],
        manifest_bytes=manifest_bytes,
        lines=lines,
    )
