"""``{% viewer_part "name" %}...{% end_viewer_part %}``: a piece of a page that belongs to
the viewer (their menu, their enroll card, the CSRF token) rather than to the page.

Rendered as usual, it is simply its content. A page that many viewers share can instead be
rendered once as a *shell* (``page_shell_render``): every viewer part becomes a hole, and
the shell is kept as the list of its shared text and the names of the holes. Each request
then renders only the viewer parts, with its own context (``page_shell_fill``), and joins
them with the shared text. The shared text is kept encoded (UTF-8, as the response sends
it): a cached shell is read without decoding it and the page is sent without encoding it. The shell holds no viewer's data, so it may be cached for
everyone who sees the same shared parts; the holes are found by a random marker made for
each shell, so nothing a page shows (a course title) can pass for one.
"""

import copy
import re
import secrets
from typing import Any, cast
from weakref import WeakKeyDictionary

from django import template
from django.http import HttpRequest
from django.template.base import FilterExpression, Node, NodeList, Parser, Template, Token
from django.template.context import Context, make_context
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils.translation import get_language

register = template.Library()

_MARKS = "_viewer_part_marks"
"""Context key: the shell's marker while a shell is rendered."""

PageShell = list[bytes | str]
"""Shared text (UTF-8) and viewer part names, alternating: ``[text, name, ..., text]``."""


class ViewerPartNode(Node):
    def __init__(self, name: str, nodelist: NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        marker = context.get(_MARKS)
        if marker is not None:
            return f"\x00{marker}:{self.name}\x00"
        return self.nodelist.render(context)


@register.tag("viewer_part")
def viewer_part(parser: Parser, token: Token) -> ViewerPartNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% viewer_part %} takes one quoted name.")
    nodelist = parser.parse(("end_viewer_part",))
    parser.delete_first_token()
    return ViewerPartNode(bits[1][1:-1], nodelist)


SHARED_PART_VARIANTS = 64
"""A shared part keeps at most this many renderings (it starts again when full)."""


class SharedPartNode(Node):
    def __init__(self, varies: list[FilterExpression], nodelist: NodeList) -> None:
        self.varies = varies
        self.nodelist = nodelist
        # On the node, so a template compiled again (a change in development) starts afresh.
        self.rendered: dict[tuple[Any, ...], str] = {}

    def render(self, context: Context) -> str:
        key = (get_language(), *(bool(vary.resolve(context)) for vary in self.varies))
        html = self.rendered.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(self.rendered) >= SHARED_PART_VARIANTS:
                self.rendered.clear()
            self.rendered[key] = html
        return html


@register.tag("shared_part")
def shared_part(parser: Parser, token: Token) -> SharedPartNode:
    """``{% shared_part flag1 flag2 %}...{% end_shared_part %}``: content that depends only
    on the language and on whether each ``flag`` holds (a top bar's links by role), rendered
    once per process for each of those and then reused. The flags must name everything the
    content depends on: no CSRF token, no user data, no request."""
    varies = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("end_shared_part",))
    parser.delete_first_token()
    return SharedPartNode(varies, nodelist)


MEMO_PART_VARIANTS = 4096
"""A memo part keeps at most this many renderings (it starts again when full)."""

CSRF_HOLE = "\x00csrf-token\x00"
"""What a memo part is rendered with in place of the CSRF token, filled in on each use."""


class MemoPartNode(Node):
    def __init__(self, keys: list[FilterExpression], nodelist: NodeList) -> None:
        self.keys = keys
        self.nodelist = nodelist
        self.rendered: dict[tuple[Any, ...], str] = {}

    def render(self, context: Context) -> str:
        token = context.get("csrf_token")
        if not token or token == "NOTPROVIDED":  # rendered without a request: as Django does
            return self.nodelist.render(context)
        key = (get_language(), *(expression.resolve(context) for expression in self.keys))
        html = self.rendered.get(key)
        if html is None:
            with context.push(csrf_token=CSRF_HOLE):
                html = self.nodelist.render(context)
            if len(self.rendered) >= MEMO_PART_VARIANTS:
                self.rendered.clear()
            self.rendered[key] = html
        return html.replace(CSRF_HOLE, str(token)) if CSRF_HOLE in html else html


@register.tag("memo_part")
def memo_part(parser: Parser, token: Token) -> MemoPartNode:
    """``{% memo_part key1 key2 %}...{% end_memo_part %}``: content that depends only on the
    language, the values of the ``key`` expressions (a viewer's name, their unread count) and
    the CSRF token, rendered once per process for each language and keys (at most
    ``MEMO_PART_VARIANTS`` kept) with the request's CSRF token filled in on each use. The keys
    must name everything else the content shows, and be hashable; nothing that changes by
    itself (a presigned URL) may be inside."""
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not keys:
        raise template.TemplateSyntaxError("{% memo_part %} takes at least one key.")
    nodelist = parser.parse(("end_memo_part",))
    parser.delete_first_token()
    return MemoPartNode(keys, nodelist)


def page_shell_render(template_name: str, context: dict[str, Any]) -> PageShell:
    """Render ``template_name`` (and what it extends) with a hole for every viewer part.

    ``context`` must hold only what every viewer of the shell shares; the viewer parts are
    not rendered, so their variables need not be in it. No request, so no context
    processor: nothing of the viewer (user, roles, messages) can reach the shared text.
    """
    marker = secrets.token_hex(8)
    html = get_template(template_name).render({**context, _MARKS: marker})
    pieces = re.split(f"\x00{marker}:([^\x00]*)\x00", html)
    return [piece if index % 2 else piece.encode() for index, piece in enumerate(pieces)]


_PARTS: "WeakKeyDictionary[Any, dict[str, Template]]" = WeakKeyDictionary()

_SHELLS: "WeakKeyDictionary[Any, dict[str, PageShell]]" = WeakKeyDictionary()


def page_shell_shared(template_name: str) -> PageShell:
    """The shell of a page whose shared text depends only on its templates and the language
    (a signed-in home: everything else is a viewer part), rendered once per process and
    language. Kept with the compiled template, so a template compiled again (a change in
    development) starts afresh."""
    compiled = _compiled(template_name)
    shells = _SHELLS.get(compiled)
    if shells is None:
        shells = _SHELLS[compiled] = {}
    language = get_language()
    shell = shells.get(language)
    if shell is None:
        shell = shells[language] = page_shell_render(template_name, {})
    return shell


def _compiled(name: str) -> Template:
    """The engine's own compiled template behind ``get_template(name)``."""
    return cast(Template, get_template(name).template)  # type: ignore[attr-defined]


def _viewer_parts(compiled: Template) -> dict[str, Template]:
    """The viewer parts of a compiled template, of what it extends and of what it includes
    (by a constant name), by name, each as a template of its own (so that tests see the
    context a part was rendered with); a child template's part wins over its parent's."""
    parts = _PARTS.get(compiled)
    if parts is None:
        parts = {}
        nodes: Any = compiled.nodelist
        for node in nodes.get_nodes_by_type(ViewerPartNode):
            part = copy.copy(compiled)
            part.nodelist = node.nodelist
            parts.setdefault(node.name, part)
        names = [
            node.template.resolve(Context())
            for node in nodes.get_nodes_by_type(IncludeNode)
            if not node.template.filters
        ]
        names += [
            node.parent_name.resolve(Context()) for node in nodes.get_nodes_by_type(ExtendsNode)
        ]
        for name in names:
            if isinstance(name, str) and name:
                for key, part in _viewer_parts(_compiled(name)).items():
                    parts.setdefault(key, part)
        _PARTS[compiled] = parts
    return parts


def page_shell_fill(
    shell: PageShell, template_name: str, context: dict[str, Any], request: HttpRequest
) -> bytes:
    """The page for this request, encoded: ``shell`` with its holes filled by the viewer
    parts of ``template_name`` rendered with ``context`` (and the context processors)."""
    compiled = _compiled(template_name)
    parts = _viewer_parts(compiled)
    bound = make_context(context, request, autoescape=compiled.engine.autoescape)
    out: list[bytes] = []
    with bound.bind_template(compiled):
        for index, piece in enumerate(shell):
            if index % 2:
                # _render: what Template.render runs (and what tests instrument to see contexts)
                out.append(parts[cast(str, piece)]._render(bound).encode())  # type: ignore[attr-defined]
            else:
                out.append(cast(bytes, piece))
    return b"".join(out)
