"""Where the program keeps its files (per-user data folder, as Qt's AppDataLocation)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "township-office"
DB_FILE = "township.sqlite"
DEMO_FILE = "demo.sqlite"
DEMO_COUNTY_FILE = "demo-county.sqlite"  # a county database with demo townships imported


def data_dir() -> Path:
    from PySide6.QtCore import QCoreApplication, QStandardPaths

    if not QCoreApplication.applicationName() or QCoreApplication.applicationName() == "python":
        QCoreApplication.setApplicationName(APP_NAME)
        QCoreApplication.setOrganizationName("")
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / f".{APP_NAME}"


def default_db_path() -> Path:
    env = os.environ.get("TOWNSHIP_OFFICE_DB")
    if env:
        return Path(env)
    return data_dir() / DB_FILE


def demo_db_path(scale: str = "township") -> Path:
    return data_dir() / (DEMO_COUNTY_FILE if scale == "county" else DEMO_FILE)
