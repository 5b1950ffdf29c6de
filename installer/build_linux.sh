#!/usr/bin/env bash
# Build the Linux bundle of 乡镇驻村工作台 and check it: from a clean clone,
#
#   bash installer/build_linux.sh                 # uses .venv (set up by dev.py)
#   bash installer/build_linux.sh --venv DIR      # or a separate build environment
#
# 1. binutils (PyInstaller's objdump and strip) and `python3 dev.py setup`: the system
#    libraries Qt needs (they go into the bundle), fonts-wqy-microhei and .venv (apt-get
#    as root or with sudo; with --venv dev.py is skipped: those packages must be there);
# 2. installs the program with its `build` extra (PyInstaller) into the environment;
# 3. fetches the bundled Chinese font (installer/fetch_font.py → build/fonts/);
# 4. runs PyInstaller (installer/township-office.spec) → dist/township-office/;
# 5. adds township-office.desktop, township-office.png, install.sh, uninstall.sh and
#    安装说明.txt to the folder;
# 6. runs the built program's smoke mode (`township-office --self-test`) offscreen, and
#    also on a virtual X display when xvfb-run is there; fails unless it exits 0;
# 7. writes dist/township-office-<version>-linux-<machine>.tar.gz (version: pyproject);
# then prints the time taken and the sizes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
START=$SECONDS
VENV=""
while [ $# -gt 0 ]; do
  case "$1" in
    --venv) VENV=${2:?--venv needs a folder}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

say() { printf '[build_linux] %s\n' "$*"; }
step() { say "$(printf '%4ds' $((SECONDS - START))) $*"; }

# ---- 1-2: the build environment ----------------------------------------------------------
# PyInstaller reads the libraries with objdump and strips them with strip (binutils)
if ! command -v objdump >/dev/null 2>&1 || ! command -v strip >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; else
    say "missing binutils (objdump, strip): sudo apt-get install binutils"; exit 1
  fi
  step "apt-get install binutils"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils \
    || { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq --no-install-recommends binutils; }
fi
if [ -z "$VENV" ]; then
  step "python3 dev.py setup (system packages, .venv)"
  python3 dev.py setup
  VENV=.venv
  step "pip install -e .[build]"
  "$VENV/bin/python" -m pip install -q -e ".[build]"
else
  if [ ! -x "$VENV/bin/python" ]; then
    step "creating $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
  fi
  step "pip install .[build] into $VENV"
  "$VENV/bin/python" -m pip install -q ".[build]"
fi
PY=$VENV/bin/python
VERSION=$("$PY" installer/buildinfo.py version)
TARBALL=dist/$("$PY" installer/buildinfo.py tarball)
say "township-office $VERSION"

# ---- 3-4: font and PyInstaller -----------------------------------------------------------
step "fetching the font"
"$PY" installer/fetch_font.py >/dev/null
step "PyInstaller"
mkdir -p build
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installer/township-office.spec
BUNDLE=dist/township-office

# ---- 5: the files for the clerk ----------------------------------------------------------
cp installer/linux/township-office.desktop "$BUNDLE/"
cp resources/icons/township-office.png "$BUNDLE/"
cp installer/linux/install.sh installer/linux/uninstall.sh "$BUNDLE/"
cp installer/linux/安装说明.txt "$BUNDLE/"
chmod 755 "$BUNDLE/install.sh" "$BUNDLE/uninstall.sh" "$BUNDLE/township-office"
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$BUNDLE/township-office.desktop"
fi

# ---- 6: smoke test of the built program, with a home of its own ---------------------------
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
smoke() {  # the program must not need (or write to) the builder's home or fonts
  env -i PATH=/usr/bin:/bin HOME="$SCRATCH/home" XDG_CACHE_HOME="$SCRATCH/cache" \
    LANG=C.UTF-8 TMPDIR="$SCRATCH" "$@"
}
mkdir -p "$SCRATCH/home"
step "self-test (offscreen)"
if ! smoke QT_QPA_PLATFORM=offscreen "$BUNDLE/township-office" --self-test; then
  say "FAILED: the built program's self-test (offscreen) did not pass"
  exit 1
fi
if command -v xvfb-run >/dev/null 2>&1; then
  step "self-test (X11 on xvfb)"
  if ! smoke xvfb-run -a -s "-screen 0 1366x768x24" "$BUNDLE/township-office" --self-test; then
    say "FAILED: the built program's self-test (xcb) did not pass"
    exit 1
  fi
fi
if [ -n "$(ls -A "$SCRATCH/home")" ]; then
  say "FAILED: the self-test wrote into the home folder: $(cd "$SCRATCH/home" && find . | head -5)"
  exit 1
fi
"$BUNDLE/township-office" --version

# ---- 7: the tarball ----------------------------------------------------------------------
step "tarball"
rm -f "$TARBALL"
tar -C dist --owner=0 --group=0 --numeric-owner \
  --transform "s,^township-office,township-office-$VERSION," \
  -czf "$TARBALL" township-office
(cd dist && sha256sum "$(basename "$TARBALL")" > "$(basename "$TARBALL").sha256")

ELAPSED=$((SECONDS - START))
FOLDER_MB=$(du -sm "$BUNDLE" | cut -f1)
TAR_MB=$(awk "BEGIN { printf \"%.1f\", $(stat -c %s "$TARBALL") / 1048576 }")
FILES=$(find "$BUNDLE" -type f | wc -l)
say "done in ${ELAPSED}s ($((ELAPSED / 60)) min $((ELAPSED % 60)) s)"
say "folder  $BUNDLE: ${FOLDER_MB} MiB, $FILES files"
say "tarball $TARBALL: ${TAR_MB} MiB"
