"""The group robots (WeCom 企业微信, DingTalk 钉钉) and a plain JSON POST: markdown, signing, pacing, posting.

Everything here leaves the machine, so persons are ALWAYS masked (DOMAIN.md §9). Webhook URLs carry
the robot's secret key, so messages name only the host, never the whole URL.

Markdown. Neither robot documents backslash escapes (WeCom's subset: headings, bold, links, inline
code, quotes, coloured text; DingTalk's: headings, quotes, bold, italic, links, images, lists), so a
`\\*` would show its backslash. Text from a ledger is made inert instead: each character markdown
could act on becomes its full-width twin (`*` → `＊`, so 王*明 is posted as 王＊明 and
441502********123X as 441502＊＊＊＊＊＊＊＊123X), which both robots show as it is.

Rate limits (documented): WeCom group robot 20 messages a minute (errcode 45009 when exceeded);
DingTalk custom robot 20 a minute (errcode 130101 "send too fast, exceed 20 times per minute", then
blocked for 10 minutes). Posts are paced under that (`PACES`); a rate-limit answer stops the channel.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Iterable

from nodrug_cli.remind.delivery import (
    FINAL, RATE_LIMIT, RETRY, UNCERTAIN, ChannelConfigError, Failure, Pacer, Uncertain, attempts, counts,
    is_timeout, resent_note, summary_line)
from nodrug_cli.remind.model import Reminder, sort_key
from nodrug_cli.render.words import Words
from nodrug_cli.said import Said

WECOM_LIMIT_BYTES = 4096  # WeCom group robot: markdown.content at most 4096 bytes of UTF-8
DINGTALK_LIMIT_BYTES = 4000  # DingTalk group robot: markdown.text — kept conservatively at 4000 bytes
LIMITS = {"wecom": WECOM_LIMIT_BYTES, "dingtalk": DINGTALK_LIMIT_BYTES}
KINDS = ("wecom", "dingtalk", "json")
# (posts, seconds): 20 a minute documented for both robots; the extra second absorbs the difference
# between when a post leaves here and when the robot counts it.
PACES: dict[str, tuple[int, float] | None] = {"wecom": (20, 61.0), "dingtalk": (20, 61.0), "json": None}
# The robots' "too many messages" answers: WeCom 45009 (api freq out of limit), DingTalk 130101.
RATE_LIMIT_ERRCODES = {45009, 130101}
_RATE_LIMIT_WORDS = re.compile(r"too fast|freq out of limit|rate limit|限流|太快", re.I)
MAX_RESPONSE_BYTES = 1 << 16

# --- markdown ----------------------------------------------------------------------------------------

_INERT = str.maketrans({"\\": "＼", "`": "｀", "*": "＊", "_": "＿", "[": "［", "]": "］", "<": "＜",
                        ">": "＞", "#": "＃", "~": "～", "|": "｜"})


def md_plain(text: str) -> str:
    """`text` with every character the robots' markdown could act on replaced by its full-width twin."""
    return text.translate(_INERT)


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _fit(line: str, budget: int) -> str:
    """`line` cut (at a character, with …) to `budget` bytes — only for an absurdly long single line."""
    if _bytes(line) <= budget:
        return line
    while line and _bytes(line + "…") > budget:
        line = line[:-1]
    return line + "…"


def markdown_posts(reminders: Iterable[Reminder], as_of: dt.date, community_title: str | None = None,
                   limit_bytes: int = DINGTALK_LIMIT_BYTES, noted: frozenset[str] = frozenset(), lang: str = "zh"
                   ) -> list[tuple[str, list[Reminder]]]:
    """The reminders as one or more markdown messages of at most `limit_bytes` bytes, each with its reminders.

    Each message starts with a heading (the date, the community when there is one, the part number
    when split) and the counts, then one list line per reminder, overdue first (`sort_key`). Lines
    are never split across messages. Persons are masked. A reminder whose key is in `noted` (its
    last post timed out) carries `RESENT_NOTE`. The words are in `lang`. No reminders, no message: [].
    """
    items = sorted(reminders, key=sort_key)
    if not items:
        return []
    overdue, due = counts(items)
    if community_title is None:
        communities = {r.community for r in items}
        community_title = communities.pop() if len(communities) == 1 else None
    w = Words(lang, section="deliver")
    title = w("md_title", as_of.isoformat()) + (f" {md_plain(community_title)}" if community_title else "")
    tally = w("md_tally", overdue=overdue, due=due)

    def heading(part: int, total: int) -> str:
        return title + (w("md_part", part=part, total=total) if total > 1 else "") + "\n" + tally + "\n\n"

    lines = ["- " + md_plain(r.message(full_pii=False, lang=lang)) + (resent_note(lang) if r.key in noted else "")
             for r in items]

    def pack(total: int) -> tuple[list[list[int]], int]:
        budget = limit_bytes - _bytes(heading(total, total))  # the widest heading for this many parts
        if budget < 8:
            raise ValueError(f"limit_bytes={limit_bytes} 太小，连标题都放不下")
        groups: list[list[int]] = [[]]
        used = 0
        for i, line in enumerate(lines):
            size = _bytes(_fit(line, budget)) + (1 if groups[-1] else 0)  # "\n" between lines
            if groups[-1] and used + size > budget:
                groups.append([])
                size -= 1
                used = 0
            groups[-1].append(i)
            used += size
        return groups, budget

    # First without a part number; when split, again with room for "（i/n）" until n's width is stable.
    total = 1
    while True:
        groups, budget = pack(total)  # lines are cut to the budget they were packed with
        if len(groups) == 1 or (total > 1 and len(str(len(groups))) <= len(str(total))):
            break
        total = len(groups)
    return [(heading(n, len(groups)) + "\n".join(_fit(lines[i], budget) for i in group), [items[i] for i in group])
            for n, group in enumerate(groups, 1)]


def markdown_chunks(reminders: Iterable[Reminder], as_of: dt.date, community_title: str | None = None,
                    limit_bytes: int = DINGTALK_LIMIT_BYTES, lang: str = "zh") -> list[str]:
    """The texts of `markdown_posts`."""
    return [text for text, _ in markdown_posts(reminders, as_of, community_title, limit_bytes, lang=lang)]


# --- DingTalk 加签 -----------------------------------------------------------------------------------

def dingtalk_signed(url: str, secret: str, timestamp_ms: int) -> str:
    """`url` with DingTalk's signature: `timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(
    key=secret, msg=f"{timestamp}\\n{secret}"))), as DingTalk documents for a robot set up with 加签.

    The robot refuses a timestamp more than an hour off, so each post is signed afresh.
    """
    to_sign = f"{timestamp_ms}\n{secret}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))
    return url + ("&" if urllib.parse.urlsplit(url).query else "?") + f"timestamp={timestamp_ms}&sign={sign}"


# --- posting -----------------------------------------------------------------------------------------

def _channel_label(kind: str, url: str):
    return Said(f"deliver.channel_{kind}", host=urllib.parse.urlsplit(url).hostname or "?")



def _post_once(url: str, body: dict, timeout: float, robot: bool) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "nodrug-cli"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        exc.close()
        cause = f"HTTP {exc.code}" + (f" {exc.reason}" if exc.reason else "")
        if exc.code == 429:
            raise Failure(Said("deliver.http_limited", http=cause), RATE_LIMIT) from None
        raise Failure(cause, RETRY if exc.code >= 500 else FINAL) from None
    except urllib.error.URLError as exc:
        # urllib raises URLError while connecting and sending: the robot has not got the request.
        why = Said("deliver.timed_out") if is_timeout(exc.reason) else f"{exc.reason}"
        raise Failure(Said("deliver.connect_failed", why=why), RETRY) from None
    except (OSError, http.client.HTTPException) as exc:
        # Raised while waiting for the answer: the request went out and may have been delivered.
        why = (Said("deliver.silent", seconds=f"{timeout:g}") if is_timeout(exc) else
               Said("deliver.dropped", detail=str(exc)))
        raise Failure(Said("deliver.robot_uncertain", why=why), UNCERTAIN) from None
    if not robot:
        return
    try:
        answer = json.loads(raw.decode("utf-8"))
        errcode = int(answer.get("errcode", -1))
    except (ValueError, AttributeError, TypeError):
        raise Failure(Said("deliver.not_json"), FINAL) from None
    if errcode != 0:
        message = str(answer.get("errmsg") or "").strip()
        limited = errcode in RATE_LIMIT_ERRCODES or bool(_RATE_LIMIT_WORDS.search(message))
        cause = Said("deliver.robot_error", errcode=errcode,
                     message=Said("deliver.robot_says", text=message) if message else "",
                     limited=Said("deliver.robot_limited") if limited else "")
        raise Failure(cause, RATE_LIMIT if limited else FINAL)


def _pacer(kind: str, pace) -> Pacer | None:
    if isinstance(pace, Pacer):
        return pace
    pace = PACES.get(kind) if pace is None else pace
    return Pacer(*pace) if pace else None


def post_webhook(url: str, kind: str, reminders: Iterable[Reminder], as_of: dt.date, timeout: float = 10,
                 retries: int = 2, backoff: float = 0.5, community_title: str | None = None, *,
                 secret: str | None = None, pace: Pacer | tuple[int, float] | None = None,
                 on_sent: Callable[[list[Reminder]], None] | None = None, noted: frozenset[str] = frozenset(),
                 clock_ms: Callable[[], int] = lambda: int(time.time() * 1000), lang: str = "zh") -> int:
    """POST the reminders (masked) to a webhook; return how many posts the robot accepted.

    `kind` "wecom": `{"msgtype": "markdown", "markdown": {"content": …}}`, one POST per chunk of at
    most 4096 bytes; "dingtalk": `{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`, chunks
    of at most 4000 bytes, signed when `secret` is given; both must answer `{"errcode": 0}`. "json":
    one POST of `{"as_of": …, "reminders": [r.to_json(False), …]}`, any 2xx is success.
    `on_sent(reminders)` is called the moment each post is accepted. Posts are paced by `pace`
    ((posts, seconds), or a `Pacer`; default `PACES[kind]`). No reminders, no POST (0).
    Raises `ChannelConfigError` for a bad URL, kind or secret, `RateLimited` or `Uncertain` (with the
    post's reminders in `.uncertain`) or `DeliveryError` when delivery fails. The messages are in `lang`.
    """
    if kind not in KINDS:
        raise ChannelConfigError(Said("deliver.bad_kind", kind=repr(kind)))
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChannelConfigError(Said("deliver.bad_url"))
    if secret and kind != "dingtalk":
        raise ChannelConfigError(Said("deliver.secret_kind"))
    items = sorted(reminders, key=sort_key)
    if not items:
        return 0
    label, pacer = _channel_label(kind, url), _pacer(kind, pace)
    if kind == "json":
        body = {"as_of": as_of.isoformat(),
                "reminders": [{**r.to_json(full_pii=False, lang=lang), **({"resent": True} if r.key in noted else {})}
                              for r in items]}
        posts = [(body, items)]
    else:
        title = summary_line(items, as_of, lang)
        posts = [({"msgtype": "markdown", "markdown": {"content": text}} if kind == "wecom" else
                  {"msgtype": "markdown", "markdown": {"title": title, "text": text}}, group)
                 for text, group in markdown_posts(items, as_of, community_title, LIMITS[kind], noted, lang)]
    sent = 0
    for body, group in posts:
        def attempt(body=body):
            target = dingtalk_signed(url, secret, clock_ms()) if secret else url
            _post_once(target, body, timeout, robot=kind != "json")

        try:
            attempts(label, attempt, retries, backoff, sent, pacer)
        except Uncertain as exc:
            exc.uncertain = group
            raise
        sent += 1
        if on_sent is not None:
            on_sent(group)
    return sent
