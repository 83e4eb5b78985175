"""Finds text a person reads that was never marked for translation, by reading the code.

makemessages only sees strings already wrapped in gettext; a sentence someone forgot to wrap stays
English on every Russian page, mail, API error and command without any catalogue noticing. So
the tests (shop/tests/test_translations.py) read our own code:

- templates: every piece of text outside {% translate %} / {% blocktranslate %}, and the attributes
  a person reads or hears (title, alt, placeholder, aria-label, a button's value);
- Python: the arguments that reach a person (an exception a view shows, a `detail`, a flash
  message, a command's output, a field's label or help text, a choice's label, an admin action's
  description) that are English literals rather than gettext calls.

Each finding names the file, the line and the text, so it can be wrapped and translated.
"""

import ast
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

# Folders that speak to no one (tests, benchmarks, generated clients, migrations).
SKIPPED_PARTS = {".venv", "tests", "bench", "clients", "migrations", "scripts", "node_modules", "docs"}
SKIPPED_PARTS |= {"staticfiles", "media", ".stack", ".data", "__pycache__", "locale"}

# Words that are the same in every language here: the shop's name, formats, protocol names.
NOT_WORDS = {"Bazaar", "API", "CSV", "JSON", "JPEG", "PNG", "WebP", "OpenAPI", "Swagger", "ClickHouse", "Kafka", "SKU"}

WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _words(text: str) -> list[str]:
    text = re.sub(r"\S+@\S+|https?://\S+|(?<![\w.])/[\w/.<>:-]*|&\w+;|\{\{.*?\}\}|%\(\w+\)\w", " ", text)
    return [word for word in WORD.findall(text) if word not in NOT_WORDS]


def our_files(root: Path, pattern: str) -> list[Path]:
    return sorted(
        path for path in root.rglob(pattern) if not SKIPPED_PARTS.intersection(path.relative_to(root).parts[:-1])
    )


# --- templates ------------------------------------------------------------------------------

READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description"}
TRANSLATING_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}
# Tags whose contents are code or data, not prose.
NOT_PROSE = {"script", "style", "code", "pre", "kbd", "samp"}


class _Text(HTMLParser):
    """The text and the read-out attributes of an HTML fragment whose template tags are blanked."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[int, str]] = []
        self.inside_code = 0

    def handle_starttag(self, tag, attrs):
        if tag in NOT_PROSE:
            self.inside_code += 1
        attributes = dict(attrs)
        for name, value in attributes.items():
            if value and (
                name in READ_ATTRIBUTES or (name == "value" and attributes.get("type") in ("submit", "button"))
            ):
                self.pieces.append((self.getpos()[0], value))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in NOT_PROSE:
            self.inside_code -= 1

    def handle_endtag(self, tag):
        if tag in NOT_PROSE and self.inside_code:
            self.inside_code -= 1

    def handle_data(self, data):
        if not self.inside_code:
            self.pieces.append((self.getpos()[0], data))


def template_findings(path: Path, root: Path) -> list[Finding]:
    """Text of a template that a person reads and no translate tag covers."""
    source = path.read_text()
    plain_text = path.suffix == ".txt"  # mails: every word is read
    blanked, closing = [], None
    for token in Lexer(source).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            blanked.append(
                " " * len(token.contents) if "\n" not in token.contents else "\n" * token.contents.count("\n")
            )
            continue
        if token.token_type == TokenType.TEXT:
            blanked.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK and token.contents.split()[0] in TRANSLATING_BLOCKS:
            closing = TRANSLATING_BLOCKS[token.contents.split()[0]]
        # a tag or variable: its output is translated where it is made, or is data
        blanked.append(" " + "\n" * token.contents.count("\n"))
    text = "".join(blanked)
    if plain_text:
        pieces = [(number, line) for number, line in enumerate(text.split("\n"), 1)]
    else:
        parser = _Text()
        parser.feed(text)
        parser.close()
        pieces = parser.pieces
    shown = str(path.relative_to(root))
    return [Finding(shown, line, " ".join(piece.split())) for line, piece in pieces if _words(piece)]


# --- Python ---------------------------------------------------------------------------------

TRANSLATORS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "gettext_noop",
}
# Raising these shows their message to a person (an API answer, a page, a command's error).
SHOWN_EXCEPTIONS = {
    "DomainError",
    "NotFound",
    "Forbidden",
    "Conflict",
    "StaleStock",
    "ValidationError",
    "CommandError",
    "PermissionDenied",
    "Http404",
    "NotAuthenticated",
    "AuthenticationFailed",
    "ParseError",
    "UnsupportedMediaType",
    "MethodNotAllowed",
    "Throttled",
    "APIException",
}
# Calls whose argument at this position a person reads.
SHOWN_ARGUMENTS = {
    "success": 1,
    "error": 1,
    "info": 1,
    "warning": 1,
    "add_message": 2,
    "message_user": 1,
    "add_error": 1,
    "write": 0,  # self.stdout.write / self.stderr.write
    "SUCCESS": 0,
    "ERROR": 0,
    "WARNING": 0,
    "NOTICE": 0,
    "HTTP_INFO": 0,
    "say": 0,  # the analytics pipeline's progress, printed by its commands
}
SHOWN_KEYWORDS = {"verbose_name", "verbose_name_plural", "label", "empty_label", "detail", "message"}
# Read in forms and the admin; in an API module they describe the schema, whose contract is English.
SCHEMA_KEYWORDS = {"help_text", "description"}
SHOWN_ASSIGNMENTS = {"verbose_name", "verbose_name_plural", "short_description", "message", "empty_value_display"}
COMMAND_HELP = "help"  # a management command's description and options, read in its --help


def _abstract(meta: ast.ClassDef) -> bool:
    return any(
        isinstance(item, ast.Assign) and _name(item.targets[0]) == "abstract" and getattr(item.value, "value", False)
        for item in meta.body
    )


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


class _Visitor(ast.NodeVisitor):
    def __init__(self, shown: str, *, in_api: bool, in_command: bool, constants: dict[str, ast.AST]):
        self.shown, self.in_api, self.in_command = shown, in_api, in_command
        self.in_models = shown.endswith("models.py")
        self.constants = constants  # the module's own NAME = "..." (a message kept in a constant)
        self.locals: list[dict[str, list[ast.AST]]] = []  # per function: name = <text> (a message built first)
        self.findings: list[Finding] = []

    def _english(self, node) -> None:
        """Literals in `node` that are not inside a gettext call."""
        if node is None:
            return
        if isinstance(node, ast.Call) and _name(node.func) in TRANSLATORS:
            return
        if isinstance(node, ast.Name):
            if self.locals and node.id in self.locals[-1]:
                values = self.locals[-1].pop(node.id)  # each assignment once (`x = x + ...` must end)
                for value in values:
                    self._english(value)
                self.locals[-1][node.id] = values
                return
            node = self.constants.get(node.id, node)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _words(node.value):
                self.findings.append(Finding(self.shown, node.lineno, node.value))
            return
        if isinstance(node, ast.JoinedStr):
            literal = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
            if _words(literal):
                self.findings.append(Finding(self.shown, node.lineno, literal))
            for part in node.values:  # f"{title}: {left}": what `left` holds is read too
                if isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name):
                    self._english(part.value)
            return
        if isinstance(node, ast.Call):  # "...".format(...), str.join: the literal is what is read
            if isinstance(node.func, ast.Attribute):
                self._english(node.func.value)
            return
        if isinstance(node, ast.BinOp):  # "text %s" % values: the values are data
            self._english(node.left)
            if not isinstance(node.op, ast.Mod):
                self._english(node.right)
        elif isinstance(node, ast.Dict):
            for value in node.values:
                self._english(value)
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for item in node.elts:
                self._english(item)
        elif isinstance(node, ast.IfExp):
            self._english(node.body)
            self._english(node.orelse)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self._english(value)

    def visit_Call(self, node):
        name = _name(node.func)
        if name in SHOWN_EXCEPTIONS:
            for argument in node.args[:1]:
                self._english(argument)
        position = SHOWN_ARGUMENTS.get(name)
        if position is not None and len(node.args) > position:
            self._english(node.args[position])
        for keyword in node.keywords:
            if (
                keyword.arg in SHOWN_KEYWORDS
                or (keyword.arg in SCHEMA_KEYWORDS and not self.in_api)
                or (keyword.arg == COMMAND_HELP and self.in_command)
            ):
                self._english(keyword.value)
        self.generic_visit(node)

    def visit_Dict(self, node):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "detail":
                self._english(value)
        self.generic_visit(node)

    def visit_Assign(self, node):
        shown = SHOWN_ASSIGNMENTS | ({COMMAND_HELP} if self.in_command else set())
        if any(_name(target) in shown for target in node.targets):
            self._english(node.value)
        self.generic_visit(node)

    def visit_ClassDef(self, node):
        """A TextChoices' members: `BUYER = "buyer", "Buyer"`: the label is read; `BUYER = "buyer"`
        alone gets a label made from the name ("Buyer"), English whatever the language."""
        if self.in_models:
            for statement in node.body:
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                    self._field_without_a_name(statement)
            if any(_name(base) == "Model" for base in node.bases):
                meta = next(
                    (item for item in node.body if isinstance(item, ast.ClassDef) and item.name == "Meta"), None
                )
                names = {_name(target) for item in (meta.body if meta else []) if isinstance(item, ast.Assign)
                         for target in item.targets}  # fmt: skip
                if not {"verbose_name", "verbose_name_plural"} <= names and not (meta and _abstract(meta)):
                    self.findings.append(
                        Finding(self.shown, node.lineno, f"{node.name} (a model without verbose names)")
                    )
        if any(_name(base) in ("TextChoices", "IntegerChoices", "Choices") for base in node.bases):
            for statement in node.body:
                if not isinstance(statement, ast.Assign) or _name(statement.targets[0]).startswith("_"):
                    continue
                if isinstance(statement.value, ast.Tuple):
                    for label in statement.value.elts[1:]:
                        self._english(label)
                elif isinstance(statement.value, ast.Constant):
                    label = _name(statement.targets[0]).replace("_", " ").title()
                    self.findings.append(Finding(self.shown, statement.lineno, f"{label} (a label made from the name)"))
        self.generic_visit(node)

    def _field_without_a_name(self, statement) -> None:
        """A model field with no verbose name is labelled with its attribute's name, in English."""
        call = statement.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return
        kind = call.func.attr
        if not (kind.endswith("Field") or kind in ("ForeignKey", "OneToOneField", "ManyToManyField")):
            return
        relational = kind in ("ForeignKey", "OneToOneField", "ManyToManyField")
        named = any(keyword.arg == "verbose_name" for keyword in call.keywords) or (
            not relational and call.args and isinstance(call.args[0], (ast.Constant, ast.Call))
        )
        if not named:
            field = _name(statement.targets[0])
            self.findings.append(Finding(self.shown, statement.lineno, f"{field} (a field without a verbose name)"))

    def visit_FunctionDef(self, node):
        """What a model's __str__ returns is read in the back-office (titles, lists, confirmations)."""
        texts: dict[str, list[ast.AST]] = {}
        for statement in ast.walk(node):
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name) and isinstance(
                    statement.value, (ast.Constant, ast.JoinedStr, ast.IfExp)
                ):
                    texts.setdefault(target.id, []).append(statement.value)
        self.locals.append(texts)
        if node.name == "__str__":
            for statement in ast.walk(node):
                if isinstance(statement, ast.Return):
                    self._english(statement.value)
        self.generic_visit(node)
        self.locals.pop()

    visit_AsyncFunctionDef = visit_FunctionDef


# --- Python: sentences anywhere -------------------------------------------------------------

# A literal that reads as a sentence or a title ("Often bought together", "Cart adds"): found
# wherever it is (a dict of titles, a function's return value), unless it is plainly not for
# people in the reader's language.
SENTENCE = re.compile(r"^[A-Z][a-z]+(?:[ -][\w'’,.:;→%()/-]+)+[.!?]?$")
HEADER_NAME = re.compile(r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)+$")  # Retry-After, Accept-Language
# Calls whose text is for developers and operators' logs, or the English API schema.
NOT_FOR_READERS = {
    "debug", "info", "warning", "error", "exception", "critical", "log", "print",
    "ValueError", "TypeError", "RuntimeError", "KeyError", "LookupError", "NotImplementedError", "OSError",
    "AssertionError", "SystemExit", "ImproperlyConfigured", "WarehouseUnavailable",
    "extend_schema", "extend_schema_field", "extend_schema_view", "OpenApiParameter", "OpenApiResponse",
    "OpenApiExample", "inline_serializer",
    "Counter", "Gauge", "Histogram", "GaugeMetricFamily", "CounterMetricFamily",  # Prometheus help, read in Grafana
}  # fmt: skip
# Modules whose sentences are English on purpose: the English demo shop's data, the API schema's
# descriptions (the contract is English), the settings (read before any language is active).
ENGLISH_BY_DESIGN = {
    "shop/management/commands/seed_demo.py",
    "shop/api/openapi.py",
    "shop/api/deprecation.py",
    "shop/api/conditional.py",
    "shop/api/money.py",
    "config/settings.py",
}
NOT_TRANSLATED = "# data, not words"  # a line's own exception: the seed's test message, say


def _schema_text(target) -> bool:
    """`operation["description"] = ...`: a schema hook writing the English contract."""
    return isinstance(target, ast.Subscript) and getattr(target.slice, "value", None) in SCHEMA_KEYWORDS


def _sentences(module: ast.Module, shown: str, lines: list[str]) -> list[Finding]:
    parents = {child: node for node in ast.walk(module) for child in ast.iter_child_nodes(node)}
    in_api = "/api/" in f"/{shown}"
    found = []
    for node in ast.walk(module):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value.strip()
        if not SENTENCE.match(text) or HEADER_NAME.match(text) or NOT_TRANSLATED in lines[node.lineno - 1]:
            continue
        child, parent = node, parents.get(node)
        while parent is not None:
            if isinstance(parent, (ast.Expr, ast.Assert)):  # a docstring, an assertion's message
                break
            if isinstance(parent, ast.Call) and _name(parent.func) in TRANSLATORS | NOT_FOR_READERS:
                break
            if isinstance(parent, ast.keyword) and parent.arg in SCHEMA_KEYWORDS and in_api:
                break
            if in_api and isinstance(parent, ast.Assign) and _schema_text(parent.targets[0]):
                break
            if isinstance(parent, ast.Dict) and child in parent.keys:
                break
            child, parent = parent, parents.get(parent)
        else:
            found.append(Finding(shown, node.lineno, text))
    return found


def python_findings(path: Path, root: Path) -> list[Finding]:
    shown = str(path.relative_to(root))
    module = ast.parse(path.read_text(), filename=shown)
    constants = {
        statement.targets[0].id: statement.value
        for statement in module.body
        if isinstance(statement, ast.Assign)
        and isinstance(statement.targets[0], ast.Name)
        and isinstance(statement.value, (ast.Constant, ast.JoinedStr))
    }
    parts = path.relative_to(root).parts
    visitor = _Visitor(
        shown, in_api="api" in parts, in_command="/management/commands/" in f"/{'/'.join(parts)}", constants=constants
    )
    visitor.visit(module)
    if shown in ENGLISH_BY_DESIGN:
        return visitor.findings
    seen = {(finding.line, finding.text.strip()) for finding in visitor.findings}
    more = [f for f in _sentences(module, shown, path.read_text().splitlines()) if (f.line, f.text) not in seen]
    return visitor.findings + more


def untranslated(root: Path) -> list[Finding]:
    """Every finding in our templates and Python modules under `root`."""
    findings = []
    for path in our_files(root, "*.html") + [p for p in our_files(root, "*.txt") if "templates" in p.parts]:
        findings += template_findings(path, root)
    for path in our_files(root, "*.py"):
        findings += python_findings(path, root)
    return findings
