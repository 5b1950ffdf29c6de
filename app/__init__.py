"""乡镇驻村工作台 — offline desktop program for township offices."""

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("township-office")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"
