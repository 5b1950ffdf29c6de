"""The command line (see shared CONTRACT.md): ``township-office [--db PATH] COMMAND``.

Exit codes: 0 done; 1 the input or the data is wrong (a plain message on stderr, nothing
changed); 2 wrong usage or not available yet. A user error never prints a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
import traceback
from datetime import date, datetime
from pathlib import Path

from app.db.connection import DatabaseFileError
from app.domain.errors import DomainError
from app.reports.tabular import NotAvailable

REPORT_KINDS = (
    "subsidy",
    "attendance",
    "village-assessment",
    "cadre-assessment",
    "quarterly",
    "meeting",
)


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own usage errors: exit 2, no traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> Parser:
    p = Parser(prog="township-office", description="乡镇驻村工作台（离线）")
    p.add_argument(
        "--db",
        help="数据库文件（默认：用户数据文件夹中的 township.sqlite，或环境变量 TOWNSHIP_OFFICE_DB）",
    )
    p.add_argument("--demo", action="store_true", help="在演示数据库上打开主窗口")
    p.add_argument(
        "--demo-county",
        action="store_true",
        help="在县级演示数据库上打开主窗口（三个演示乡镇的上报文件已导入）",
    )
    p.add_argument("--version", action="store_true", help="显示版本")
    sub = p.add_subparsers(dest="command", parser_class=Parser)

    def cmd(name: str, help: str) -> Parser:
        c = sub.add_parser(name, help=help)
        c.add_argument("--db", default=argparse.SUPPRESS, help="数据库文件")
        return c

    c = cmd("init", "创建空的乡镇或县级数据库")
    c.add_argument("--township-code")
    c.add_argument("--township-name")
    c.add_argument("--county-code", required=True)
    c.add_argument("--county-name", required=True)

    c = cmd("demo", "生成演示数据")
    c.add_argument("--scale", choices=("township", "county"), default="township")
    c.add_argument("--seed", type=int, default=1)

    c = cmd("template", "写出空白登记表")
    c.add_argument("kind")
    c.add_argument("-o", "--output", required=True)
    c.add_argument("--year", type=int)

    c = cmd("import-sheet", "导入登记表")
    c.add_argument("kind")
    c.add_argument("file")
    c.add_argument(
        "--reason",
        help="修改原因：表中有已审批补助月份或已上报季度的记录时必填，记入修改记录",
    )

    c = cmd("approve-subsidy", "审批（冻结）某月补助表")
    c.add_argument("--month", required=True)
    c.add_argument("--by", help="审批人（默认：当前用户）")

    c = cmd("report", "输出报表（.json .csv .xlsx .pdf）")
    c.add_argument("kind", choices=REPORT_KINDS)
    c.add_argument("--month")
    c.add_argument("--year", type=int)
    c.add_argument("--quarter")
    c.add_argument("--village")
    c.add_argument("--cadre")
    c.add_argument("--blank", action="store_true")
    c.add_argument("--id")
    c.add_argument("-o", "--output", required=True)

    c = cmd("export", "写出上报县里的文件")
    c.add_argument("--quarter", required=True)
    c.add_argument("-o", "--output", required=True)

    c = cmd("import", "（县级）合并乡镇上报文件")
    c.add_argument("files", nargs="+")
    c.add_argument(
        "--accept-key",
        action="store_true",
        help="已向乡镇核实其更换了签名密钥：接受文件中的新公钥",
    )
    c.add_argument("--receipt", help="回执另存为文件（.txt .pdf .json）")

    cmd("check", "完整性与一致性检查")
    c = cmd("backup", "备份数据库（校验后）")
    c.add_argument("-o", "--output")
    c = cmd("restore", "从备份恢复（原文件另存）")
    c.add_argument("file")
    return p


def _db_path(args) -> Path:
    from app.paths import default_db_path

    return Path(args.db) if getattr(args, "db", None) else default_db_path()


_LOCKS: list = []  # held while a command runs; released by run()


def _lock_for_writing(path: Path) -> None:
    """Refuse a file on a removable drive or a network share; take the database's lock."""
    from app.db.location import editing_refused
    from app.db.lock import DatabaseLock

    why = editing_refused(path)
    if why:
        raise DomainError(why)
    _LOCKS.append(DatabaseLock(path).acquire())


def _open(args, create: bool = False, write: bool = True):
    from app.db.connection import open_database

    path = _db_path(args)
    if write:
        _lock_for_writing(path)
    return open_database(path, create=create)


def _need(args, name: str, flag: str) -> str:
    value = getattr(args, name)
    if value is None:
        raise UsageError(f"此报表需要 {flag}")
    return value


# ---- commands ----------------------------------------------------------------------------


def cmd_init(args) -> int:
    from app.db import store
    from app.db.connection import check_file, open_database

    path = _db_path(args)
    if args.township_code is None and args.township_name is not None:
        raise UsageError("给出 --township-name 时也要给出 --township-code")
    if args.township_code is not None and args.township_name is None:
        raise UsageError("给出 --township-code 时也要给出 --township-name")
    if path.exists() and path.stat().st_size > 0:
        check_file(path)
    # validate before creating any file
    store.validate_identity(
        county_code=args.county_code,
        county_name=args.county_name,
        township_code=args.township_code,
        township_name=args.township_name,
    )
    _lock_for_writing(path)
    db = open_database(path, create=True)
    ident = store.initialise(
        db,
        county_code=args.county_code,
        county_name=args.county_name,
        township_code=args.township_code,
        township_name=args.township_name,
    )
    kind = "县级汇总" if ident.kind == "county" else "乡镇"
    print(f"已创建{kind}数据库：{ident.display_name}（{path}）")
    return 0


def cmd_demo(args) -> int:
    from app.demo_setup import make_demo

    db = _open(args, create=True)
    print(make_demo(db, scale=args.scale, seed=args.seed))
    return 0


def cmd_template(args) -> int:
    from app.sheets import KINDS, write_template

    if args.kind not in KINDS:
        raise UsageError(f"未知的登记表类别「{args.kind}」，可用：{'、'.join(KINDS)}")
    db = _open(args, write=False) if Path(_db_path(args)).exists() else None
    if db is None:
        from app.db import store
        from app.db.connection import memory_database

        db = memory_database()
        store.initialise(
            db, county_code="000000", county_name="-", township_code="000000000", township_name="-"
        )
    kwargs = {"year": args.year} if args.year else {}
    out = write_template(db, args.kind, Path(args.output), **kwargs)
    print(f"已写出空白登记表：{out or args.output}")
    return 0


def cmd_import_sheet(args) -> int:
    from app.sheets import KINDS, ReasonNeeded, load_sheet

    if args.kind not in KINDS:
        raise UsageError(f"未知的登记表类别「{args.kind}」，可用：{'、'.join(KINDS)}")
    path = Path(args.file)
    if not path.is_file():
        raise DomainError(f"文件不存在：{path}")
    db = _open(args)
    try:
        result = load_sheet(db, args.kind, path, reason=args.reason)
    except ReasonNeeded as e:
        print(f"错误：{e}", file=sys.stderr)
        print(
            "未导入任何数据。如确需修改这些记录，请加 --reason “修改原因” 重新导入（原因记入修改记录）。",
            file=sys.stderr,
        )
        return 1
    print(
        f"{path.name}：新增 {result.new} 行，更新 {result.updated} 行，未变 {result.unchanged} 行"
    )
    for w in result.warnings:
        print(f"提示：{w}")
    return 0


def cmd_approve(args) -> int:
    from app.db.subsidy import approve_month
    from app.domain.money import format_yuan
    from app.domain.periods import Month

    month = Month.parse(args.month)
    db = _open(args)
    if month.last_day >= date.today():
        print(f"提示：{month} 尚未结束，审批后本月新增的考勤将作为补发计入下月。", file=sys.stderr)
    by = args.by or getpass.getuser()
    sheet = approve_month(db, month, by)
    print(
        f"{month} 补助表已审批（审批人：{by}），{len(sheet.lines)} 人，合计 {format_yuan(sheet.total_fen)} 元"
    )
    return 0


def cmd_report(args) -> int:
    from app.domain.periods import Month, Quarter
    from app.reports.tabular import suffix_of, write_report

    out = Path(args.output)
    suffix_of(out)
    meeting_id = None
    if args.kind == "meeting":
        raw = _need(args, "id", "--id 会议编号").strip()
        if not raw.isascii() or not raw.isdigit():
            raise UsageError(f"--id 应为会议编号（正整数），实为「{raw}」")
        meeting_id = int(raw)
    pdf = None
    if out.suffix.lower() == ".pdf":
        from app.reports.pdf import pdf_builder

        pdf = pdf_builder(args.kind)
        if pdf is None:
            raise NotAvailable(f"PDF 打印（report {args.kind}）")
    db = _open(args, write=False)
    if args.kind == "subsidy":
        from app.reports.subsidy import subsidy_report

        data, table = subsidy_report(db, Month.parse(_need(args, "month", "--month YYYY-MM")))
    elif args.kind == "attendance":
        from app.reports.attendance import attendance_report

        data, table = attendance_report(db, Month.parse(_need(args, "month", "--month YYYY-MM")))
    elif args.kind == "village-assessment":
        from app.reports.assessment import village_assessment_report

        data, table = village_assessment_report(
            db, _need(args, "year", "--year YYYY"), village=args.village, blank=args.blank
        )
    elif args.kind == "cadre-assessment":
        from app.reports.assessment import cadre_assessment_report

        data, table = cadre_assessment_report(
            db, _need(args, "year", "--year YYYY"), cadre=args.cadre
        )
    elif args.kind == "meeting":
        from app.reports.meeting import meeting_report

        data, table = meeting_report(db, meeting_id)
    else:
        from app.reports.quarterly import quarterly_report

        data, table = quarterly_report(
            db, Quarter.parse(_need(args, "quarter", "--quarter YYYYQn"))
        )
    if pdf is not None:
        pdf(data, out)
    else:
        write_report(data, table, out)
    print(f"已写出：{out}")
    return 0


def cmd_export(args) -> int:
    from app.domain.periods import Quarter
    from app.exchange.export import export_quarter

    quarter = Quarter.parse(args.quarter)
    db = _open(args)
    result = export_quarter(db, quarter, Path(args.output))
    print(f"已写出并校验上报文件：{result.path}")
    for table, n in result.counts.items():
        print(f"  {table}: {n} 行")
    return 0


def cmd_import(args) -> int:
    from app.exchange.merge import county_identity, import_files
    from app.exchange.receipt import receipt_document, write_receipt

    receipt_out = Path(args.receipt) if args.receipt else None
    if receipt_out is not None:
        if receipt_out.suffix.lower() not in (".txt", ".pdf", ".json"):
            raise UsageError("回执文件的后缀应为 .txt、.pdf 或 .json")
        if not receipt_out.parent.exists():
            raise DomainError(f"回执的输出文件夹不存在：{receipt_out.parent}")
    db = _open(args)
    ident = county_identity(db)
    receipts = import_files(
        db, [Path(f) for f in args.files], accept_key=args.accept_key, all_or_nothing=True
    )
    doc = receipt_document(ident, receipts)
    print(doc["text"])
    refused = [r for r in receipts if not r.imported]
    if receipt_out is not None:
        try:
            write_receipt(doc, receipt_out)
        except Exception as e:  # noqa: BLE001 — the import itself is done (or refused)
            done = "未导入任何文件" if refused else "文件已全部导入"
            print(f"错误：{done}，但回执未能写出到 {receipt_out}（{e}）。", file=sys.stderr)
            return 1
        print(f"回执已写出：{receipt_out}")
    if refused:
        print(
            f"错误：{len(refused)} 个文件被拒绝（原因见上面的回执）；本批文件均未导入，数据库未改动。",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_check(args) -> int:
    from app.db.backup import consistency_problems

    db = _open(args, write=False)
    problems = consistency_problems(db)
    if problems:
        for p in problems:
            print(f"问题：{p}", file=sys.stderr)
        return 1
    print(f"检查通过：{_db_path(args)}")
    return 0


def cmd_backup(args) -> int:
    from app.db.backup import backup

    db = _open(args, write=False)
    target = backup(db, Path(args.output) if args.output else None, _db_path(args))
    print(f"已备份并校验：{target}")
    return 0


def cmd_restore(args) -> int:
    from app.db.backup import restore

    _lock_for_writing(_db_path(args))
    kept = restore(Path(args.file), _db_path(args))
    print(f"已从 {args.file} 恢复到 {_db_path(args)}" + (f"；原文件另存为 {kept}" if kept else ""))
    return 0


COMMANDS = {
    "init": cmd_init,
    "demo": cmd_demo,
    "template": cmd_template,
    "import-sheet": cmd_import_sheet,
    "approve-subsidy": cmd_approve,
    "report": cmd_report,
    "export": cmd_export,
    "import": cmd_import,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def _run_command(args) -> int:
    try:
        return COMMANDS[args.command](args)
    finally:
        while _LOCKS:
            _LOCKS.pop().release()


def _crash_log(exc: BaseException) -> Path | None:
    try:
        from app.paths import data_dir

        folder = data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"error-{datetime.now().strftime('%Y%m%d-%H%M%S')}.txt"
        path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        return path
    except OSError:
        return None


def run(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if args.version:
        from app import __version__

        print(f"township-office {__version__}")
        return 0
    if args.command is None:
        from app.__main__ import run_gui

        return run_gui(
            db=Path(args.db) if args.db else None, demo=args.demo, demo_county=args.demo_county
        )
    try:
        return _run_command(args)
    except UsageError as e:
        print(f"用法错误：{e}", file=sys.stderr)
        return 2
    except NotAvailable as e:
        print(str(e), file=sys.stderr)
        return 2
    except (DomainError, DatabaseFileError) as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    except Exception as e:  # user-facing errors of other layers, then true bugs
        from app.demo import DemoError
        from app.sheets import SheetError

        if isinstance(e, (SheetError, DemoError)):
            print(f"错误：{e}", file=sys.stderr)
            return 1
        if isinstance(e, sqlite3.DatabaseError):
            print(f"错误：数据库无法读写（{e}）。数据未改动。", file=sys.stderr)
            return 1
        if isinstance(e, OSError):
            print(f"错误：{e.filename or ''} {e.strerror or e}", file=sys.stderr)
            return 1
        log = _crash_log(e)
        print(
            f"错误：程序未能完成（{type(e).__name__}: {e}）。数据未改动；"
            f"详细信息已写入 {log}，请联系维护人员。",
            file=sys.stderr,
        )
        return 1


def main() -> None:
    sys.exit(run())
