#!/bin/sh
# 乡镇驻村工作台 — install for this user, no administrator rights, no network.
#
#   ./install.sh            (from the unpacked folder; or double-click → 运行)
#
# Copies the program to ~/.local/opt/township-office (a previous version there is
# replaced), adds 乡镇驻村工作台 to the applications menu and to the desktop, and the
# command `township-office` to ~/.local/bin. The data stay where they are:
# ~/.local/share/township-office/ (database, backups) is never touched.
set -eu

NAME=township-office
HERE=$(cd "$(dirname "$0")" && pwd)
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
PREFIX=${TOWNSHIP_OFFICE_PREFIX:-$HOME/.local/opt/$NAME}
BIN_DIR=$HOME/.local/bin
APPS_DIR=$DATA_HOME/applications
ICON_DIR=$DATA_HOME/icons/hicolor/256x256/apps
USER_DATA=$DATA_HOME/$NAME

say() { printf '%s\n' "$*"; }
fail() { printf '安装失败：%s\n' "$*" >&2; exit 1; }

[ -x "$HERE/$NAME" ] && [ -d "$HERE/_internal" ] || fail "请在解压后的程序文件夹中运行本脚本（$HERE 中没有 $NAME）。"
case "$PREFIX" in
  "$USER_DATA"|"$USER_DATA"/*) fail "安装位置不能在数据文件夹 $USER_DATA 中。" ;;
esac

if [ "$HERE" != "$PREFIX" ]; then
  if [ -e "$PREFIX" ] && [ ! -x "$PREFIX/$NAME" ]; then
    fail "$PREFIX 已存在且不是本程序的安装文件夹，未做任何改动。"
  fi
  mkdir -p "$(dirname "$PREFIX")"
  rm -rf "$PREFIX.new"
  cp -a "$HERE/." "$PREFIX.new/"
  rm -rf "$PREFIX.old"
  [ -e "$PREFIX" ] && mv "$PREFIX" "$PREFIX.old"
  mv "$PREFIX.new" "$PREFIX"
  rm -rf "$PREFIX.old"
fi

mkdir -p "$BIN_DIR" "$APPS_DIR" "$ICON_DIR"
ln -sf "$PREFIX/$NAME" "$BIN_DIR/$NAME"
cp "$PREFIX/$NAME.png" "$ICON_DIR/$NAME.png"

# the menu entry: the shipped .desktop with the absolute program path
EXEC=$PREFIX/$NAME
case "$EXEC" in *" "*) EXEC="\"$EXEC\"" ;; esac
sed -e "s|^Exec=.*|Exec=$EXEC|" -e "s|^TryExec=.*|TryExec=$PREFIX/$NAME|" \
    -e "s|^Icon=.*|Icon=$ICON_DIR/$NAME.png|" \
    "$PREFIX/$NAME.desktop" > "$APPS_DIR/$NAME.desktop"
chmod 755 "$APPS_DIR/$NAME.desktop"

# a launcher on the desktop (marked trusted where the desktop asks for that)
DESKTOP_DIR=$(xdg-user-dir DESKTOP 2>/dev/null || true)
[ -n "$DESKTOP_DIR" ] || DESKTOP_DIR=$HOME/Desktop
if [ -d "$DESKTOP_DIR" ] && [ "$DESKTOP_DIR" != "$HOME" ]; then
  cp "$APPS_DIR/$NAME.desktop" "$DESKTOP_DIR/$NAME.desktop"
  chmod 755 "$DESKTOP_DIR/$NAME.desktop"
  gio set "$DESKTOP_DIR/$NAME.desktop" metadata::trusted true 2>/dev/null || true
fi

command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS_DIR" 2>/dev/null || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA_HOME/icons/hicolor" 2>/dev/null || true

say "已安装：$PREFIX"
say "在“应用程序”菜单（办公）或桌面上打开“乡镇驻村工作台”；命令行：$BIN_DIR/$NAME"
say "数据保存在 $USER_DATA（卸载时保留）。"
