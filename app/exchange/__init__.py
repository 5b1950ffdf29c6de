"""The county file (上报文件): one signed zip per township and quarter.

``export_quarter`` writes it, ``verify_file`` checks it before anything reads its data.
See CONTRACT.md "The county file".
"""

from __future__ import annotations

FORMAT_NAME = "township-office-county-file"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "signature.sig"
SUMMARY = "summary.xlsx"
DATA_PREFIX = "data/"
