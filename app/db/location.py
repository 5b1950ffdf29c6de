"""Where a database file lives: the laptop's own disk, a removable drive or a network share.

SQLite's locking and WAL are not safe on network file systems, and a USB stick can be
pulled out mid-write: the program edits only a file on the laptop's own disk and offers
to copy one found elsewhere (viewing it read-only is fine).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PureWindowsPath

LOCAL, REMOVABLE, NETWORK = "local", "removable", "network"
KIND_WORDS = {REMOVABLE: "移动存储设备（U 盘、移动硬盘等）", NETWORK: "网络共享文件夹"}

NETWORK_FS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smbfs",
        "smb3",
        "afs",
        "ceph",
        "glusterfs",
        "9p",
        "davfs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.davfs2",
        "fuse.gvfsd-fuse",
    }
)
REMOVABLE_FS = frozenset({"vfat", "exfat", "msdos", "fuseblk", "ntfs", "ntfs3", "udf", "iso9660"})
REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/usb")


def _unescape(field: str) -> str:
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")


def _mounts(text: str | None = None) -> list[tuple[str, str, str]]:
    """(device, mount point, file system type) from /proc/mounts."""
    if text is None:
        try:
            text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            out.append((parts[0], _unescape(parts[1]), parts[2]))
    return out


def _removable_device(device: str) -> bool:
    name = Path(device).name
    if not device.startswith("/dev/") or not name:
        return False
    base = name.rstrip("0123456789")
    if base.startswith("nvme") or base.startswith("mmcblk"):
        base = name.split("p")[0] if "p" in name[4:] else name
    flag = Path("/sys/block") / base / "removable"
    try:
        return flag.read_text().strip() == "1"
    except OSError:
        return False


def linux_kind(path: Path, mounts_text: str | None = None) -> str:
    resolved = str(Path(path).resolve())
    best: tuple[str, str, str] | None = None
    for device, point, fs in _mounts(mounts_text):
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > len(best[1])):
            best = (device, point, fs)
    if best is None:
        return LOCAL
    device, point, fs = best
    if fs in NETWORK_FS or device.startswith("//") or (":" in device and fs.startswith("nfs")):
        return NETWORK
    if _removable_device(device):
        return REMOVABLE
    if fs in REMOVABLE_FS and (point + "/").startswith(REMOVABLE_ROOTS):
        return REMOVABLE
    return LOCAL


def windows_kind(path: Path) -> str:
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return NETWORK  # \\server\share\...
    drive = PureWindowsPath(os.path.abspath(text)).drive
    if not drive:
        return LOCAL
    import ctypes

    kind = ctypes.windll.kernel32.GetDriveTypeW(drive + "\\")  # type: ignore[attr-defined]
    return {2: REMOVABLE, 4: NETWORK}.get(kind, LOCAL)


def storage_kind(path: Path) -> str:
    """``local``, ``removable`` or ``network`` for the folder holding ``path``."""
    folder = Path(path).parent if not Path(path).is_dir() else Path(path)
    try:
        if sys.platform == "win32":
            return windows_kind(folder)
        if sys.platform.startswith("linux"):
            return linux_kind(folder)
    except (OSError, ValueError, AttributeError):
        return LOCAL
    return LOCAL


def editing_refused(path: Path) -> str | None:
    """Why the program will not edit a database at ``path`` (None: it will)."""
    if os.environ.get("TOWNSHIP_OFFICE_ALLOW_ANY_DRIVE") == "1":
        return None
    kind = storage_kind(path)
    if kind == LOCAL:
        return None
    return (
        f"数据库文件 {path} 在{KIND_WORDS[kind]}上。在这样的位置直接修改，拔出设备或网络中断时"
        "可能损坏数据，所以本程序不在那里直接修改。请把它复制到本机后再编辑。"
    )
