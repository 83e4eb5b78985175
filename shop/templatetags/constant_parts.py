"""`{% constant %}…{% endconstant %}`: a piece of a template that is the same for every request in a
language, rendered once per process and language and then reused.

Every page wears the same shell (base.html): the skip link, the brand, the search form, the main
links, the footer. Its `{% translate %}` and `{% url %}` tags cost Django a few microseconds each,
and together the shell cost a third of the search page's CPU and a sixth of the catalogue page's
(`bench.inprocess`, with the shell and without). What they produce depends on nothing but the
active language (and the address the site is served under), so it is worked out once.

Only what cannot depend on the request is allowed inside, and that is checked when the template is
compiled, not trusted: text, comments, `{% translate "literal" %}`, `{% url 'name' literal args %}`
(with `as` to name it for a `{% blocktranslate %}` below it), `{% static 'literal' %}`, and
`{% blocktranslate %}` whose only variables are those URLs. Anything else (a variable, an `{% if %}`,
a CSRF token) is a TemplateSyntaxError naming the tag, so a later edit cannot make a page show one
visitor's data to another. The node types are compared exactly: a custom tag built on one of them
(an absolute URL from the request's host, say) is refused too.

What the kept HTML is keyed by is what those tags read: the active language, the address prefix the
site is served under, the URLconf and application instance `{% url %}` reverses in, and whether
the context escapes. `{% static %}` is taken to be a function of its path alone, as it is with the
static files storage this project uses (a storage that signed or varied its URLs per request would
not belong in a constant part). A change of settings (in tests) forgets everything kept.
"""

import weakref

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Node, NodeList, TextNode, TokenType, Variable
from django.template.defaulttags import CommentNode, LoadNode, URLNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
# Languages times application namespaces, a handful each. A key space that grows past this (an address
# prefix a misconfigured proxy lets clients choose, say) starts over rather than grow without bound.
KEPT_VARIANTS = 256
ALLOWED = (TextNode, CommentNode, LoadNode, TranslateNode, URLNode, StaticNode, BlockTranslateNode)
_nodes: "weakref.WeakSet[ConstantNode]" = weakref.WeakSet()


def _literal(expression) -> bool:
    """A filter expression that is a quoted string or a number, without filters."""
    if expression is None or expression.filters:
        return False
    return not isinstance(expression.var, Variable) or expression.var.lookups is None


def _refusal(node: Node, bound: set[str]) -> str | None:
    """Why `node` may differ from one request to the next; None when it cannot. URLs named with
    `as` are added to `bound`."""
    kind = type(node)
    if kind not in ALLOWED:
        what = node.token.contents if getattr(node, "token", None) else kind.__name__
        return f"{{% {what} %}}, which may depend on the request"
    if kind is TranslateNode:
        if node.asvar or node.message_context is not None:
            return "a {% translate %} with `as` or a context"
        return None if _literal(node.filter_expression) else "a {% translate %} of anything but a quoted string"
    if kind is URLNode:
        if not (_literal(node.view_name) and all(map(_literal, [*node.args, *node.kwargs.values()]))):
            return "a {% url %} with a variable in it"
        if node.asvar:
            bound.add(node.asvar)
        return None
    if kind is StaticNode:
        return None if _literal(node.path) and not node.varname else "a {% static %} of a variable, or with `as`"
    if kind is BlockTranslateNode:
        if node.plural or node.counter or node.extra_context or node.asvar or node.message_context:
            return "a {% blocktranslate %} with `count`, `with`, `as` or a context"
        names = {token.contents for token in node.singular if token.token_type == TokenType.VAR}
        unbound = names - bound
        if unbound:
            return f"a {{% blocktranslate %}} using {', '.join(sorted(unbound))}, not a URL named above it"
        return None
    return None  # text, comments, {% load %}


class ConstantNode(Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList):
        self.nodelist = nodelist
        # (language, script prefix, URLconf, current application, escaping) → HTML
        self.rendered: dict[tuple, SafeString] = {}
        _nodes.add(self)

    def render(self, context) -> str:
        language, prefix, urlconf = translation.get_language(), get_script_prefix(), get_urlconf()
        key = (language, prefix, urlconf, _current_app(context), context.autoescape)
        html = self.rendered.get(key)
        if html is None:
            with context.push():  # the URLs it names with `as` stay inside it
                html = mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered by the template engine)
            if len(self.rendered) >= KEPT_VARIANTS:
                self.rendered = {}
            self.rendered[key] = html
        return html


def _current_app(context) -> str | None:
    """The application instance `{% url %}` reverses namespaced names in, read as Django's URLNode
    reads it: the request's `current_app` when it has one (even None), else the namespace of the
    view that answers."""
    request = getattr(context, "request", None)
    try:
        return request.current_app
    except AttributeError:
        return getattr(getattr(request, "resolver_match", None), "namespace", None)


@receiver(setting_changed)
def _forget_everything(**kwargs) -> None:
    for node in list(_nodes):
        node.rendered = {}


@register.tag
def constant(parser, token) -> ConstantNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% constant %} takes no arguments.")
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    bound: set[str] = set()
    for node in nodelist:  # nothing allowed has nodes inside it: one with any is refused here
        reason = _refusal(node, bound)
        if reason is not None:
            raise template.TemplateSyntaxError(
                f"{{% constant %}} holds only what is the same for every request in a language; it holds {reason}."
            )
    return ConstantNode(nodelist)
