"""The ranking editor: put K responses in order (move, tie, remove), mark "all bad", submit.

The ranking being edited is a small state machine in ``st.session_state`` (``ITEMS``: ranked
response indices, best first; ``TIED``: those tied with the one above). Every button acts through
a callback, so the editor works by keyboard alone, and a submit writes the ranking to the
database at once, refusing a stale or incomplete form.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app.i18n import t
from app.ui.palette import BLUE
from app.ui.render import escape_text, literal
from app.views.rlhf_state import (
    ALL_BAD,
    CLASS,
    EDITOR_MSG,
    ITEMS,
    MINE,
    ROUND,
    TIED,
    rater_id,
    show_response,
    store_error_text,
)
from models.preference.rankings import Ranking
from models.storage.rankings_store import RankingStore, StoreError

ICON_ONLY = ("up", "down", "tie", "rm")  # ranked rows' buttons: icon shown, label for readers


def groups(items: list[int], tied: list[int]) -> list[list[int]]:
    """Ranked items (best first) with tie marks → groups of the ranking.

    >>> groups([2, 0, 3, 1], [3])
    [[2], [0, 3], [1]]
    """
    out: list[list[int]] = []
    for i in items:
        if out and i in tied:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def ranked_groups(items: list[int], tied: list[int], k: int, all_bad: bool) -> list[list[int]]:
    """``groups`` of a ranking of ``k`` responses; with ``all_bad`` the responses left unranked
    tie in one last group (a student who finds them all bad need not order them).

    >>> ranked_groups([2], [], 4, True)
    [[2], [0, 1, 3]]
    """
    out = groups(items, tied)
    rest = [i for i in range(k) if i not in items]
    return out + [rest] if rest and all_bad else out


def _rank_next(i: int) -> None:
    if i not in st.session_state[ITEMS]:
        st.session_state[ITEMS].append(i)


def _move(i: int, delta: int) -> None:
    items = st.session_state[ITEMS]
    a = items.index(i)
    b = a + delta
    if 0 <= b < len(items):
        items[a], items[b] = items[b], items[a]


def _toggle_tie(i: int) -> None:
    tied = st.session_state[TIED]
    if i in tied:
        tied.remove(i)
    else:
        tied.append(i)


def _remove(i: int) -> None:
    st.session_state[ITEMS].remove(i)
    if i in st.session_state[TIED]:
        st.session_state[TIED].remove(i)


def _say(kind: str, text: str) -> None:
    """What became of a submit, shown in the editor on its next run, which may be a run of the
    editor's fragment alone: a page-level message would wait for the next full run while the
    previous "stored" stayed on screen."""
    st.session_state[EDITOR_MSG] = (kind, text)


def _said(where: str) -> None:
    """Show the editor's message: a success above the next round, anything else right under
    the submit button the student just pressed."""
    kind, text = st.session_state.get(EDITOR_MSG, (None, None))
    if kind and (kind == "success") == (where == "top"):
        del st.session_state[EDITOR_MSG]
        getattr(st, kind)(text)


def submit_ranking(db: RankingStore, shown: str, lang: str) -> None:
    """Store the ranking being edited; refuses a stale or incomplete form, writes nothing then.
    Every outcome is said inside the editor (``_say``), and a refused ranking stays in it."""
    rnd = st.session_state.get(ROUND)
    if rnd is None or rnd["fingerprint"] != shown:
        _say("warning", t("rlhf.stale"))
        return
    items, k = st.session_state[ITEMS], len(rnd["responses"])
    all_bad = bool(st.session_state.get(ALL_BAD))
    if len(items) != k and not all_bad:
        _say("warning", t("rlhf.incomplete", k=k, n=k - len(items)))
        return
    cls = st.session_state.get(CLASS)
    try:
        ranking = Ranking(
            rnd["prompt"],
            tuple(rnd["responses"]),
            tuple(map(tuple, ranked_groups(items, st.session_state[TIED], k, all_bad))),
            all_bad,
            cls["nickname"] if cls else rater_id(),
            rnd.get("lang", lang),
        )
        pk = db.submit(
            ranking,
            class_code=cls["code"] if cls and rnd["round_pk"] else None,
            student_id=cls["student_id"] if cls and rnd["round_pk"] else None,
            round_pk=rnd["round_pk"],
            lang=lang,
        )
    except StoreError as exc:
        _say("error", store_error_text(exc))
        return
    except ValueError as exc:
        _say("error", literal(str(exc)))
        return
    st.session_state.setdefault(MINE, []).append(ranking)
    _say("success", t("rlhf.stored", id=pk, pairs=len(ranking.pairs())))
    st.session_state.pop(ROUND, None)  # the next prompt is drawn on the next run


def icon_only_css(n: int) -> str:
    """A style that hides the labels of the ranked rows' move/tie/remove buttons from sight but
    not from screen readers (the icon shows; the label is the button's accessible name).

    Built from constants and integers only. The selectors name each button exactly: a prefix
    match would also hide ``rl_rm_train``'s label.

    >>> icon_only_css(1).count(".st-key-rl_")
    4
    """
    keys = ", ".join(f".st-key-rl_{what}_{i}" for i in range(n) for what in ICON_ONLY)
    return (
        f"<style>:is({keys}) [data-testid='stMarkdownContainer']"
        "{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
        "clip:rect(0 0 0 0);white-space:nowrap;border:0}</style>"
    )


def ranking_editor(db: RankingStore) -> None:
    """The prompt, the ranked list (move, tie, remove), the unranked responses, submit."""
    rnd = st.session_state.get(ROUND)
    if rnd is None:  # just submitted: the page (not only this fragment) draws the next round
        st.rerun(scope="app")
    responses, items, tied = rnd["responses"], st.session_state[ITEMS], st.session_state[TIED]
    _said("top")
    if items:
        st.html(icon_only_css(len(responses)))
    st.markdown(f"**{t('rlhf.prompt')}**")
    st.markdown(
        f"<div style='border-left:4px solid {BLUE};padding-left:10px;font-size:1.05rem'>"
        f"{escape_text(rnd['prompt'], keep_newlines=True)}</div>",
        unsafe_allow_html=True,
    )
    if items:
        st.markdown(f"**{t('rlhf.your_ranking')}**")
    place = 0
    for pos, i in enumerate(items):
        is_tie = pos > 0 and i in tied
        place += 0 if is_tie else 1
        label, body, *buttons = st.columns([0.6, 6, 0.6, 0.6, 0.6, 0.6])
        label.markdown(
            f"### {t('rlhf.place_n', n=place)}" + (f" _{t('rlhf.tie_mark')}_" if is_tie else "")
        )
        with body:
            st.caption(t("rlhf.response_n", n=i + 1))
            show_response(responses[i])
        tie_label = "rlhf.untie" if is_tie else "rlhf.tie_with_above"
        row_buttons: tuple[tuple[str, str, str, Callable[..., None], tuple, bool], ...] = (
            # (key part, label, icon, callback, its arguments, disabled)
            ("up", "rlhf.move_up", "arrow_upward", _move, (i, -1), pos == 0),
            ("down", "rlhf.move_down", "arrow_downward", _move, (i, 1), pos == len(items) - 1),
            ("tie", tie_label, "drag_handle", _toggle_tie, (i,), pos == 0),
            ("rm", "rlhf.remove", "close", _remove, (i,), False),
        )
        for col, (what, text, icon, callback, args, disabled) in zip(
            buttons, row_buttons, strict=True
        ):
            col.button(
                t(text),
                icon=f":material/{icon}:",
                key=f"rl_{what}_{i}",
                help=t(text),
                on_click=callback,
                args=args,
                disabled=disabled,
                type="primary" if what == "tie" and is_tie else "secondary",
            )
    rest = [i for i in range(len(responses)) if i not in items]
    if rest:
        st.markdown(f"**{t('rlhf.unranked')}**")
    for i in rest:
        body, b = st.columns([7.4, 1.6])
        with body:
            st.caption(t("rlhf.response_n", n=i + 1))
            show_response(responses[i])
        b.button(
            t("rlhf.rank_next"),
            key=f"rl_pick_{i}",
            help=t("rlhf.rank_next_help"),
            on_click=_rank_next,
            args=(i,),
            icon=":material/add:",
        )
    all_bad = st.checkbox(t("rlhf.all_bad"), key=ALL_BAD, help=t("rlhf.all_bad_help"))
    complete = not rest or all_bad  # "all bad" may leave the rest unranked: they tie, last
    if complete:
        order = ranked_groups(items, tied, len(responses), all_bad)
        n_pairs = len(Ranking(rnd["prompt"], tuple(responses), tuple(map(tuple, order))).pairs())
        st.caption(t("rlhf.pairs_preview", pairs=n_pairs))
    else:  # say what the disabled button waits for
        st.caption(t("rlhf.incomplete", k=len(responses), n=len(rest)))
    st.button(
        t("rlhf.submit"),
        type="primary",
        key=f"rl_submit_{rnd['fingerprint']}",
        help=t("rlhf.submit_help"),
        on_click=submit_ranking,
        args=(db, rnd["fingerprint"], st.session_state.get("lang", "en")),
        disabled=not complete,
        icon=":material/how_to_vote:",
    )
    _said("below")
