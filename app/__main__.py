"""Wiring only: paths, QApplication, translator, database, window."""

from __future__ import annotations

import sys
from pathlib import Path


def make_county_demo(path: Path, townships: int = 3):
    """A county database with ``townships`` demo townships' files imported (as the county)."""
    import tempfile

    from app.db.connection import open_database
    from app.db.store import initialise
    from app.demo import names as N
    from app.demo.county_files import township_files
    from app.exchange.merge import import_files

    database = open_database(path, create=True)
    initialise(database, county_code=N.COUNTY[0], county_name=N.COUNTY[1])
    with tempfile.TemporaryDirectory() as folder:
        import_files(database, township_files(Path(folder), townships))
    return database


def run_gui(db: Path | None = None, demo: bool = False, demo_county: bool = False) -> int:
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.db.connection import DatabaseFileError, open_database
    from app.paths import APP_NAME, default_db_path, demo_db_path

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("乡镇驻村工作台")
    translator = QTranslator(app)
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China),
        "qt",
        "_",
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    ):
        app.installTranslator(translator)

    if demo_county:
        path = demo_db_path("county")
    else:
        path = demo_db_path() if demo else (db or default_db_path())
    try:
        if demo_county and not path.exists():
            database = make_county_demo(path)
        elif demo and not path.exists():
            from app.demo_setup import make_demo

            database = open_database(path, create=True)
            make_demo(database)
        elif not path.exists():
            from app.ui.dialogs.init_dialog import create_database_interactively

            database = create_database_interactively(path)
            if database is None:
                return 0
        else:
            database = open_database(path)
    except DatabaseFileError as e:
        QMessageBox.critical(None, "无法打开数据库", str(e))
        return 1

    from app.ui.main_window import MainWindow

    window = MainWindow(database, path)
    window.show()
    return app.exec()


def main() -> None:
    from app.cli import run

    sys.exit(run())


if __name__ == "__main__":
    main()
