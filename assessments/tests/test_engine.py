"""The question engine: data checks, grading of every kind, shuffles and the public view."""

import json
from decimal import Decimal

import pytest

from assessments.engine.data import data_clean
from assessments.engine.grading import State, grade, penalised, response_clean
from assessments.engine.kinds import QuestionKind as K
from assessments.engine.presentation import (
    question_public,
    right_answer,
    stable_sample,
    stable_shuffle,
)
from kalpla.exceptions import ValidationError


def _grade(kind, data, response):
    data = data_clean(kind=kind, data=data)
    return grade(
        kind=kind, data=data, response=response_clean(kind=kind, data=data, response=response)
    )


def _ids(data):
    return {o["text"]: o["id"] for o in data["options"]}


# --- single choice ---------------------------------------------------------------------------


SINGLE = {
    "options": [
        {"text": "Paris", "fraction": "1", "feedback": "Yes."},
        {"text": "Lyon", "fraction": "0.5", "feedback": "Second city."},
        {"text": "Berlin", "fraction": "-0.25", "feedback": "Germany."},
    ]
}


def test_single_choice_right_partial_and_wrong_with_feedback():
    data = data_clean(kind=K.SINGLE_CHOICE, data=SINGLE)
    ids = _ids(data)
    right = grade(kind=K.SINGLE_CHOICE, data=data, response=ids["Paris"])
    assert (right.state, right.fraction, right.feedback) == (State.CORRECT, Decimal(1), ("Yes.",))
    half = grade(kind=K.SINGLE_CHOICE, data=data, response=ids["Lyon"])
    assert (half.state, half.fraction) == (State.PARTIAL, Decimal("0.5"))
    wrong = grade(kind=K.SINGLE_CHOICE, data=data, response=ids["Berlin"])
    assert (wrong.state, wrong.fraction) == (State.INCORRECT, Decimal(0))  # no negative marking


def test_single_choice_negative_marking_keeps_the_negative_fraction():
    data = data_clean(kind=K.SINGLE_CHOICE, data={**SINGLE, "negative_marking": True})
    wrong = grade(kind=K.SINGLE_CHOICE, data=data, response=_ids(data)["Berlin"])
    assert wrong.fraction == Decimal("-0.25")


def test_single_choice_needs_a_full_mark_option_and_unknown_ids_are_refused():
    with pytest.raises(ValidationError) as exc:
        data_clean(kind=K.SINGLE_CHOICE, data={"options": [{"text": "a"}, {"text": "b"}]})
    assert "data.options" in exc.value.errors
    data = data_clean(kind=K.SINGLE_CHOICE, data=SINGLE)
    with pytest.raises(ValidationError):
        response_clean(kind=K.SINGLE_CHOICE, data=data, response="nope")


def test_option_ids_are_opaque_and_unique():
    data = data_clean(kind=K.SINGLE_CHOICE, data=SINGLE)
    ids = [o["id"] for o in data["options"]]
    assert len(set(ids)) == 3
    assert all(len(i) == 8 and i.isalnum() for i in ids)
    # Ids sent back by an editor are kept, so saved responses keep their meaning.
    assert data_clean(kind=K.SINGLE_CHOICE, data=data)["options"] == data["options"]


def test_bad_fields_are_all_named():
    with pytest.raises(ValidationError) as exc:
        data_clean(
            kind=K.SINGLE_CHOICE,
            data={"options": [{"text": "", "fraction": "2"}, {"text": "b", "fraction": "x"}]},
        )
    assert set(exc.value.errors) >= {
        "data.options.0.text",
        "data.options.0.fraction",
        "data.options.1.fraction",
    }


# --- multiple choice -------------------------------------------------------------------------


MULTI = {
    "options": [
        {"text": "2", "fraction": "0.5"},
        {"text": "3", "fraction": "0.5"},
        {"text": "4"},
        {"text": "6"},
    ]
}


def test_multiple_choice_partial_credit_and_unpriced_wrong_options_cost_a_share():
    data = data_clean(kind=K.MULTIPLE_CHOICE, data=MULTI)
    ids = _ids(data)
    assert data["options"][2]["fraction"] == "-0.5"
    assert _g(data, [ids["2"], ids["3"]]).fraction == Decimal(1)
    assert _g(data, [ids["2"]]).fraction == Decimal("0.5")
    assert _g(data, [ids["2"], ids["4"]]).fraction == Decimal(0)
    assert _g(data, list(ids.values())).fraction == Decimal(0)  # choosing all earns nothing
    assert _g(data, [ids["4"], ids["6"]]).fraction == Decimal(0)  # floored without negatives


def _g(data, response, kind=K.MULTIPLE_CHOICE):
    return grade(
        kind=kind, data=data, response=response_clean(kind=kind, data=data, response=response)
    )


def test_multiple_choice_negative_marking_goes_below_zero():
    data = data_clean(kind=K.MULTIPLE_CHOICE, data={**MULTI, "negative_marking": True})
    ids = _ids(data)
    assert _g(data, [ids["4"], ids["6"]]).fraction == Decimal(-1)
    assert _g(data, [ids["4"]]).fraction == Decimal("-0.5")


def test_multiple_choice_all_or_nothing():
    data = data_clean(kind=K.MULTIPLE_CHOICE, data={**MULTI, "scoring": "all_or_nothing"})
    ids = _ids(data)
    assert _g(data, [ids["3"], ids["2"]]).state == State.CORRECT
    assert _g(data, [ids["2"]]).fraction == Decimal(0)
    assert _g(data, []).state == State.UNANSWERED


def test_multiple_choice_right_fractions_must_add_up():
    with pytest.raises(ValidationError):
        data_clean(
            kind=K.MULTIPLE_CHOICE,
            data={"options": [{"text": "a", "fraction": "0.5"}, {"text": "b"}]},
        )


# --- true/false, short answer ----------------------------------------------------------------


def test_true_false_with_feedback_for_what_was_chosen():
    data = {"answer": False, "feedback_true": "No: water boils.", "feedback_false": "Right."}
    assert _grade(K.TRUE_FALSE, data, False).state == State.CORRECT
    wrong = _grade(K.TRUE_FALSE, data, True)
    assert (wrong.fraction, wrong.feedback) == (Decimal(0), ("No: water boils.",))
    assert _grade(K.TRUE_FALSE, data, None).state == State.UNANSWERED
    with pytest.raises(ValidationError):
        _grade(K.TRUE_FALSE, data, "true")


SHORT = {
    "answers": [
        {"text": "Mahatma Gandhi", "fraction": "1"},
        {"text": "Gandhi", "fraction": "0.8", "feedback": "Full name, please."},
        {"text": "M* Gandhi", "fraction": "0.9"},
    ]
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        ("Mahatma Gandhi", "1"),
        ("  mahatma   GANDHI ", "1"),  # case and whitespace ignored by default
        ("Gandhi", "0.8"),
        ("Mohandas Gandhi", "0.9"),  # wildcard
        ("M Gandhi", "0.9"),
        ("Nehru", "0"),
        ("Gandhiji", "0"),  # whole answer must match
    ],
)
def test_short_answer_matching(response, fraction):
    assert _grade(K.SHORT_ANSWER, SHORT, response).fraction == Decimal(fraction)


def test_short_answer_case_and_whitespace_options_and_literal_star():
    strict = {"answers": [{"text": "pH  7"}], "case_sensitive": True, "normalize_whitespace": False}
    assert _grade(K.SHORT_ANSWER, strict, "pH  7").state == State.CORRECT
    assert _grade(K.SHORT_ANSWER, strict, "ph  7").state == State.INCORRECT
    assert _grade(K.SHORT_ANSWER, strict, "pH 7").state == State.INCORRECT
    star = {"answers": [{"text": "a\\*b"}]}
    assert _grade(K.SHORT_ANSWER, star, "a*b").state == State.CORRECT
    assert _grade(K.SHORT_ANSWER, star, "axb").state == State.INCORRECT
    regex_chars = {"answers": [{"text": "(x+1)?"}]}
    assert _grade(K.SHORT_ANSWER, regex_chars, "(x+1)?").state == State.CORRECT
    assert _grade(K.SHORT_ANSWER, regex_chars, "x+1").state == State.INCORRECT


# --- numeric ---------------------------------------------------------------------------------


NUMERIC = {
    "answers": [
        {"value": "9.81", "tolerance": "0.01", "fraction": "1", "feedback": "g."},
        {"value": "10", "tolerance": "0", "fraction": "0.5"},
    ]
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        ("9.81", "1"),
        ("9.8", "1"),
        ("9.82", "1"),
        ("9.83", "0"),
        ("10", "0.5"),
        ("9,81", "1"),
        ("981e-2", "1"),
        ("ten", "0"),
        ("9.81 m/s2", "0"),
    ],
)
def test_numeric_tolerance(response, fraction):
    assert _grade(K.NUMERIC, NUMERIC, response).fraction == Decimal(fraction)


def test_numeric_units_with_multipliers_and_penalty():
    data = {
        "answers": [{"value": "1.5", "tolerance": "0"}],
        "units": [{"unit": "m", "multiplier": "1"}, {"unit": "cm", "multiplier": "100"}],
        "unit_handling": "required",
        "unit_penalty": "0.2",
    }
    assert _grade(K.NUMERIC, data, "1.5 m").fraction == Decimal(1)
    assert _grade(K.NUMERIC, data, "150cm").fraction == Decimal(1)
    assert _grade(K.NUMERIC, data, "1.5").fraction == Decimal("0.8")  # unit missing
    assert _grade(K.NUMERIC, data, "1.5 km").fraction == Decimal("0.8")  # unknown unit
    assert _grade(K.NUMERIC, data, "15 cm").fraction == Decimal(0)
    optional = {**data, "unit_handling": "optional"}
    assert _grade(K.NUMERIC, optional, "1.5").fraction == Decimal(1)


def test_numeric_tolerance_must_not_be_negative():
    with pytest.raises(ValidationError) as exc:
        data_clean(kind=K.NUMERIC, data={"answers": [{"value": "1", "tolerance": "-1"}]})
    assert "data.answers.0.tolerance" in exc.value.errors


# --- matching, ordering, essay ---------------------------------------------------------------


MATCHING = {
    "pairs": [
        {"prompt": "Cat", "answer": "Meow"},
        {"prompt": "Dog", "answer": "Woof"},
        {"prompt": "Cow", "answer": "Moo"},
        {"prompt": "Calf", "answer": "Moo"},
    ],
    "distractors": ["Quack"],
}


def test_matching_partial_and_all_or_nothing():
    data = data_clean(kind=K.MATCHING, data=MATCHING)
    by = {p["prompt"]: p["id"] for p in data["pairs"]}
    all_right = {by["Cat"]: "Meow", by["Dog"]: "Woof", by["Cow"]: "Moo", by["Calf"]: "Moo"}
    assert _g(data, all_right, K.MATCHING).state == State.CORRECT
    three = {**all_right, by["Dog"]: "Quack"}
    assert _g(data, three, K.MATCHING).fraction == Decimal("0.75")
    strict = data_clean(kind=K.MATCHING, data={**data, "scoring": "all_or_nothing"})
    assert _g(strict, three, K.MATCHING).fraction == Decimal(0)
    with pytest.raises(ValidationError):
        response_clean(kind=K.MATCHING, data=data, response={by["Cat"]: "Neigh"})


def test_ordering_partial_credit_is_the_longest_run_in_order():
    data = data_clean(
        kind=K.ORDERING,
        data={"items": [{"text": t} for t in ["one", "two", "three", "four", "five"]]},
    )
    ids = [i["id"] for i in data["items"]]
    assert _g(data, ids, K.ORDERING).state == State.CORRECT
    # One item moved from the end to the front: four stay in order.
    moved = [ids[4], *ids[:4]]
    assert _g(data, moved, K.ORDERING).fraction == Decimal("0.8")
    assert _g(data, list(reversed(ids)), K.ORDERING).fraction == Decimal("0.2")
    strict = data_clean(kind=K.ORDERING, data={**data, "scoring": "all_or_nothing"})
    assert _g(strict, moved, K.ORDERING).fraction == Decimal(0)
    with pytest.raises(ValidationError):
        response_clean(kind=K.ORDERING, data=data, response=ids[:4])


def test_essay_is_graded_by_a_person():
    data = data_clean(kind=K.ESSAY, data={"min_words": 10, "max_words": 100})
    outcome = _g(data, "An answer.", K.ESSAY)
    assert (outcome.state, outcome.fraction) == (State.NEEDS_GRADING, None)
    with pytest.raises(ValidationError):
        data_clean(kind=K.ESSAY, data={"min_words": 100, "max_words": 10})


# --- penalties, shuffles, what students see --------------------------------------------------


def test_immediate_feedback_penalty_per_wrong_try():
    assert penalised(Decimal(1), wrong_tries=0, penalty=Decimal("0.3333333")) == Decimal(1)
    assert penalised(Decimal(1), wrong_tries=2, penalty=Decimal("0.3333333")) == Decimal(
        "0.3333334"
    )
    assert penalised(Decimal(1), wrong_tries=4, penalty=Decimal("0.3333333")) == Decimal(0)
    assert penalised(Decimal("0.5"), wrong_tries=1, penalty=Decimal("0.1")) == Decimal("0.4")


def test_stable_shuffle_is_stable_per_seed_and_differs_between_seeds():
    items = list(range(20))
    first = stable_shuffle(items, seed="attempt-1:q-7")
    assert first == stable_shuffle(items, seed="attempt-1:q-7")
    assert sorted(first) == items
    assert first != stable_shuffle(items, seed="attempt-2:q-7")
    assert stable_sample(items, 5, seed="s") == stable_shuffle(items, seed="s")[:5]


ALL_KINDS = [
    (K.SINGLE_CHOICE, SINGLE),
    (K.MULTIPLE_CHOICE, MULTI),
    (K.TRUE_FALSE, {"answer": True}),
    (K.SHORT_ANSWER, SHORT),
    (
        K.NUMERIC,
        {**NUMERIC, "units": [{"unit": "m/s2", "multiplier": "1"}], "unit_handling": "optional"},
    ),
    (K.MATCHING, MATCHING),
    (K.ORDERING, {"items": [{"text": "first"}, {"text": "second"}, {"text": "third"}]}),
    (K.ESSAY, {"grader_info": "Look for the three causes."}),
]


@pytest.mark.parametrize(("kind", "raw"), ALL_KINDS)
def test_the_public_view_tells_nothing_about_what_is_right(kind, raw):
    data = data_clean(kind=kind, data=raw)
    public = json.dumps(question_public(kind=kind, data=data, seed="a1:q1"))
    for secret in ("fraction", "tolerance", "answer", "feedback", "grader_info", "9.81", "Mahatma"):
        assert secret not in public
    if kind == K.ORDERING:
        order = [i["id"] for i in data["items"]]
        for seed in range(30):
            shown = question_public(kind=kind, data=data, seed=str(seed))["items"]
            assert [i["id"] for i in shown] != order
    if kind == K.MATCHING:
        shown = question_public(kind=kind, data=data, seed="x")
        assert sorted(shown["choices"]) == ["Meow", "Moo", "Quack", "Woof"]


def test_right_answers_for_reviews():
    assert (
        right_answer(kind=K.SINGLE_CHOICE, data=data_clean(kind=K.SINGLE_CHOICE, data=SINGLE))
        == "Paris"
    )
    assert right_answer(
        kind=K.MULTIPLE_CHOICE, data=data_clean(kind=K.MULTIPLE_CHOICE, data=MULTI)
    ) == ["2", "3"]
    assert (
        right_answer(kind=K.NUMERIC, data=data_clean(kind=K.NUMERIC, data=NUMERIC)) == "9.81 ± 0.01"
    )
    assert right_answer(kind=K.ESSAY, data=data_clean(kind=K.ESSAY, data={})) is None
