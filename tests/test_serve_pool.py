"""The web app's render pool: a render that fails, or a worker that dies, is answered with a
page (no traceback) and never stops the next request; and without the ``serve`` extra the command
says what to install."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time

import pytest

pytest.importorskip("starlette")

from serve_live import live_server, state_of, workers_of  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from handouts.serve.app import HandoutsApp, Options, build  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
CARD = {"lang": "en", "locale": "en", "paper": "a4", "variant": "standard", "format": "pdf"}

TOKEN = "Pq4-wJ7_nXr2Lk9sTb5VhC3mDz8Fg1A0"   # the app always has one; a script sends it in a header
BEARER = {"authorization": f"Bearer {TOKEN}"}


def post(client, module: str, **values):
    return client.post(f"/handouts/{module}", data={**CARD, **values})


def test_a_killed_worker_costs_no_answer(caplog):
    app = HandoutsApp(Options(workers=1, token=TOKEN))
    with TestClient(build(app), base_url="http://127.0.0.1:8000", headers=BEARER) as client:
        assert post(client, "car-t-side-effects").status_code == 200
        killed = workers_of(os.getpid())
        assert killed
        for pid in killed:   # the worker dies as if the kernel killed it
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        with caplog.at_level(logging.ERROR, logger="handouts.serve"):
            answers = [post(client, "car-t-side-effects", name="Ana") for _ in range(3)]
        assert [answer.status_code for answer in answers] == [200, 200, 200]
        assert answers[-1].headers["content-type"] == "application/pdf"
        assert not set(killed) & set(workers_of(os.getpid()))   # a new worker took its place
        assert "Ana" not in caplog.text


def test_a_render_past_its_deadline_is_a_503_and_its_worker_is_replaced(caplog, monkeypatch):
    from handouts.serve import app as app_module

    monkeypatch.setattr(app_module, "RENDER_TIMEOUT", 2.0)
    app = HandoutsApp(Options(workers=1, token=TOKEN))
    with TestClient(build(app), base_url="http://127.0.0.1:8000", headers=BEARER) as client:
        assert post(client, "car-t-side-effects").status_code == 200
        before = workers_of(os.getpid())
        started = time.monotonic()
        with caplog.at_level(logging.ERROR, logger="handouts.serve"):
            with pytest.raises(app_module.Refused) as refused:
                client.portal.call(app.run, time.sleep, 60)   # a render that never ends, in the worker
        waited = time.monotonic() - started
        after = post(client, "car-t-side-effects", name="Ana")
        now = workers_of(os.getpid())
    assert refused.value.status == 503
    assert 1.5 < waited < 15
    assert "a render took too long" in caplog.text
    assert after.status_code == 200 and after.headers["content-type"] == "application/pdf"
    assert before and now and not set(before) & set(now)      # the stuck worker is gone, a new one answered


def test_a_worker_recycled_after_its_renders_is_replaced_without_a_failed_answer(monkeypatch):
    from handouts.serve import app as app_module

    monkeypatch.setattr(app_module, "RENDERS_PER_WORKER", 2)
    app = HandoutsApp(Options(workers=1, token=TOKEN))
    seen = set()
    with TestClient(build(app), base_url="http://127.0.0.1:8000", headers=BEARER) as client:
        codes = []
        for _ in range(5):
            codes.append(post(client, "car-t-side-effects", name="Ana").status_code)
            seen.update(workers_of(os.getpid()))
    assert codes == [200] * 5
    assert len(seen) >= 2          # at least one worker ended after its renders and a new one took over


def test_a_handout_that_cannot_be_made_is_a_page_and_a_log_line_and_the_rest_still_work(content_copy, edit,
                                                                                       caplog):
    edit("mini-card", "banner: I had a test treatment", "banner: " + "A very long banner that never fits " * 30)
    app = HandoutsApp(Options(content=(str(content_copy),), workers=1, token=TOKEN))
    with TestClient(build(app), base_url="http://127.0.0.1:8000", headers=BEARER) as client:
        with caplog.at_level(logging.ERROR, logger="handouts.serve"):
            broken = post(client, "mini-card")
        assert broken.status_code == 500
        assert "Traceback" not in broken.text and "Something went wrong" in broken.text
        assert broken.headers["cache-control"] == "no-store"
        logged = [record.getMessage() for record in caplog.records if record.name == "handouts.serve"]
        assert len(logged) == 1 and logged[0].startswith("mini-card [en, a4, standard, pdf]: ")
        assert "module.yaml" in logged[0] and "\n" not in logged[0]
        assert post(client, "mini-sheet").status_code == 200


def test_a_card_with_only_lines_for_a_pen_takes_no_details(content_copy):
    app = HandoutsApp(Options(content=(str(content_copy),), workers=1, token=TOKEN))
    assert app.entries["mini-card"].fields == ()
    assert app.entries["car-t-side-effects"].fields == ("name", "product", "date")
    with TestClient(build(app), base_url="http://127.0.0.1:8000", headers=BEARER) as client:
        page = client.get("/handouts/mini-card")
        assert page.status_code == 200 and 'id="name"' not in page.text
        refused = post(client, "mini-card", name="Ana")   # no form of this card sends a name
        assert refused.status_code == 400 and "Ana" not in refused.text


def test_without_the_extra_the_command_says_what_to_install(run, monkeypatch):
    import handouts.serve

    def started(*_):
        raise AssertionError("the server started")

    monkeypatch.setattr(handouts.serve, "serve", started)
    monkeypatch.setitem(sys.modules, "starlette", None)   # as if it were not installed
    result = run("serve")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].endswith(
        "'handouts serve' needs its extra (starlette is missing): pip install 'handouts[serve]'")


def test_a_render_that_fails_with_details_says_so_without_them(monkeypatch):
    """A card whose typed details make it overflow is the nurse's to fix (too_big, worded next to the
    name); any other failure with details is reported without its message, which may quote them."""
    import handouts.patient
    from handouts.errors import FitError, FontError
    from handouts.patient import parse_patient
    from handouts.registry import Registry
    from handouts.serve import pool

    monkeypatch.setattr(pool, "_state", {"registry": Registry(), "clinic": None})
    details = parse_patient({"name": "Zqxmarker Lu"})
    for error, expected in ((FitError, pool.Result(too_big=True)),
                            (FontError, pool.Result(error="a handout with a patient's details could not be made"))):
        def failing(handout, typed, error=error):
            raise error(f"'{typed.name}' cannot be drawn")

        monkeypatch.setattr(handouts.patient, "with_patient", failing)
        assert pool.make(pool.Order("car-t-side-effects", "en", "a4", patient=details)) == expected


def test_a_worker_killed_with_eight_requests_in_flight_costs_at_most_one(tmp_path):
    import threading
    import urllib.parse
    import urllib.request

    with live_server(tmp_path, "--workers", "2") as server:
        workers = workers_of(server.process.pid)
        assert len(workers) == 2
        statuses, threads = [], []
        body = urllib.parse.urlencode({**CARD, "locale": "hi", "variant": "large-print", "name": "Ana"}).encode()

        def ask() -> None:
            request = urllib.request.Request(server.url + "/handouts/car-t-side-effects", data=body, headers={
                "Authorization": f"Bearer {server.token}", "Content-Type": "application/x-www-form-urlencoded"})
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    statuses.append(answer.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)

        for _ in range(8):
            threads.append(threading.Thread(target=ask))
            threads[-1].start()
        deadline = time.monotonic() + 10
        while state_of(workers[0]) != "R" and time.monotonic() < deadline:
            time.sleep(0.002)                           # until the worker is busy with a render
        os.kill(workers[0], signal.SIGKILL)
        for thread in threads:
            thread.join(90)
        for _ in range(100):                            # Pebble starts its replacement
            replaced = workers_of(server.process.pid)
            if len(replaced) == 2:
                break
            time.sleep(0.1)
    assert len(statuses) == 8
    assert sum(status != 200 for status in statuses) <= 1, statuses
    assert workers[0] not in replaced and len(replaced) == 2
    assert "a render worker ended during a render" in server.log_text()   # it was killed mid-render
    assert "Traceback" not in server.log_text()
