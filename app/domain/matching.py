"""Putting cadres where they are needed (因村制宜、量才选派).

The seed's matching table, village situation → the cadre to send:

==========================================  ===============================
生猪养殖示范村 (pig-farming demonstration)    技术 (technical staff)
村委会软弱涣散, 社会治安差 (weak committee,     组织宣传纪检民政
poor public order)
经济发展滞后 (lagging economy)                经济
基层党组织薄弱 (weak Party organisation)      experienced: township leaders or
                                              cadres with the most past posts
==========================================  ===============================

:func:`suggest` ranks the cadres for a village: retired cadres are left out, free cadres
(no current post) come first, then the cadres fitting more of the village's needs, then
the more experienced. Each suggestion carries its reason in words the clerk reads.

(Who approves a leave is decided in :mod:`app.domain.leave`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# ---- expertise and needs -----------------------------------------------------------------

TECHNICAL = "技术"
ORGANISATION = "组织宣传纪检民政"
ECONOMIC = "经济"
GENERAL = "综合"
#: the expertise categories of the roster (free text is allowed beside them)
EXPERTISES: tuple[str, ...] = (TECHNICAL, ORGANISATION, ECONOMIC, GENERAL)
#: the need of a village with a weak Party organisation: an experienced cadre
EXPERIENCED = "经验丰富"

#: (words in a situation tag, the need they make); the seed's table, in its order
MATCHING_TABLE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("生猪养殖", "养殖示范"), TECHNICAL),
    (("软弱涣散", "治安"), ORGANISATION),
    (("经济发展滞后", "经济滞后", "经济落后"), ECONOMIC),
    (("党组织薄弱", "党组织软弱"), EXPERIENCED),
)

#: words in a cadre's (free-text) expertise that fit a need
EXPERTISE_WORDS: dict[str, tuple[str, ...]] = {
    TECHNICAL: ("技术", "农技", "畜牧", "兽医", "养殖"),
    ORGANISATION: ("组织", "宣传", "纪检", "民政", "政法", "司法"),
    ECONOMIC: ("经济", "经管", "财政", "财经", "金融"),
}

_SPLIT = re.compile(r"[、，,;；/\s]+")


def split_situation(situation: str | None) -> list[str]:
    """``"村委会软弱涣散、基层党组织薄弱"`` → the two tags (any of 、，,;；/ or blanks)."""
    return [t for t in _SPLIT.split(situation or "") if t]


def needs(situation_tags: Iterable[str] | str | None) -> list[str]:
    """The kinds of cadre a village needs, in the table's order, each once.

    Takes the tags (or the situation text as stored, tags separated by 、).
    """
    if situation_tags is None or isinstance(situation_tags, str):
        tags = split_situation(situation_tags)
    else:
        tags = list(situation_tags)
    out: list[str] = []
    for words, need in MATCHING_TABLE:
        if need not in out and any(w in tag for tag in tags for w in words):
            out.append(need)
    return out


def tags_for(need: str, situation_tags: Iterable[str]) -> list[str]:
    """The village's tags that make ``need`` (to say why in a reason)."""
    words = next((w for w, n in MATCHING_TABLE if n == need), ())
    return [t for t in situation_tags if any(word in t for word in words)]


def fits_expertise(expertise: str | None, need: str) -> bool:
    """Whether a cadre's expertise (free text, e.g. 组织 or 技术) answers ``need``."""
    text = expertise or ""
    if need == text:
        return True
    return any(word in text for word in EXPERTISE_WORDS.get(need, ()))


# ---- suggestions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CadreInfo:
    """What the matching looks at for one cadre."""

    cadre_no: str
    name: str
    expertise: str | None = None
    is_leader: bool = False
    retired: bool = False
    current_posts: tuple[str, ...] = ()  # e.g. ("驻村干部·东坡村",)
    past_assignments: int = 0  # assignments held before (ended)


@dataclass(frozen=True, slots=True)
class Suggestion:
    cadre_no: str
    name: str
    fits: tuple[str, ...]  # the needs the cadre answers
    free: bool  # no current post
    reason: str


def _experience(c: CadreInfo) -> int:
    """A leader counts as much as many past posts; otherwise the number of past posts."""
    return (100 if c.is_leader else 0) + c.past_assignments


def _is_experienced(c: CadreInfo) -> bool:
    return c.is_leader or c.past_assignments > 0


def suggest(
    village_situation: str | Iterable[str] | None, cadres: Sequence[CadreInfo]
) -> list[Suggestion]:
    """Cadres for a village by the matching table, best first, each with its reason.

    Only cadres answering at least one need are listed; when the situation names no need
    the table knows, the free cadres are listed (reason: no need recorded). Retired
    cadres never are.
    """
    tags = (
        split_situation(village_situation)
        if isinstance(village_situation, str) or village_situation is None
        else list(village_situation)
    )
    wanted = needs(tags)
    out: list[tuple[tuple[int, int, int, str], Suggestion]] = []
    for c in cadres:
        if c.retired:
            continue
        fits: list[str] = []
        why: list[str] = []
        for need in wanted:
            because = "、".join(tags_for(need, tags))
            if need == EXPERIENCED:
                if _is_experienced(c):
                    fits.append(need)
                    quality = (
                        "乡镇领导" if c.is_leader else f"曾任 {c.past_assignments} 个驻村/兼职岗位"
                    )
                    why.append(f"{quality}，经验丰富，适合{because}")
            elif fits_expertise(c.expertise, need):
                fits.append(need)
                why.append(f"专长“{c.expertise}”，适合{because}")
        free = not c.current_posts
        if wanted and not fits:
            continue
        if not wanted:
            if not free:
                continue
            why.append("村情未列出对应需求")
        why.append("目前无岗位" if free else "现任" + "；".join(c.current_posts))
        key = (0 if free else 1, -len(fits), -_experience(c), c.cadre_no)
        out.append((key, Suggestion(c.cadre_no, c.name, tuple(fits), free, "；".join(why))))
    out.sort(key=lambda item: item[0])
    return [s for _, s in out]


__all__ = [
    "ECONOMIC",
    "EXPERIENCED",
    "EXPERTISES",
    "GENERAL",
    "MATCHING_TABLE",
    "ORGANISATION",
    "TECHNICAL",
    "CadreInfo",
    "Suggestion",
    "fits_expertise",
    "needs",
    "split_situation",
    "suggest",
    "tags_for",
]
