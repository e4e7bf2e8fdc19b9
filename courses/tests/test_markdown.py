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
