"""Wiring only: paths, QApplication, translator, database, window."""

from __future__ import annotations

import sys
from pathlib import Path


def make_county_demo(path: Path, townships: int = 3, database=None):
    """A county database with ``townships`` demo townships' files imported (as the county),
    at ``path`` or into ``database`` (already opened there)."""
    import tempfile

    from app.db.connection import open_database
    from app.db.store import initialise
    from app.demo import names as N
    from app.demo.county_files import township_files
    from app.exchange.merge import import_files

    if database is None:
        database = open_database(path, create=True)
    initialise(database, county_code=N.COUNTY[0], county_name=N.COUNTY[1])
    with tempfile.TemporaryDirectory() as folder:
        import_files(database, township_files(Path(folder), townships))
    return database


def run_gui(db: Path | None = None, demo: bool = False, demo_county: bool = False) -> int:
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtWidgets import QApplication, QDialog

    from app.paths import APP_NAME, default_db_path, demo_db_path
    from app.ui.dialogs.startup import open_at_start, opened_path

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("乡镇驻村工作台")
    app.setDesktopFileName("township-office")
    from PySide6.QtGui import QIcon

    icon = Path(__file__).resolve().parent.parent / "resources" / "icons" / "township-office.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    translator = QTranslator(app)
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China),
        "qtbase",  # "qt" needs the Multimedia catalogue PySide6-Essentials leaves out
        "_",
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    ):
        app.installTranslator(translator)

    if demo_county:
        path = demo_db_path("county")
    else:
        path = demo_db_path() if demo else (db or default_db_path())
    # the database is opened for work (locked, checked) before anything is written to it
    values = None
    if not (demo or demo_county) and not path.exists():
        from app.ui.dialogs.init_dialog import InitDialog

        dialog = InitDialog(path)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        values = dialog.values()
    new = not path.exists()
    opened = open_at_start(path, create=new)
    if opened is None:
        return 1
    path = opened_path(opened, path)  # a copy made from a USB stick is opened instead
    if new and values is not None:
        from app.db.store import initialise

        initialise(opened.db, **values)
    elif new and demo_county:
        make_county_demo(path, database=opened.db)
    elif new and demo:
        from app.demo_setup import make_demo

        make_demo(opened.db)

    from app.ui.main_window import MainWindow

    window = MainWindow(opened.db, path, opened=opened)  # the window keeps the lock
    window.show()
    try:
        return app.exec()
    finally:
        window.release_database()


def main() -> None:
    from app.cli import run

    sys.exit(run())


if __name__ == "__main__":
    main()
