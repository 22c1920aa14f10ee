"""A locked SQLite database (the worker writing a large import) is never a
500: a page that reads is tried again, one that writes answers 503 saying
nothing was saved."""

from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from samverkan.core.middleware import BusyDatabaseMiddleware, is_busy


def test_a_reading_page_is_tried_again_and_a_writing_one_answers_503(cast, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    calls = []

    def view(request):
        calls.append(request.method)
        return HttpResponse("ok")

    middleware = BusyDatabaseMiddleware(view)
    locked = OperationalError("database is locked")
    get = RequestFactory().get("/imports/")
    get.user = cast["district_coordinator"]
    assert middleware.process_exception(get, locked).content == b"ok"
    assert calls == ["GET"]

    post = RequestFactory().post("/imports/1/apply/")
    post.user = cast["district_coordinator"]
    response = middleware.process_exception(post, locked)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "ingenting sparades" in response.content.decode()
    assert calls == ["GET"]  # a write is not repeated


def test_only_a_lock_counts_as_busy():
    assert is_busy(OperationalError("database is locked"))
    assert is_busy(OperationalError("database table is locked"))
    assert not is_busy(OperationalError("no such table: x"))
    assert not is_busy(ValueError("locked"))
    middleware = BusyDatabaseMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(RequestFactory().get("/"), OperationalError("disk I/O error")) is None
