"""Helpers shared by these tests (the township_db fixture is in tests/conftest.py)."""


def present(db, cadre, *days, kind="在村"):
    db["attendance"].insert_all(
        [{"cadre_no": cadre, "day": d, "kind": kind, "village_code": "610526100201"} for d in days],
        replace=True,
    )
