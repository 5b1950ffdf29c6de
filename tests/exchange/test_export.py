def test_the_private_key_never_reaches_the_change_log(tmp_path):
    from app.db.connection import memory_database
    from app.db.store import initialise, meta
    from app.exchange.keys import SIGNING_KEY, ensure_key

    db = memory_database()
    initialise(
        db,
        county_code="610526",
        county_name="蒲城县",
        township_code="610526100",
        township_name="东坡镇",
    )
    ensure_key(db)
    secret = meta(db)[SIGNING_KEY]
    logged = " ".join(str(v) for r in db.query("SELECT * FROM change_log") for v in r.values())
    assert secret not in logged and "签名密钥" in logged


def test_phone_and_id_card_numbers_typed_into_free_text_are_masked(township_db, tmp_path):
    """The phone column never leaves; a number a clerk typed into a note is masked too."""
    from datetime import datetime, timezone

    from app.domain.periods import Quarter
    from app.exchange.export import export_quarter
    from app.exchange.verify import verify_file

    township_db["households"].insert(
        {
            "hh_no": "H001",
            "village_code": "610526100201",
            "head_name": "张三",
            "phone": "13912345678",
            "notes": "联系电话13812345678，身份证61052619900101123X，住3组",
        }
    )
    township_db["practical_matters"].insert(
        {
            "village_code": "610526100201",
            "day": "2026-08-01",
            "category": "路",
            "description": "硬化道路，联系人手机 15000001111",
            "funds_fen": 13800000000,
        }
    )
    out = export_quarter(
        township_db,
        Quarter(2026, 3),
        tmp_path / "x.zip",
        now=datetime(2026, 11, 28, 10, tzinfo=timezone.utc),
    ).path
    v = verify_file(out)
    (hh,) = v.tables["households"]
    assert "phone" not in hh
    assert hh["notes"] == "联系电话138****5678，身份证610526********123X，住3组"
    assert hh["village_code"] == "610526100201"  # codes are not free text
    (pm,) = v.tables["practical_matters"]
    assert pm["description"] == "硬化道路，联系人手机 150****1111"
    assert pm["funds_fen"] == 13800000000  # money is a number, never masked
