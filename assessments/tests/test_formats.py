"""GIFT and Aiken: every kind read, written back and read again; bad lines reported by number."""

from decimal import Decimal

from assessments.engine.grading import grade, response_clean
from assessments.engine.kinds import QuestionKind as K
from assessments.formats.aiken import aiken_export, aiken_parse
from assessments.formats.gift import MISSING_WORD, gift_export, gift_parse

GIFT = r"""
// A comment line, ignored.
$CATEGORY: $course$/top/Geography/Europe

::Capital::[markdown]What is the **capital** of France? {
  =Paris#Right.
  ~Lyon#Second city.
  ~%-50%Berlin#That is Germany.
}

::Primes::Which numbers are prime? {~%50%2 ~%50%3 ~%-100%4}

The sun rises in the east.{T#It does rise in the east.#Right.}

Water boils at 50 °C at sea level.{FALSE}

Who wrote Hamlet? {=Shakespeare =William Shakespeare =%50%Shakspeare#Check the spelling.}

Moodle costs {~lots of money =nothing ~a small amount} to download.

What is g in m/s²? {#9.81:0.01}

When was Gandhi born? {# =1869:0 =%50%1869:2#Close.}

Pick a number between 1 and 2. {#1..2}

$CATEGORY: Animals

Match the animals. {
  =Cat -> Meow
  =Dog -> Woof
  =Cow -> Moo
  = -> Quack
}

Explain photosynthesis. {####Mention light and chlorophyll.}

A literal \{brace\} and a \~tilde\= in text \: fine. {=yes}
"""


def test_gift_reads_every_kind_with_weights_feedback_and_categories():
    report = gift_parse(GIFT)
    assert report.errors == []
    kinds = [q.kind for q in report.questions]
    assert kinds == [
        K.SINGLE_CHOICE,
        K.MULTIPLE_CHOICE,
        K.TRUE_FALSE,
        K.TRUE_FALSE,
        K.SHORT_ANSWER,
        K.SINGLE_CHOICE,
        K.NUMERIC,
        K.NUMERIC,
        K.NUMERIC,
        K.MATCHING,
        K.ESSAY,
        K.SHORT_ANSWER,
    ]
    capital, primes, sun, water, hamlet, moodle, g, gandhi, between, match, essay, literal = (
        report.questions
    )
    assert capital.name == "Capital"
    assert capital.text == "What is the **capital** of France?"
    assert capital.category == "Geography/Europe"
    assert [(o["text"], o["fraction"], o["feedback"]) for o in capital.data["options"]] == [
        ("Paris", "1", "Right."),
        ("Lyon", "0", "Second city."),
        ("Berlin", "-0.5", "That is Germany."),
    ]
    assert [o["fraction"] for o in primes.data["options"]] == ["0.5", "0.5", "-1"]
    assert sun.data == {
        "answer": True,
        "feedback_true": "Right.",
        "feedback_false": "It does rise in the east.",
    }
    assert water.data["answer"] is False
    assert [(a["text"], a["fraction"]) for a in hamlet.data["answers"]] == [
        ("Shakespeare", "1"),
        ("William Shakespeare", "1"),
        ("Shakspeare", "0.5"),
    ]
    assert moodle.text == f"Moodle costs {MISSING_WORD} to download."
    assert g.data["answers"] == [
        {"value": "9.81", "tolerance": "0.01", "fraction": "1", "feedback": ""}
    ]
    assert gandhi.data["answers"][1] == {
        "value": "1869",
        "tolerance": "2",
        "fraction": "0.5",
        "feedback": "Close.",
    }
    assert between.data["answers"][0]["value"] == "1.5"
    assert between.data["answers"][0]["tolerance"] == "0.5"
    assert match.category == "Animals"
    assert [(p["prompt"], p["answer"]) for p in match.data["pairs"]] == [
        ("Cat", "Meow"),
        ("Dog", "Woof"),
        ("Cow", "Moo"),
    ]
    assert match.data["distractors"] == ["Quack"]
    assert essay.feedback == "Mention light and chlorophyll."
    assert literal.text == "A literal {brace} and a ~tilde= in text : fine."


def test_imported_questions_grade():
    report = gift_parse(GIFT)
    primes = report.questions[1]
    ids = {o["text"]: o["id"] for o in primes.data["options"]}
    response = response_clean(kind=primes.kind, data=primes.data, response=[ids["2"], ids["3"]])
    assert grade(kind=primes.kind, data=primes.data, response=response).fraction == Decimal(1)
    g = report.questions[6]
    assert grade(kind=g.kind, data=g.data, response="9.805").fraction == Decimal(1)


def test_gift_round_trip_keeps_every_question():
    first = gift_parse(GIFT)
    exported = gift_export(first.questions)
    assert exported.skipped == []
    again = gift_parse(exported.text)
    assert again.errors == []

    def shape(q):
        data = dict(q.data)
        for key in ("options", "pairs"):
            if key in data:
                data[key] = [{k: v for k, v in o.items() if k != "id"} for o in data[key]]
        return (q.kind, q.text, q.name, q.category, q.feedback, data)

    assert [shape(q) for q in again.questions] == [shape(q) for q in first.questions]


def test_gift_reports_bad_blocks_by_line_and_keeps_nothing_to_import():
    text = "\n".join(
        [
            "Good question {=yes ~no}",  # 1
            "",
            "Two blocks {=a} and {=b}",  # 3
            "",
            "Unclosed {=a ~b",  # 5
            "",
            "Not a number {#abc}",  # 7
            "",
            "No right option {~a ~b}",  # 9
            "",
            "Just a description.",  # 11
        ]
    )
    report = gift_parse(text)
    assert not report.ok
    lines = sorted({line for line, _message in report.errors})
    assert lines == [3, 5, 7, 9]
    assert report.warnings and report.warnings[0][0] == 11
    assert all(message for _line, message in report.errors)


def test_gift_export_skips_ordering_and_says_which():
    report = gift_parse("Q {=a ~b}")
    from assessments.formats import ParsedQuestion

    order = ParsedQuestion(line=0, kind=K.ORDERING, text="Order", name="Steps", data={"items": []})
    result = gift_export([*report.questions, order])
    assert result.skipped == ["Steps"]
    assert gift_parse(result.text).ok


AIKEN = """What is the capital of France?
A. Berlin
B) Paris
C. Madrid
ANSWER: B

Which planet is known as the
red planet?
A. Mars
B. Venus
ANSWER: A
"""


def test_aiken_reads_single_choice_questions():
    report = aiken_parse(AIKEN)
    assert report.errors == []
    france, mars = report.questions
    assert france.kind == K.SINGLE_CHOICE
    assert [(o["text"], o["fraction"]) for o in france.data["options"]] == [
        ("Berlin", "0"),
        ("Paris", "1"),
        ("Madrid", "0"),
    ]
    assert mars.text == "Which planet is known as the red planet?"
    assert mars.line == 7


def test_aiken_errors_name_their_lines():
    text = "\n".join(
        [
            "Q1",  # 1
            "A. a",
            "C. c",  # 3: out of sequence
            "ANSWER: A",
            "Q2",  # 5
            "A. a",
            "B. b",
            "ANSWER: D",  # 8: not an option
            "Q3",  # 9
            "A. only one",
            "ANSWER: A",
            "Q4",  # 12
            "A. a",
            "stray text",  # 14
            "B. b",
            "ANSWER: B",
            "Q5",  # 17: never answered
            "A. a",
        ]
    )
    report = aiken_parse(text)
    assert sorted(line for line, _m in report.errors) == [3, 8, 9, 14, 17]


def test_aiken_round_trip_and_skips():
    report = aiken_parse(AIKEN)
    gift = gift_parse("Sum? {#4}\n\nTrue? {T}")
    result = aiken_export([*report.questions, *gift.questions])
    assert result.skipped == ["Sum?"]
    again = aiken_parse(result.text)
    assert again.errors == []
    assert [q.text for q in again.questions] == [
        "What is the capital of France?",
        "Which planet is known as the red planet?",
        "True?",
    ]


def test_empty_files_say_so():
    assert gift_parse("// only a comment\n").errors[0][0] == 1
    assert aiken_parse("").errors
