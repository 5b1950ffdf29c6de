#!/bin/sh
# 乡镇驻村工作台 — remove the program installed by install.sh. The data are KEPT:
# ~/.local/share/township-office/ (the database and its backups) is not touched.
set -eu

NAME=township-office
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
PREFIX=${TOWNSHIP_OFFICE_PREFIX:-$HOME/.local/opt/$NAME}
USER_DATA=$DATA_HOME/$NAME

case "$PREFIX" in
  "$USER_DATA"|"$USER_DATA"/*) printf '卸载失败：%s 是数据文件夹，不能删除。\n' "$PREFIX" >&2; exit 1 ;;
esac
if [ -e "$PREFIX" ] && [ ! -x "$PREFIX/$NAME" ]; then
  printf '卸载失败：%s 不是本程序的安装文件夹，未做任何改动。\n' "$PREFIX" >&2
  exit 1
fi

DESKTOP_DIR=$(xdg-user-dir DESKTOP 2>/dev/null || true)
[ -n "$DESKTOP_DIR" ] || DESKTOP_DIR=$HOME/Desktop
rm -f "$DATA_HOME/applications/$NAME.desktop" "$DESKTOP_DIR/$NAME.desktop" \
      "$DATA_HOME/icons/hicolor/256x256/apps/$NAME.png"
if [ -L "$HOME/.local/bin/$NAME" ]; then rm -f "$HOME/.local/bin/$NAME"; fi
rm -rf "$PREFIX"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA_HOME/icons/hicolor" 2>/dev/null || true

printf '已卸载程序。数据仍保存在 %s（数据库与备份），如不再需要请自行删除。\n' "$USER_DATA"
