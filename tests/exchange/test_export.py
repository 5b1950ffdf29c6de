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
