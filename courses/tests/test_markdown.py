"""render_markdown reuses one converter per thread: each text is rendered as if alone."""

from concurrent.futures import ThreadPoolExecutor

from courses.markdown import render_markdown


def test_render_markdown_forgets_the_previous_texts_link_references():
    first = render_markdown("See [the docs][d].\n\n[d]: https://example.com/docs")
    assert 'href="https://example.com/docs"' in first
    # the reference was defined in the first text only
    assert "href" not in render_markdown("See [the docs][d].")


def test_render_markdown_renders_the_same_on_every_thread():
    text = "# Title\n\n```\ncode\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nline\nbreak"
    expected = render_markdown(text, min_heading=4)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _n: render_markdown(text, min_heading=4), range(40)))
    assert set(results) == {expected}
    assert "<h4>Title</h4>" in expected and "<table>" in expected and "<br" in expected


def test_plain_text_is_rendered_as_markdown_renders_it():
    """Plain text (most chat messages) skips the converter and the sanitiser: the answer is
    theirs, checked here against them for thousands of such texts and the near misses."""
    import random

    import nh3

    from courses import markdown

    def converted(text: str) -> str:
        return nh3.clean(
            markdown._converter().convert(text),
            tags=markdown.ALLOWED_TAGS,
            attributes=markdown.ALLOWED_ATTRIBUTES,
            url_schemes=markdown.URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )

    rng = random.Random(7)
    texts = ["".join(rng.choices("abXY09 ,.?'", k=rng.randint(1, 14))) for _ in range(3000)]
    texts += ["m4554", "Hello there, how are you?", "it's 3 p.m.", "1. first", "2.5 hours"]
    plain = [text for text in texts if markdown._PLAIN.fullmatch(text)]
    assert len(plain) > 2000
    for text in texts:
        if text.strip():
            assert str(render_markdown(text)) == converted(text), text
    assert not markdown._PLAIN.fullmatch("1. first")  # an ordered list
    assert not markdown._PLAIN.fullmatch("<b>hi</b>") and not markdown._PLAIN.fullmatch("a  b")
