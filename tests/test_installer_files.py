"""The installer files agree with each other and with pyproject (installer/).

One version number (pyproject) reaches every build; the Windows setup installs per user
and never deletes the user's data; the Linux .desktop file is valid; install.sh and
uninstall.sh keep the data folder; the font's license is the real one.
"""

import io
import lzma
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
ISS = INSTALLER / "windows" / "township-office.iss"
PS1 = INSTALLER / "windows" / "build.ps1"
SPEC = INSTALLER / "township-office.spec"
DESKTOP = INSTALLER / "linux" / "township-office.desktop"
BUILD_SH = INSTALLER / "build_linux.sh"

sys.path.insert(0, str(INSTALLER))
import buildinfo  # noqa: E402
import fetch_font  # noqa: E402

sys.path.remove(str(INSTALLER))


def pyproject_version() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'^\[project\][^\[]*?^version = "([^"]+)"', text, re.M | re.S).group(1)


def iss_text() -> str:
    return ISS.read_bytes().decode("utf-8-sig")


def iss_section(name: str) -> str:
    match = re.search(rf"^\[{name}\]\s*$(.*?)(?=^\[|\Z)", iss_text(), re.M | re.S)
    return match.group(1) if match else ""


# ---- one version -------------------------------------------------------------------------


def test_one_version_from_pyproject():
    version = pyproject_version()
    assert buildinfo.project_version() == version
    assert (
        buildinfo.tarball_name() == f"township-office-{version}-linux-{buildinfo.machine()}.tar.gz"
    )
    assert buildinfo.setup_name() == f"township-office-{version}-setup.exe"
    assert buildinfo.windows_version_tuple("1.2.3") == (1, 2, 3, 0)
    assert buildinfo.windows_version_tuple("2.0rc1") == (2, 0, 0, 0)


def test_the_installed_program_reports_the_pyproject_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("township-office")
    except PackageNotFoundError:
        pytest.skip("township-office is not installed in this environment")
    assert installed == pyproject_version(), "pip install -e . again (dev.py setup does)"


def test_no_build_file_hard_codes_the_version():
    version = re.escape(pyproject_version())
    for path in (ISS, PS1, SPEC, BUILD_SH, DESKTOP, INSTALLER / "entry.py"):
        text = path.read_bytes().decode("utf-8-sig")
        assert not re.search(rf"(?<![\d.]){version}(?![\d.])", text), path
    # … each takes it from pyproject through buildinfo
    assert "buildinfo.project_version()" in SPEC.read_text(encoding="utf-8")
    assert "installer/buildinfo.py tarball" in BUILD_SH.read_text(encoding="utf-8")
    ps1 = PS1.read_text(encoding="ascii")
    assert '"installer\\buildinfo.py", "version"' in ps1
    assert '"/DAppVersion=$Version"' in ps1
    assert re.search(r"#ifndef AppVersion\s+#error", iss_text())
    assert "AppVersion={#AppVersion}" in iss_text()
    assert "OutputBaseFilename={#AppShortName}-{#AppVersion}-setup" in iss_text()


# ---- Windows: Inno Setup ---------------------------------------------------------------


def test_iss_installs_per_user_without_admin():
    setup = iss_section("Setup")
    assert re.search(r"^PrivilegesRequired=lowest\s*$", setup, re.M)
    assert "PrivilegesRequiredOverridesAllowed" not in setup  # no offer to elevate
    assert re.search(r"^DefaultDirName=\{localappdata\}\\Programs\\", setup, re.M)
    assert "{pf}" not in iss_text() and "{commonpf}" not in iss_text()
    assert "{commondesktop}" not in iss_text() and "{commonprograms}" not in iss_text()


def test_iss_shortcuts_start_menu_and_optional_desktop():
    icons = iss_section("Icons")
    assert re.search(
        r'^Name: "\{autoprograms\}\\\{#AppName\}"; Filename: "\{app\}\\\{#AppExe\}"', icons, re.M
    )
    desktop = [line for line in icons.splitlines() if "{autodesktop}" in line]
    assert len(desktop) == 1 and "Tasks: desktopicon" in desktop[0]
    assert re.search(r'^Name: "desktopicon"', iss_section("Tasks"), re.M)


def test_iss_never_deletes_the_users_data():
    text = iss_text()
    assert not iss_section("UninstallDelete").strip(" \r\n;")
    for section in ("UninstallDelete", "UninstallRun", "Registry", "Dirs"):
        assert not re.search(rf"^\[{section}\]", text, re.M), section
    # what is deleted at install time is the program's own folder only
    for line in iss_section("InstallDelete").splitlines():
        if line.strip() and not line.lstrip().startswith(";"):
            assert 'Name: "{app}\\' in line, line
    # the data folder appears only where it is read (the messages of [Code])
    code = iss_section("Code")
    outside_code = text.replace(code, "")
    assert "{userappdata}" not in outside_code
    assert "DelTree" not in code and "DeleteFile" not in code and "RemoveDir" not in code
    assert "ExpandConstant('{userappdata}\\{#DataFolder}')" in code
    assert '#define DataFolder "township-office"' in text  # app/paths.py's APP_NAME
    # … and the uninstaller says the data stay
    confirm = re.search(r"^ConfirmUninstall=(.*)$", iss_section("Messages"), re.M).group(1)
    assert "township-office" in confirm and "保留" in confirm and "不会删除" in confirm


def test_iss_data_folder_name_is_the_programs():
    from app.paths import APP_NAME

    assert APP_NAME == buildinfo.APP_NAME == "township-office"
    assert f'#define DataFolder "{APP_NAME}"' in iss_text()


def test_iss_and_ps1_encodings():
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup reads UTF-8 only with a BOM"
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    PS1.read_bytes().decode("ascii")  # Windows PowerShell 5.1 reads a BOM-less script as ANSI


def test_ps1_builds_tests_and_packages():
    ps1 = PS1.read_text(encoding="ascii")
    for needle in (
        "installer\\fetch_font.py",
        "installer\\township-office.spec",
        '"township-office-cli.exe") @("--self-test")',
        "ISCC.exe",
        "installer\\windows\\township-office.iss",
        '$ErrorActionPreference = "Stop"',
    ):
        assert needle in ps1, needle


# ---- PyInstaller spec ------------------------------------------------------------------------


def test_spec_bundles_font_license_and_resources_and_excludes_the_unneeded():
    spec = SPEC.read_text(encoding="utf-8")
    assert 'ROOT / "build" / "fonts" / "wqy-microhei.ttc"' in spec
    assert '(str(FONT), "resources/fonts")' in spec
    assert 'ROOT / "resources" / "fonts" / "LICENSE-wqy-microhei.txt"' in spec
    assert "copy_metadata(NAME)" in spec  # the version of 帮助 → 关于 and --version
    for name in (
        "tkinter",
        "PySide6.QtWebEngineCore",
        "PySide6.QtQml",
        "PySide6.QtQuick",
        "pytest",
    ):
        assert f'"{name}"' in spec, name
    assert 'str(HERE / "entry.py")' in spec
    assert 'hiddenimports=collect_submodules("app")' in spec  # pages imported by name
    assert "township-office.ico" in spec
    assert 'executable(f"{NAME}-cli", console=True)' in spec


def test_entry_and_app_agree_on_the_font_and_its_folder():
    from app.reports.pdf import fonts

    entry = (INSTALLER / "entry.py").read_text(encoding="utf-8")
    assert f'FONT_ENV = "{fonts.ENV_VAR}"' in entry
    assert 'root / "resources" / "fonts" / FONT_FILE' in entry
    assert fetch_font.FONT_NAME in entry
    # in the bundle app/ sits in _internal/, so bundled_font_dir() is _internal/resources/fonts
    assert fonts.bundled_font_dir().parts[-2:] == ("resources", "fonts")


def test_font_license_is_the_packages():
    text = (ROOT / "resources" / "fonts" / "LICENSE-wqy-microhei.txt").read_text(encoding="utf-8")
    assert "WenQuanYi Micro Hei" in text
    assert "License: Apache-2.0 or GPL-3+ with Font exception" in text
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert "As a special exception, if you create a document which uses this font" in text
    # and the font itself is never committed
    ignore = (ROOT / "resources" / "fonts" / ".gitignore").read_text(encoding="utf-8")
    assert "*.ttc" in ignore.split() and "*.ttf" in ignore.split()


# ---- fetch_font -----------------------------------------------------------------------------


def _deb_with(member: str, body: bytes) -> bytes:
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as tar:
        info = tarfile.TarInfo(member)
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    parts = [("debian-binary", b"2.0\n"), ("data.tar.xz", lzma.compress(tar_bytes.getvalue()))]
    out = b"!<arch>\n"
    for name, data in parts:
        header = f"{name + '/':<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(data):<10}`\n".encode()
        out += header + data + (b"\n" if len(data) % 2 else b"")
    return out


def test_fetch_font_unpacks_a_deb_without_dpkg(tmp_path):
    deb = tmp_path / "fonts-wqy-microhei_0.2.0-beta-3.1_all.deb"
    deb.write_bytes(_deb_with("./usr/share/fonts/truetype/wqy/wqy-microhei.ttc", b"FONTDATA"))
    out = tmp_path / "x.ttc"
    assert fetch_font.font_from_deb(deb, out) == out
    assert out.read_bytes() == b"FONTDATA"
    with pytest.raises(fetch_font.FetchError):
        fetch_font.font_from_deb(tmp_path / "x.ttc", tmp_path / "y.ttc")  # not a .deb


def test_fetch_font_refuses_what_is_not_a_font(tmp_path):
    bogus = tmp_path / "bogus.ttc"
    bogus.write_bytes(b"not a font")
    assert fetch_font.main(["--from", str(bogus), "--out", str(tmp_path / "out")]) == 1
    assert not list((tmp_path / "out").glob("*.ttc"))


def test_fetch_font_takes_a_real_font(tmp_path):
    from app.reports.pdf import fonts

    try:
        real = fonts.find_cjk_font()
    except fonts.FontMissing:
        pytest.skip("no Chinese TrueType font on this machine")
    assert fetch_font.main(["--from", str(real), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "wqy-microhei.ttc").read_bytes() == real.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["wqy-microhei.ttc"]


# ---- Linux: .desktop, icons, install.sh -----------------------------------------------------


def desktop_entry() -> dict[str, str]:
    entry = {}
    lines = DESKTOP.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    for line in lines[1:]:
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            entry[key] = value
    return entry


def test_desktop_file_has_what_menus_need():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "township-office"
    assert entry["Icon"] == "township-office"
    assert entry["Name[zh_CN]"] == "乡镇驻村工作台"
    assert entry["Terminal"] == "false"
    assert "Office;" in entry["Categories"]


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils absent")
def test_desktop_file_validates():
    r = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_icons():
    icons = ROOT / "resources" / "icons"
    assert _png_size(icons / "township-office.png") == (256, 256)
    data = (icons / "township-office.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = {(data[6 + 16 * i] or 256) for i in range(count)}
    assert {16, 32, 48, 256} <= sizes


def test_shell_scripts_parse():
    for script in (
        BUILD_SH,
        INSTALLER / "linux" / "install.sh",
        INSTALLER / "linux" / "uninstall.sh",
    ):
        shell = "bash" if script == BUILD_SH else "sh"
        if not shutil.which(shell):
            pytest.skip(f"no {shell}")
        r = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


@pytest.mark.skipif(os.name == "nt" or not shutil.which("sh"), reason="POSIX shell scripts")
def test_install_and_uninstall_keep_the_data(tmp_path):
    bundle = tmp_path / "township-office-9.9"
    (bundle / "_internal").mkdir(parents=True)
    program = bundle / "township-office"
    program.write_text("#!/bin/sh\necho fake\n")
    program.chmod(0o755)
    shutil.copy(DESKTOP, bundle)
    shutil.copy(ROOT / "resources" / "icons" / "township-office.png", bundle)
    for name in ("install.sh", "uninstall.sh"):
        shutil.copy(INSTALLER / "linux" / name, bundle)
    home = tmp_path / "home"
    (home / "Desktop").mkdir(parents=True)
    data = home / ".local" / "share" / "township-office"
    data.mkdir(parents=True)
    (data / "township.sqlite").write_bytes(b"the clerk's records")
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    r = subprocess.run(["sh", str(bundle / "install.sh")], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    prefix = home / ".local" / "opt" / "township-office"
    assert (prefix / "township-office").is_file() and (prefix / "_internal").is_dir()
    menu = (home / ".local" / "share" / "applications" / "township-office.desktop").read_text()
    assert f"Exec={prefix}/township-office\n" in menu
    assert "Name[zh_CN]=乡镇驻村工作台" in menu
    assert (home / "Desktop" / "township-office.desktop").is_file()
    assert os.path.islink(home / ".local" / "bin" / "township-office")
    if shutil.which("desktop-file-validate"):
        v = subprocess.run(
            [
                "desktop-file-validate",
                str(home / ".local/share/applications/township-office.desktop"),
            ],
            capture_output=True,
            text=True,
        )
        assert v.returncode == 0, v.stdout + v.stderr

    # again (an upgrade) over the installed copy: still fine, data untouched
    r = subprocess.run(["sh", str(bundle / "install.sh")], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stdout + r.stderr

    r = subprocess.run(
        ["sh", str(prefix / "uninstall.sh")], capture_output=True, text=True, env=env
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert not prefix.exists()
    assert not (home / ".local" / "share" / "applications" / "township-office.desktop").exists()
    assert not (home / "Desktop" / "township-office.desktop").exists()
    assert not os.path.lexists(home / ".local" / "bin" / "township-office")
    assert (data / "township.sqlite").read_bytes() == b"the clerk's records"
    assert "数据仍保存在" in r.stdout


@pytest.mark.skipif(os.name == "nt" or not shutil.which("sh"), reason="POSIX shell scripts")
def test_install_refuses_a_foreign_folder(tmp_path):
    bundle = tmp_path / "b"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "township-office").write_text("#!/bin/sh\n")
    (bundle / "township-office").chmod(0o755)
    shutil.copy(INSTALLER / "linux" / "install.sh", bundle)
    home = tmp_path / "home"
    foreign = home / ".local" / "opt" / "township-office"
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("someone else's")
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    r = subprocess.run(["sh", str(bundle / "install.sh")], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "未做任何改动" in r.stderr
    assert (foreign / "notes.txt").read_text() == "someone else's"


def test_readme_shows_the_screenshots_the_tests_take():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Installers") :]
    links = re.findall(r"!\[[^\]]*\]\((installer/screenshots/[^)]+\.png)\)", section)
    assert {"installer/screenshots/main-window.png"} <= set(links)
    tests = (ROOT / "tests" / "test_selftest.py").read_text(encoding="utf-8")
    for link in links:
        assert Path(link).name in tests, link  # taken by a test, not by hand
