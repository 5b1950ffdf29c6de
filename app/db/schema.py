"""The schema: numbered migrations (sqlite-utils ``Migrations``) and change-log triggers.

Every table whose rows go to the county carries ``uuid`` (stable id) and ``modified_at``.
Money is integer fen (``*_fen``), scores integer tenths (``*_tenths``), dates ISO text.
The change log is written by triggers, so no code path can forget it; a bulk load of
generated demo data may switch it off for its own transaction (``log_control``).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

APPLICATION_ID = 0x54574F46  # "TWOF": township office
MIGRATION_SET = "township_office"

UUID_SQL = (
    "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))),2) || '-' || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))),2) || '-' || "
    "lower(hex(randomblob(6))))"
)
NOW_SQL = "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
SYNC = f"uuid TEXT NOT NULL UNIQUE DEFAULT {UUID_SQL}, modified_at TEXT NOT NULL DEFAULT {NOW_SQL}"

# table -> SQL expression (over NEW./OLD.) naming the record in the change log
LOGGED_TABLES: dict[str, str] = {
    "meta": "{r}.key",
    "townships": "{r}.code",
    "rule_settings": "{r}.key || '@' || {r}.effective_from",
    "villages": "{r}.code",
    "village_years": "{r}.village_code || '/' || {r}.year",
    "households": "{r}.hh_no",
    "household_visits": "{r}.uuid",
    "cadres": "{r}.cadre_no",
    "assignments": "{r}.cadre_no || '/' || {r}.village_code || '/' || {r}.role || '/' || {r}.start_date",
    "attendance": "{r}.cadre_no || '/' || {r}.day",
    "leaves": "{r}.uuid",
    "checks": "{r}.cadre_no || '/' || {r}.day || '/' || {r}.method",
    "diaries": "{r}.uuid",
    "meetings": "{r}.uuid",
    "meeting_attendees": "{r}.meeting_id || '/' || {r}.cadre_no",
    "meeting_reports": "{r}.uuid",
    "decisions": "{r}.uuid",
    "action_items": "{r}.uuid",
    "practical_matters": "{r}.uuid",
    "subsidy_rates": "{r}.kind || '@' || {r}.effective_from",
    "subsidy_months": "{r}.month",
    "subsidy_lines": "{r}.month || '/' || {r}.cadre_no",
    "subsidy_adjustments": "{r}.month || '/' || {r}.cadre_no || '/' || {r}.corrects_month",
    "templates": "{r}.name || ' v' || {r}.version",
    "template_indicators": "{r}.template_id || '/' || {r}.position",
    "template_bands": "{r}.template_id || '/' || {r}.grade",
    "assessment_years": "{r}.year",
    "village_assessments": "{r}.village_code || '/' || {r}.year",
    "village_scores": "{r}.village_code || '/' || {r}.year || '/' || {r}.indicator",
    "cadre_assessments": "{r}.cadre_no || '/' || {r}.year",
    # county databases: the townships' keys and the files imported (their rows are not
    # logged one by one: the file is the record, and its receipt is kept in county_files)
    "county_keys": "{r}.township_code",
    "county_files": "{r}.township_code || '/' || {r}.period || '/' || {r}.created_at",
    "exported_quarters": "{r}.quarter || '@' || {r}.exported_at",
}

V1 = [
    # identity of this database: kind (township|county), codes and names
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE log_control (id INTEGER PRIMARY KEY CHECK (id = 1), enabled INTEGER NOT NULL)""",
    """INSERT INTO log_control VALUES (1, 1)""",
    """CREATE TABLE change_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        table_name TEXT NOT NULL, record TEXT, action TEXT NOT NULL
            CHECK (action IN ('insert','update','delete','note')),
        before TEXT, after TEXT, reason TEXT)""",
    "CREATE INDEX change_log_table_record ON change_log(table_name, record)",
    "CREATE INDEX change_log_at ON change_log(at)",
    # editable rules with effective dates (requirements, caps ...)
    f"""CREATE TABLE townships (
        code TEXT PRIMARY KEY CHECK (length(code) = 9 AND code NOT GLOB '*[^0-9]*'),
        name TEXT NOT NULL,
        county_code TEXT NOT NULL CHECK (length(county_code) = 6 AND county_code NOT GLOB '*[^0-9]*'),
        county_name TEXT NOT NULL,
        {SYNC})""",
    """CREATE TABLE rule_settings (
        key TEXT NOT NULL, effective_from TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (key, effective_from))""",
    f"""CREATE TABLE villages (
        code TEXT PRIMARY KEY CHECK (length(code) = 12 AND code NOT GLOB '*[^0-9]*'),
        township_code TEXT NOT NULL REFERENCES townships(code),
        name TEXT NOT NULL,
        groups_count INTEGER CHECK (groups_count >= 0),
        households INTEGER CHECK (households >= 0),
        population INTEGER CHECK (population >= 0),
        agri_population INTEGER CHECK (agri_population >= 0),
        party_members INTEGER CHECK (party_members >= 0),
        leading_industry TEXT,
        register_grade TEXT CHECK (register_grade IN ('一类','二类','三类','四类')),
        situation TEXT,
        notes TEXT,
        {SYNC})""",
    "CREATE INDEX villages_township ON villages(township_code)",
    f"""CREATE TABLE village_years (
        village_code TEXT NOT NULL REFERENCES villages(code),
        year INTEGER NOT NULL,
        population INTEGER, households INTEGER, party_members INTEGER,
        income_per_capita_fen INTEGER, collective_income_fen INTEGER,
        notes TEXT, {SYNC},
        PRIMARY KEY (village_code, year))""",
    f"""CREATE TABLE households (
        hh_no TEXT PRIMARY KEY,
        village_code TEXT NOT NULL REFERENCES villages(code),
        group_name TEXT,
        head_name TEXT NOT NULL,
        members INTEGER CHECK (members >= 0),
        phone TEXT,
        income_source TEXT,
        income_per_capita_fen INTEGER CHECK (income_per_capita_fen >= 0),
        low_income INTEGER NOT NULL DEFAULT 0 CHECK (low_income IN (0, 1)),
        notes TEXT,
        {SYNC})""",
    "CREATE INDEX households_village ON households(village_code, group_name)",
    "CREATE INDEX households_head ON households(head_name)",
    f"""CREATE TABLE household_visits (
        id INTEGER PRIMARY KEY,
        hh_no TEXT NOT NULL REFERENCES households(hh_no),
        day TEXT NOT NULL, cadre_no TEXT REFERENCES cadres(cadre_no),
        living TEXT, income_sources TEXT, prospects TEXT, notes TEXT,
        {SYNC})""",
    "CREATE INDEX household_visits_hh ON household_visits(hh_no, day)",
    f"""CREATE TABLE cadres (
        cadre_no TEXT PRIMARY KEY,
        township_code TEXT NOT NULL REFERENCES townships(code),
        name TEXT NOT NULL,
        sex TEXT CHECK (sex IN ('男','女')),
        birth_date TEXT, phone TEXT, unit TEXT, post TEXT, political_status TEXT,
        expertise TEXT,
        is_leader INTEGER NOT NULL DEFAULT 0 CHECK (is_leader IN (0, 1)),
        retired_on TEXT,
        {SYNC})""",
    f"""CREATE TABLE assignments (
        id INTEGER PRIMARY KEY,
        cadre_no TEXT NOT NULL REFERENCES cadres(cadre_no),
        village_code TEXT NOT NULL REFERENCES villages(code),
        role TEXT NOT NULL CHECK (role IN ('驻村干部','兼职书记','兼职第一书记')),
        start_date TEXT NOT NULL, end_date TEXT,
        {SYNC},
        UNIQUE (cadre_no, village_code, role, start_date),
        CHECK (end_date IS NULL OR end_date >= start_date))""",
    "CREATE INDEX assignments_village ON assignments(village_code)",
    f"""CREATE TABLE attendance (
        cadre_no TEXT NOT NULL REFERENCES cadres(cadre_no),
        day TEXT NOT NULL,
        village_code TEXT REFERENCES villages(code),
        kind TEXT NOT NULL CHECK (kind IN ('在村','会议培训','请假','缺勤')),
        source TEXT NOT NULL DEFAULT '考勤簿',
        note TEXT,
        {SYNC},
        PRIMARY KEY (cadre_no, day)) WITHOUT ROWID""",
    "CREATE INDEX attendance_day ON attendance(day)",
    f"""CREATE TABLE leaves (
        id INTEGER PRIMARY KEY,
        cadre_no TEXT NOT NULL REFERENCES cadres(cadre_no),
        start_date TEXT NOT NULL, end_date TEXT NOT NULL, reason TEXT,
        approver TEXT, approver_level TEXT CHECK (approver_level IN ('乡镇党委','县委组织部')),
        cancelled_on TEXT,
        -- what the leave's 请假 days replaced, to restore on 销假 or deletion (JSON object:
        -- day -> object of kind, source, note, village_code, or null for not recorded)
        replaced TEXT CHECK (replaced IS NULL OR json_valid(replaced)),
        {SYNC},
        CHECK (end_date >= start_date))""",
    "CREATE INDEX leaves_cadre ON leaves(cadre_no, start_date)",
    f"""CREATE TABLE checks (
        id INTEGER PRIMARY KEY,
        cadre_no TEXT NOT NULL REFERENCES cadres(cadre_no),
        day TEXT NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('电话查岗','进村抽查','集中检查')),
        result TEXT NOT NULL CHECK (result IN ('在岗','请假','不在岗')),
        checker TEXT, note TEXT,
        {SYNC},
        UNIQUE (cadre_no, day, method))""",
    "CREATE INDEX checks_day ON checks(day)",
    f"""CREATE TABLE diaries (
        id INTEGER PRIMARY KEY,
        cadre_no TEXT NOT NULL REFERENCES cadres(cadre_no),
        day TEXT NOT NULL, village_code TEXT REFERENCES villages(code),
        place TEXT, people TEXT, situation TEXT, difficulties TEXT, requests TEXT,
        reflections TEXT, plan TEXT, eval_grade TEXT, evaluator TEXT,
        {SYNC})""",
    "CREATE INDEX diaries_cadre ON diaries(cadre_no, day)",
    f"""CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('周例会','月汇报','季小结','半年初评','年终总评')),
        day TEXT NOT NULL, place TEXT, chair TEXT, recorder TEXT,
        agenda TEXT, minutes TEXT,
        {SYNC})""",
    "CREATE INDEX meetings_day ON meetings(day)",
    f"""CREATE TABLE meeting_attendees (
        meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        cadre_no TEXT NOT NULL REFERENCES cadres(cadre_no),
        present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),
        reason TEXT,
        {SYNC},
        PRIMARY KEY (meeting_id, cadre_no))""",
    f"""CREATE TABLE meeting_reports (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        cadre_no TEXT REFERENCES cadres(cadre_no),
        village_code TEXT REFERENCES villages(code),
        content TEXT NOT NULL,
        {SYNC})""",
    f"""CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        {SYNC})""",
    f"""CREATE TABLE action_items (
        id INTEGER PRIMARY KEY,
        meeting_id INTEGER NOT NULL REFERENCES meetings(id),
        task TEXT NOT NULL, owner_cadre_no TEXT REFERENCES cadres(cadre_no),
        village_code TEXT REFERENCES villages(code),
        due_date TEXT, status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done')),
        result TEXT, done_on TEXT, closed_meeting_id INTEGER REFERENCES meetings(id),
        {SYNC})""",
    "CREATE INDEX action_items_status ON action_items(status, due_date)",
    f"""CREATE TABLE practical_matters (
        id INTEGER PRIMARY KEY,
        village_code TEXT NOT NULL REFERENCES villages(code),
        cadre_no TEXT REFERENCES cadres(cadre_no),
        day TEXT NOT NULL,
        category TEXT NOT NULL CHECK (category IN
            ('水','电','路','讯','医疗','文化','卫生','资金','技术','管理','其他')),
        description TEXT NOT NULL,
        funds_fen INTEGER NOT NULL DEFAULT 0 CHECK (funds_fen >= 0),
        households INTEGER NOT NULL DEFAULT 0 CHECK (households >= 0),
        status TEXT NOT NULL DEFAULT '已办结' CHECK (status IN ('办理中','已办结')),
        meeting_id INTEGER REFERENCES meetings(id),
        diary_id INTEGER REFERENCES diaries(id),
        {SYNC})""",
    "CREATE INDEX practical_matters_day ON practical_matters(day)",
    f"""CREATE TABLE subsidy_rates (
        kind TEXT NOT NULL CHECK (kind IN ('生活补助','交通通讯补助')),
        effective_from TEXT NOT NULL,
        amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
        {SYNC},
        PRIMARY KEY (kind, effective_from))""",
    # an approved month: frozen lines (base amounts) and the adjustments it carried
    f"""CREATE TABLE subsidy_months (
        month TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('approved')),
        approved_by TEXT NOT NULL, approved_at TEXT NOT NULL,
        total_fen INTEGER NOT NULL,
        {SYNC})""",
    f"""CREATE TABLE subsidy_lines (
        month TEXT NOT NULL REFERENCES subsidy_months(month) ON DELETE CASCADE,
        cadre_no TEXT NOT NULL REFERENCES cadres(cadre_no),
        name TEXT NOT NULL,
        present_days INTEGER NOT NULL,
        living_fen INTEGER NOT NULL, transport_fen INTEGER NOT NULL,
        adjustment_fen INTEGER NOT NULL, total_fen INTEGER NOT NULL,
        {SYNC},
        PRIMARY KEY (month, cadre_no))""",
    f"""CREATE TABLE subsidy_adjustments (
        month TEXT NOT NULL REFERENCES subsidy_months(month) ON DELETE CASCADE,
        cadre_no TEXT NOT NULL REFERENCES cadres(cadre_no),
        corrects_month TEXT NOT NULL,
        amount_fen INTEGER NOT NULL,
        {SYNC},
        PRIMARY KEY (month, cadre_no, corrects_month))""",
    f"""CREATE TABLE templates (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL, version INTEGER NOT NULL,
        created_at TEXT NOT NULL DEFAULT {NOW_SQL},
        {SYNC},
        UNIQUE (name, version))""",
    # approved months whose inputs changed since their differences were last carried
    """CREATE TABLE subsidy_dirty (
        month TEXT PRIMARY KEY REFERENCES subsidy_months(month) ON DELETE CASCADE) WITHOUT ROWID""",
    *[
        f"""CREATE TRIGGER dirty_attendance_{action}_{ref.lower()} AFTER {action} ON attendance
        BEGIN INSERT OR IGNORE INTO subsidy_dirty
              SELECT month FROM subsidy_months WHERE month = substr({ref}.day, 1, 7); END"""
        for action, refs in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",)))
        for ref in refs
    ],
    *[
        f"""CREATE TRIGGER dirty_rates_{action}_{ref.lower()} AFTER {action} ON subsidy_rates
        BEGIN INSERT OR IGNORE INTO subsidy_dirty
              SELECT month FROM subsidy_months WHERE month >= substr({ref}.effective_from, 1, 7); END"""
        for action, refs in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",)))
        for ref in refs
    ],
    f"""CREATE TABLE template_indicators (
        template_id INTEGER NOT NULL REFERENCES templates(id),
        position INTEGER NOT NULL,
        aspect TEXT NOT NULL, name TEXT NOT NULL,
        max_tenths INTEGER NOT NULL CHECK (max_tenths > 0),
        {SYNC},
        PRIMARY KEY (template_id, position), UNIQUE (template_id, name))""",
    f"""CREATE TABLE template_bands (
        template_id INTEGER NOT NULL REFERENCES templates(id),
        grade TEXT NOT NULL, min_tenths INTEGER NOT NULL,
        {SYNC},
        PRIMARY KEY (template_id, grade))""",
    f"""CREATE TABLE assessment_years (
        year INTEGER PRIMARY KEY,
        template_id INTEGER NOT NULL REFERENCES templates(id),
        {SYNC})""",
    f"""CREATE TABLE village_assessments (
        village_code TEXT NOT NULL REFERENCES villages(code),
        year INTEGER NOT NULL,
        template_id INTEGER NOT NULL REFERENCES templates(id),
        assessor TEXT, assessed_on TEXT,
        total_tenths INTEGER NOT NULL, grade TEXT NOT NULL,
        {SYNC},
        PRIMARY KEY (village_code, year))""",
    f"""CREATE TABLE village_scores (
        village_code TEXT NOT NULL, year INTEGER NOT NULL,
        indicator TEXT NOT NULL,
        score_tenths INTEGER NOT NULL CHECK (score_tenths >= 0),
        {SYNC},
        PRIMARY KEY (village_code, year, indicator),
        FOREIGN KEY (village_code, year) REFERENCES village_assessments(village_code, year)
            ON DELETE CASCADE)""",
    f"""CREATE TABLE cadre_assessments (
        cadre_no TEXT NOT NULL REFERENCES cadres(cadre_no),
        year INTEGER NOT NULL,
        performance_tenths INTEGER CHECK (performance_tenths >= 0),
        votes_satisfied INTEGER NOT NULL DEFAULT 0 CHECK (votes_satisfied >= 0),
        votes_basic INTEGER NOT NULL DEFAULT 0 CHECK (votes_basic >= 0),
        votes_unsatisfied INTEGER NOT NULL DEFAULT 0 CHECK (votes_unsatisfied >= 0),
        satisfaction_manual_tenths INTEGER,
        time_manual_tenths INTEGER,
        {SYNC},
        PRIMARY KEY (cadre_no, year))""",
]

migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_initial")
def _m0001_initial(db: Database) -> None:
    from app.db.households import INDEXES as HOUSEHOLD_INDEXES

    for statement in (*V1, *HOUSEHOLD_INDEXES):
        db.execute(statement)
    install_change_log_triggers(db)


# County databases (issue 8): each township's registered key, every file imported with its
# receipt, the rows the townships sent (as JSON, merged by stable id) and the figures
# computed from them per quarter (a cache, rebuilt when a newer file arrives).
V2_COUNTY = [
    """CREATE TABLE county_keys (
        township_code TEXT PRIMARY KEY CHECK (length(township_code) = 9),
        township_name TEXT NOT NULL,
        public_key TEXT NOT NULL,
        registered_at TEXT NOT NULL,
        how TEXT NOT NULL CHECK (how IN ('首次导入', '人工确认更换')))""",
    """CREATE TABLE county_files (
        id INTEGER PRIMARY KEY,
        township_code TEXT NOT NULL, township_name TEXT NOT NULL,
        period TEXT NOT NULL, created_at TEXT NOT NULL,
        created_utc TEXT NOT NULL,  -- created_at as a UTC instant: files are ordered by it
        program_version TEXT, format_version INTEGER NOT NULL,
        file_name TEXT NOT NULL, manifest_sha256 TEXT NOT NULL UNIQUE,
        imported_at TEXT NOT NULL,
        rows_new INTEGER NOT NULL, rows_updated INTEGER NOT NULL,
        rows_unchanged INTEGER NOT NULL, rows_deleted INTEGER NOT NULL,
        rows_refused INTEGER NOT NULL,
        receipt TEXT NOT NULL CHECK (json_valid(receipt)))""",
    "CREATE INDEX county_files_township ON county_files(township_code, created_utc)",
    # row_key: the row's uuid, or for tables without one "<township code>/<natural key>";
    # rows are the township's own: another township's file cannot reach them
    """CREATE TABLE county_rows (
        id INTEGER PRIMARY KEY,
        township_code TEXT NOT NULL, table_name TEXT NOT NULL, row_key TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (township_code, table_name, row_key))""",
    """CREATE TABLE county_figures (
        township_code TEXT NOT NULL, quarter TEXT NOT NULL,
        file_id INTEGER NOT NULL REFERENCES county_files(id),
        data TEXT NOT NULL CHECK (json_valid(data)),
        PRIMARY KEY (township_code, quarter))""",
]


@migrations(name="0002_county_exchange")
def _m0002_county_exchange(db: Database) -> None:
    for statement in V2_COUNTY:
        db.execute(statement)
    install_change_log_triggers(db)


# Issue 9: housekeeping not worth a change-log row (last integrity check, last backup) and
# the quarters already sent to the county (changing their records needs a reason).
V3_SAFETY = [
    """CREATE TABLE maintenance (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE exported_quarters (
        quarter TEXT NOT NULL, exported_at TEXT NOT NULL,
        file_name TEXT NOT NULL, manifest_sha256 TEXT NOT NULL,
        PRIMARY KEY (quarter, exported_at))""",
]


@migrations(name="0003_safety")
def _m0003_safety(db: Database) -> None:
    for statement in V3_SAFETY:
        db.execute(statement)
    install_change_log_triggers(db)


# The schema version is the number of migrations; keep it in PRAGMA user_version.
SCHEMA_VERSION = len(migrations._migrations)


def _json_of(db: Database, table: str, ref: str) -> str:
    cols = [c.name for c in db[table].columns]
    parts = ", ".join(f"'{c}', {ref}.\"{c}\"" for c in cols)
    return f"json_object({parts})"


def change_log_trigger_sql(db: Database, table: str) -> dict[str, str]:
    """The three change-log triggers of ``table`` (name → CREATE statement), for its
    columns as they are now."""
    key = LOGGED_TABLES[table]
    enabled = "(SELECT enabled FROM log_control WHERE id = 1) = 1"
    new, old = _json_of(db, table, "NEW"), _json_of(db, table, "OLD")
    return {
        f"log_{table}_insert": f"""CREATE TRIGGER log_{table}_insert AFTER INSERT ON {table} WHEN {enabled}
            BEGIN INSERT INTO change_log(table_name, record, action, after)
            VALUES ('{table}', {key.format(r="NEW")}, 'insert', {new}); END""",
        f"log_{table}_update": f"""CREATE TRIGGER log_{table}_update AFTER UPDATE ON {table} WHEN {enabled}
            BEGIN INSERT INTO change_log(table_name, record, action, before, after)
            SELECT '{table}', {key.format(r="NEW")}, 'update', {old}, {new}
            WHERE {old} IS NOT {new}; END""",
        f"log_{table}_delete": f"""CREATE TRIGGER log_{table}_delete AFTER DELETE ON {table} WHEN {enabled}
            BEGIN INSERT INTO change_log(table_name, record, action, before)
            VALUES ('{table}', {key.format(r="OLD")}, 'delete', {old}); END""",
    }


def install_change_log_triggers(db: Database) -> None:
    """(Re)create the insert/update/delete triggers writing ``change_log``.

    Call at the end of every migration that changes a logged table's columns.
    """
    present = set(db.table_names())
    for table in LOGGED_TABLES:
        if table not in present:  # added by a later migration
            continue
        for name, sql in change_log_trigger_sql(db, table).items():
            db.execute(f"DROP TRIGGER IF EXISTS {name}")
            db.execute(sql)
