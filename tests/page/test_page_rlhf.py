"""AppTest for the RLHF page: ranking by clicks, the simulated rater, training from the page,
class mode (instructor + student sessions on one database), and the bad-input list."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import text_for
from app.ui.render import literal
from models.preference.rankings import Ranking
from models.storage.classes import ClassStore
from models.storage.rankings_store import RankingStore
from tests.support.apptest import ENTRY, TIMEOUT, ok, open_page


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'rankings.sqlite'}"
    monkeypatch.setenv("GLASSBOX_DB_URL", url)
    return url


def rank_all(at: AppTest, order: list[int], tie: int | None = None) -> None:
    for i in order:
        at.button(key=f"rl_pick_{i}").click().run()
        ok(at)
    if tie is not None:
        at.button(key=f"rl_tie_{tie}").click().run()
        ok(at)


def submit(at: AppTest) -> None:
    [button] = [b for b in at.button if (b.key or "").startswith("rl_submit_")]
    button.click().run()
    ok(at)


@pytest.mark.parametrize("lang", ["en", "de", "ja"])
def test_rank_and_store_in_every_language(lang: str, database: str) -> None:
    at = open_page("rlhf", lang)
    shown = at.session_state["rl_round"]
    assert len(shown["responses"]) == 4
    [button] = [b for b in at.button if (b.key or "").startswith("rl_submit_")]
    assert button.disabled  # nothing ranked yet
    rank_all(at, [2, 0, 3, 1], tie=3)
    at.checkbox(key="rl_all_bad").check().run()
    submit(at)
    assert at.success, "no confirmation"
    [stored] = RankingStore(database).rankings()
    assert stored.ranking.order == ((2,), (0, 3), (1,))
    assert stored.ranking.all_bad
    assert stored.ranking.responses == tuple(shown["responses"])
    assert stored.lang == lang
    assert at.session_state["rl_round"]["fingerprint"] != shown["fingerprint"]  # a new round


def test_move_and_remove_change_the_ranking() -> None:
    at = open_page("rlhf")
    rank_all(at, [0, 1, 2])
    at.button(key="rl_down_0").click().run()
    at.button(key="rl_up_2").click().run()
    assert at.session_state["rl_items"] == [1, 2, 0]
    at.button(key="rl_rm_2").click().run()
    assert at.session_state["rl_items"] == [1, 0]
    [button] = [b for b in at.button if (b.key or "").startswith("rl_submit_")]
    assert button.disabled  # two responses still unranked
    ok(at)


def test_simulated_rater_then_reward_model_and_dpo_from_the_page(database: str) -> None:
    at = open_page("rlhf")
    at.number_input(key="rl_sim_n").set_value(12).run()
    at.button(key="rl_sim_add").click().run()
    ok(at)
    assert RankingStore(database).count() == 12
    assert all(r.ranking.rater == "sim:happy" for r in RankingStore(database).rankings())
    at.slider(key="rl_rm_steps").set_value(10).run()
    at.button(key="rl_rm_train").click().run()
    for _ in range(40):
        if at.session_state["rl_rm_job"].finished:
            break
        at.run()
        ok(at)
    at.run()
    assert at.session_state["rl_rm"]["acc"] is not None
    at.slider(key="rl_dpo_steps").set_value(10).run()
    at.button(key="rl_dpo_run").click().run()
    for _ in range(40):
        if at.session_state["rl_dpo_job"].finished:
            break
        at.run()
        ok(at)
    at.run()
    ok(at)
    assert at.session_state["rl_policy"]["method"] == "DPO"
    assert any("→" in m.value for m in at.markdown)  # the before → after share is shown
    at.button(key="rl_rlhf_run").click().run()  # RLHF with the trained reward model starts
    ok(at)
    assert at.session_state["rl_rlhf_job"].history


def test_stale_form_is_refused_and_nothing_is_stored(database: str) -> None:
    at = open_page("rlhf")
    rank_all(at, [0, 1, 2, 3])
    [old_button] = [b for b in at.button if (b.key or "").startswith("rl_submit_")]
    changed = dict(at.session_state["rl_round"], fingerprint="responses-changed")
    at.session_state["rl_round"] = changed  # the responses changed after the form was drawn
    old_button.click().run()
    ok(at)
    assert at.warning, "no message for a stale form"
    assert RankingStore(database).count() == 0


@pytest.mark.parametrize("lang", ["en", "de", "ja"])
def test_instructor_and_student_share_a_class(lang: str, database: str) -> None:
    teacher = open_page("rlhf", lang)
    teacher.text_input(key="rl_new_title").input("Class 7b").run()
    teacher.text_input(key="rl_new_pass").input("open sesame").run()
    teacher.button(key="rl_create").click().run()
    ok(teacher)
    code = teacher.session_state["rl_instructor"]["code"]
    assert any(code in (c.value or "") for c in teacher.code)  # the join link
    teacher.button(key="rl_publish").click().run()
    ok(teacher)
    db = RankingStore(database)
    assert len(db.current_rounds(code)) == 3

    student = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    student.query_params["class"] = code
    student.query_params["lang"] = lang
    student.run()
    student.switch_page("../pages/rlhf.py").run()
    ok(student)
    assert student.text_input(key="rl_join_code").value == code
    student.text_input(key="rl_join_nick").input("<script>x</script>").run()
    student.button(key="rl_join").click().run()
    ok(student)
    assert literal("<script>x</script>") in " ".join(m.value for m in student.markdown)
    assert student.session_state["rl_round"]["round_pk"] == db.current_rounds(code)[0].id
    rank_all(student, [3, 2, 1, 0])
    submit(student)
    [stored] = db.rankings(code)
    assert stored.nickname == "<script>x</script>"
    assert stored.round_pk == db.current_rounds(code)[0].id

    teacher.run()
    ok(teacher)
    assert [m.value for m in teacher.metric][:2] == ["1", "1"]  # rankings, students
    assert [d.label for d in teacher.get("download_button")] != []


def test_wrong_passcode_and_unknown_code_are_refused(database: str) -> None:
    code = RankingStore(database).create_class("right passcode")
    at = open_page("rlhf")
    at.text_input(key="rl_login_code").input(code).run()
    at.text_input(key="rl_login_pass").input("wrong").run()
    at.button(key="rl_login").click().run()
    ok(at)
    assert "rl_instructor" not in at.session_state
    assert at.error
    at.text_input(key="rl_join_code").input("NOPE99").run()
    at.text_input(key="rl_join_nick").input("kim").run()
    at.button(key="rl_join").click().run()
    ok(at)
    assert "rl_class" not in at.session_state
    assert at.error


def test_read_only_database_gives_a_message_not_an_exception(tmp_path, monkeypatch) -> None:
    path = tmp_path / "ro.sqlite"
    RankingStore(f"sqlite:///{path}").submit(Ranking.from_order("p", ["a", "b"], [0, 1]))
    monkeypatch.setenv("GLASSBOX_DB_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    at = open_page("rlhf")
    rank_all(at, [0, 1, 2, 3])
    submit(at)
    assert at.error, "no message for a read-only database"
    assert RankingStore(f"sqlite:///{path}").count() == 1


def _student(code: str, lang: str = "en", key: str | None = None) -> AppTest:
    """A new browser on the RLHF page through the class link (``key``: with a rejoin key)."""
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.query_params.update({"class": code, "lang": lang} | ({"key": key} if key else {}))
    at.run()
    at.switch_page("../pages/rlhf.py").run()
    ok(at)
    return at


def _join(at: AppTest, nickname: str, key: str = "") -> None:
    at.text_input(key="rl_join_nick").input(nickname).run()
    if key:
        at.text_input(key="rl_join_key").input(key).run()
    at.button(key="rl_join").click().run()
    ok(at)


def test_a_nickname_is_shown_as_plain_text_never_as_markdown(database: str) -> None:
    code = RankingStore(database).create_class("open sesame")
    at = _student(code)
    _join(at, "![](http://127.0.0.1:9/)")
    line = next(m.value for m in at.markdown if code in m.value)
    assert "![](" not in line and literal("![](http://127.0.0.1:9/)") in line


@pytest.mark.parametrize("lang", ["en", "de", "ja"])
def test_a_taken_nickname_needs_its_rejoin_key_and_a_reload_keeps_the_student(
    lang: str, database: str
) -> None:
    db = RankingStore(database)
    code = db.create_class("open sesame")
    first = _student(code, lang)
    _join(first, "Kim")
    me = first.session_state["rl_class"]
    assert [c.value for c in first.code] == [me["secret"]]  # the key, shown once to copy
    assert first.query_params["key"] == me["secret"]  # and kept in the address

    other = _student(code, lang)
    _join(other, "Kim")  # someone else, without the key
    assert "rl_class" not in other.session_state
    assert [e.value for e in other.error] == [text_for(lang, "rlhf.store.nickname_taken")]
    _join(other, "Kim", key=me["secret"])  # the same student on a second device
    assert other.session_state["rl_class"]["student_id"] == me["student_id"]

    reloaded = _student(code, lang, key=me["secret"])  # a reload: the URL brings them back
    assert reloaded.session_state["rl_class"]["student_id"] == me["student_id"]
    assert reloaded.code == [] or me["secret"] not in [c.value for c in reloaded.code]
    assert list(db.per_student_counts(code)) == ["Kim"]


def test_a_wrong_rejoin_key_in_the_address_is_dropped_with_a_message(database: str) -> None:
    code = RankingStore(database).create_class("open sesame")
    at = _student(code, key="not-a-key")
    assert "rl_class" not in at.session_state
    assert [e.value for e in at.error] == [text_for("en", "rlhf.store.bad_secret")]
    assert "key" not in at.query_params


@pytest.mark.parametrize("lang", ["en", "de", "ja"])
def test_bad_nicknames_are_refused_in_the_students_language(lang: str, database: str) -> None:
    code = RankingStore(database).create_class("open sesame")
    at = _student(code, lang)
    _join(at, "\u200d")
    assert [e.value for e in at.error] == [text_for(lang, "rlhf.store.nickname_letters")]
    _join(at, "Max\u202egnp.exe")
    assert [e.value for e in at.error] == [text_for(lang, "rlhf.store.nickname_bidi")]
    assert "rl_class" not in at.session_state


def test_guessing_the_passcode_locks_the_class_with_a_message(database: str, monkeypatch) -> None:
    monkeypatch.setattr(ClassStore, "fail_delay_s", 0.0)
    code = RankingStore(database).create_class("right passcode")
    at = open_page("rlhf")
    at.text_input(key="rl_login_code").input(code).run()
    for i in range(5):
        at.text_input(key="rl_login_pass").input(f"guess {i}").run()
        at.button(key="rl_login").click().run()
        ok(at)
        assert [e.value for e in at.error] == [text_for("en", "rlhf.bad_passcode")]
    at.text_input(key="rl_login_pass").input("right passcode").run()
    at.button(key="rl_login").click().run()
    ok(at)
    assert "rl_instructor" not in at.session_state
    assert at.error[0].value.startswith(text_for("en", "rlhf.store.login_locked", seconds=6)[:20])


def test_a_short_passcode_is_refused_with_its_minimum(database: str) -> None:
    at = open_page("rlhf", "de")
    at.text_input(key="rl_new_pass").input("1234567").run()
    at.button(key="rl_create").click().run()
    ok(at)
    assert "rl_instructor" not in at.session_state
    assert [e.value for e in at.error] == [text_for("de", "rlhf.store.passcode_short", n=8)]


def _student_in_class(database: str, lang: str = "en") -> tuple[RankingStore, str, AppTest]:
    """A class with a published round and a joined student who ranked it, not yet submitted."""
    db = RankingStore(database)
    code = db.create_class("open sesame")
    db.publish_round(code, "open sesame", "Once upon a time", ["a", "b", "c", "d"], lang=lang)
    at = _student(code, lang)
    _join(at, "Kim")
    rank_all(at, [3, 2, 1, 0])
    return db, code, at


@pytest.mark.parametrize("lang", ["en", "de", "ja"])
def test_a_closed_class_refuses_a_submit_where_the_student_looks_and_keeps_the_ranking(
    lang: str, database: str
) -> None:
    db, code, at = _student_in_class(database, lang)
    db.close_class(code, "open sesame")  # the instructor, meanwhile
    submit(at)
    assert [e.value for e in at.error] == [text_for(lang, "rlhf.store.closed")]
    assert not at.success, "a stale confirmation is still on screen"
    assert at.session_state["rl_items"] == [3, 2, 1, 0]  # kept for a retry
    assert db.count(code) == 0


def test_a_deleted_database_file_is_reported_not_confirmed(database: str, tmp_path) -> None:
    db, code, at = _student_in_class(database)
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"rankings.sqlite{suffix}").unlink(missing_ok=True)
    submit(at)
    assert [e.value for e in at.error] == [text_for("en", "rlhf.store.missing")]
    assert not at.success and at.session_state["rl_items"] == [3, 2, 1, 0]


def test_a_paste_longer_than_a_field_allows_is_refused_with_its_limit(database: str) -> None:
    """No field silently drops a longer paste: the store's limit comes back, in the language."""
    code = RankingStore(database).create_class("open sesame")
    at = _student(code, "ja")
    _join(at, "K" * 30)
    assert [e.value for e in at.error] == [text_for("ja", "rlhf.store.nickname_long", n=24)]
    teacher = open_page("rlhf", "de")
    teacher.text_input(key="rl_new_title").input("T" * 61).run()
    teacher.text_input(key="rl_new_pass").input("open sesame").run()
    teacher.button(key="rl_create").click().run()
    ok(teacher)
    assert [e.value for e in teacher.error] == [text_for("de", "rlhf.store.title_long", n=60)]
    assert "rl_instructor" not in teacher.session_state
