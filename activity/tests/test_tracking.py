import pytest
from django.db import transaction

from activity.signals import learning_event
from activity.tracking import ObjectRef, track
from activity.verbs import Verb, verb_info


def test_verb_info_standard_and_own_namespace(settings):
    settings.KALPLA_XAPI_IRI_BASE = "https://school.example/xapi/"
    assert verb_info(Verb.LESSON_COMPLETED).iri == "http://adlnet.gov/expapi/verbs/completed"
    assert verb_info(Verb.REFUNDED).iri == "https://school.example/xapi/verbs/refunded"
    assert verb_info(Verb.REFUNDED).display == "was refunded"


@pytest.mark.django_db(transaction=True)
def test_track_sends_on_commit_only():
    heard = []

    def receiver(sender, *, event, **kwargs):
        heard.append(event)

    learning_event.connect(receiver)
    try:
        with transaction.atomic():
            track(
                actor=None,
                verb=Verb.COURSE_VIEWED,
                object=ObjectRef("course", 7),
                context={"anonymous_id": "abc", "platform": "web"},
            )
            assert heard == []
        try:
            with transaction.atomic():
                track(actor=None, verb=Verb.COURSE_VIEWED, object=ObjectRef("course", 8))
                raise RuntimeError
        except RuntimeError:
            pass
    finally:
        learning_event.disconnect(receiver)
    assert len(heard) == 1
    event = heard[0]
    assert (event.course_id, event.anonymous_id, event.platform) == (7, "abc", "web")


@pytest.mark.django_db(transaction=True)
def test_track_outside_a_transaction_sends_at_once_without_a_database_connection(monkeypatch):
    from django.db import connection
    from django.dispatch import Signal

    from activity import tracking

    heard = []

    def receiver(sender, *, event, **kwargs):
        heard.append((event, connection.connection))

    # only this receiver (the site's store events in the database)
    monkeypatch.setattr(tracking, "learning_event", Signal())
    tracking.learning_event.connect(receiver)
    connection.close()
    event = track(actor=None, verb=Verb.CATALOGUE_VIEWED, object=ObjectRef("catalogue"))
    # sent at once, and a page that runs no query took no connection for it
    assert heard == [(event, None)]


def test_track_refuses_non_model_objects():
    with pytest.raises(TypeError):
        track(actor=None, verb=Verb.COURSE_VIEWED, object="course 7")


def test_visitor_id_cookie_set_only_when_asked(rf):
    from django.http import HttpResponse

    from activity.visitor import COOKIE, VisitorIdMiddleware, visitor_id

    asked = VisitorIdMiddleware(lambda r: (visitor_id(r), HttpResponse())[1])
    silent = VisitorIdMiddleware(lambda r: HttpResponse())
    response = asked(rf.get("/"))
    value = response.cookies[COOKIE].value
    assert len(value) == 32
    assert COOKIE not in silent(rf.get("/")).cookies
    again = rf.get("/")
    again.COOKIES[COOKIE] = value
    assert visitor_id(again) == value
    assert COOKIE not in asked(again).cookies
