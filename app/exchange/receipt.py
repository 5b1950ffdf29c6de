"""The import receipt (导入回执): what came in, what was replaced, what was refused and why.

``receipt_document`` puts the receipts of one ``import`` together (text and data);
``write_receipt`` writes it as .txt, .json or .pdf.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from app.db.store import Identity
from app.exchange.merge import Receipt


def receipt_document(ident: Identity, receipts: list[Receipt], now: datetime | None = None) -> dict:
    now = now or datetime.now().astimezone()
    imported = [r for r in receipts if r.imported]
    title = f"{ident.county_name}上报文件导入回执"
    head = (
        f"{title}\n导入时间：{now.strftime('%Y-%m-%d %H:%M:%S')}\n"
        f"文件 {len(receipts)} 个：导入 {len(imported)} 个，拒绝 {len(receipts) - len(imported)} 个"
    )
    text = "\n\n".join([head, *(r.text() for r in receipts)])
    return {
        "title": title,
        "county": ident.county_name,
        "county_code": ident.county_code,
        "at": now.isoformat(timespec="seconds"),
        "files": len(receipts),
        "imported": len(imported),
        "refused": len(receipts) - len(imported),
        "receipts": [r.as_json() for r in receipts],
        "text": text,
    }


def write_receipt(doc: dict, out: Path) -> Path:
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".txt":
        out.write_text(doc["text"] + "\n", encoding="utf-8")
    elif suffix == ".json":
        data = {k: v for k, v in doc.items() if k != "text"}
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        from app.reports.pdf.receipt import build_receipt_pdf

        build_receipt_pdf(doc, out)
    return out
