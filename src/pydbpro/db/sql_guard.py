"""Layer 1 of read-only-in-depth for the SQL console: refuse anything that is not a plain read.

Layers 2 and 3 (a read-only transaction and a statement timeout, set up by `db/reading.py`)
are the real safety net; this check exists so that writes, DDL, session changes and
side-effecting functions get a clear 403 before they reach the database, and so that
functions a read-only transaction does *not* stop (``pg_terminate_backend``, ``get_lock``,
``load_extension``...) are refused. It never touches a database and never sees a request.

How a statement is judged:

1. The shared lexer (``sqllex``) finds comments and literals; ``_scan`` removes comments
   and blanks string literals, per dialect (the adapter's ``lexicon`` and ``guard``:
   MySQL ``#`` and ``-- `` comments and backslash escapes, PostgreSQL nested comments,
   ``E''`` strings, ``$tag$`` quoting and ``U&""`` identifiers, SQLite ``[x]``). MySQL
   executable comments (``/*! ... */``, ``/*M! ... */``) are treated as code, because the
   server runs them. MySQL text with backslashes is read twice (with and without
   NO_BACKSLASH_ESCAPES) and must be safe both ways. Counting ``;`` in the result decides
   MULTIPLE / EMPTY independently of sqlglot's tokenizer; sqlglot then parses the
   comment-free text, so both see the same statement.
2. The single statement is parsed with sqlglot in the connection's dialect. Only a tree
   whose root is a SELECT / set operation / VALUES / SHOW is a read, and then only when no
   node in it writes (DML in a CTE, ``SELECT ... INTO``, ``FOR UPDATE``/``FOR SHARE``...).
   EXPLAIN/DESCRIBE are unwrapped and the inner statement is judged (EXPLAIN ANALYZE runs
   it); MySQL ``DESCRIBE t [col]`` is a read. SQLite PRAGMA is allowed only for a few catalog
   pragmas in query form (``PRAGMA table_info(t)``), never as an assignment.
3. MySQL user variables outlive the transaction and the request (a ROLLBACK keeps them, and
   the pooled connection serves the next user), so assigning one is refused: ``:=``
   anywhere outside literals and comments, and ``INTO @name``. Reading one (``@v``,
   ``@@version``) is harmless. PostgreSQL's ``f(a := 1)`` is a named argument, not this.
4. Denied functions are looked for twice: in the sqlglot tree and, as a belt-and-braces
   check, as ``name(`` in the comment- and string-free text (catches quoted and
   schema-qualified names and anything sqlglot mis-tokenizes).

5. Hidden tables (HIDDEN_TABLES, when the caller passes a ``hidden`` predicate): every table
   a read names (FROM, JOIN, subqueries, CTE bodies, ``TABLE x``, set operations, EXPLAIN's
   inner statement, MySQL ``DESCRIBE t``, SQLite ``PRAGMA table_info(t)``) is resolved, CTE
   names in scope excepted, and the statement is refused when one is hidden. The predicate
   gets ``(schema or None, name)``; the caller maps None to the default schema and decides
   hidden-ness (the catalog's ``is_hidden``), so the rule lives in one place. A statement
   that could only be read without a parse tree is refused when a predicate is given: its
   tables cannot be known.

Unparseable statements (sqlglot raises, or falls back to an opaque ``exp.Command``) are
decided conservatively: allowed with ``parsed=False`` only when the leading keyword is a
read kind (SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE, DESC, EXPLAIN) and no write keyword
appears outside literals and comments; the read-only transaction and timeout then apply.
Everything else is refused as UNKNOWN.

``pg_sleep``/``SLEEP``/``BENCHMARK`` are deliberately allowed: the statement timeout stops
them. The console binds named parameters as ``:name``; sqlglot parses those as placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp

from .sql_tables import tables_read
from .sqllex import Lexicon, tokens

if TYPE_CHECKING:  # the adapters hold GuardRules: importing them here would be a cycle
    from .adapters import DialectAdapter


@dataclass(frozen=True)
class Verdict:
    """The outcome of `check_statement`; ``reason`` is a sentence for the 403 when refused."""

    allowed: bool
    statement_type: str
    reason: str | None
    parsed: bool


@dataclass(frozen=True)
class GuardRules:
    """What the guard must know of a dialect beyond its lexicon (``adapter.guard``)."""

    #: Functions refused by default: server-state changes and file access that a
    #: read-only transaction does not prevent (SQL_DENIED_FUNCTIONS adds to them).
    denied_functions: frozenset[str]
    #: PostgreSQL ``U&"..."`` names (decoded, so a hidden function name is seen) and
    #: ``UESCAPE`` (custom escapes could hide one: refused).
    unicode_escapes: bool = False
    #: MySQL user variables outlive the transaction: assigning one is refused.
    user_variables: bool = False
    #: SQLite: the PRAGMAs that may be queried (``PRAGMA table_info(t)``); empty where
    #: the dialect has no PRAGMA statement.
    readable_pragmas: frozenset[str] = frozenset()
    #: MySQL ``DESCRIBE t [col]``: a table, not a statement, after DESCRIBE is a read.
    describe_tables: bool = False


#: Is ``(schema or None when unqualified, name)`` a hidden table? (see module doc, 5.)
HiddenTest = Callable[[str | None, str], bool]

_HIDDEN = "this statement reads a table that is hidden (HIDDEN_TABLES)"
_HIDDEN_UNCHECKED = (
    "this statement could not be checked for hidden tables (HIDDEN_TABLES), so it is refused"
)
_UNCHECKED = "this statement could not be checked and is not a plain read"
_MULTIPLE = "only one statement can be run at a time"
_USER_VARIABLES = (
    "assigning user variables (@name := ..., INTO @name) is not allowed: "
    "it would leak into later requests"
)
# In comment- and string-free MySQL text; `: =` is not an assignment, but refusing it is safe.
_ASSIGNMENT = re.compile(r":\s*=")
_INTO_VARIABLE = re.compile(r"\bINTO\s+@", re.I)
_READ_LEADS = frozenset(
    {"SELECT", "WITH", "VALUES", "TABLE", "SHOW", "DESCRIBE", "DESC", "EXPLAIN"}
)
# Write keywords for the conservative fallback (only used when sqlglot cannot model a read).
_WRITE_WORDS = frozenset(
    {
        "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "INTO", "OUTFILE", "DUMPFILE", "CREATE",
        "DROP", "ALTER", "TRUNCATE", "RENAME", "GRANT", "REVOKE", "LOCK", "SHARE", "SET",
        "RESET", "COPY", "CALL", "DO", "EXECUTE", "PREPARE", "DEALLOCATE", "BEGIN", "COMMIT",
        "ROLLBACK", "SAVEPOINT", "VACUUM", "ANALYZE", "REINDEX", "CLUSTER", "REFRESH", "LISTEN",
        "NOTIFY", "UNLISTEN", "LOAD", "HANDLER", "KILL", "FLUSH", "INSTALL", "UNINSTALL",
        "ATTACH", "DETACH", "PRAGMA",
    }
)  # fmt: skip
# Leading keywords of statements we refuse by kind (anything else unreadable is UNKNOWN).
_KNOWN_KINDS = (_WRITE_WORDS - {"INTO", "OUTFILE", "DUMPFILE", "SHARE"}) | {
    "REPLACE", "START", "RELEASE", "COMMENT", "UNLOCK", "USE", "CHECKPOINT", "DISCARD",
    "SECURITY", "IMPORT", "REASSIGN", "OPTIMIZE", "REPAIR", "CHECKSUM", "PURGE", "RESTART",
    "SHUTDOWN", "CACHE", "BINLOG", "XA", "END", "ABORT", "SIGNAL", "RESIGNAL",
}  # fmt: skip
_NODE_KINDS: dict[type[exp.Expr], str] = {
    exp.Insert: "INSERT", exp.Update: "UPDATE", exp.Delete: "DELETE", exp.Merge: "MERGE",
    exp.Create: "CREATE", exp.Drop: "DROP", exp.Alter: "ALTER", exp.TruncateTable: "TRUNCATE",
    exp.Copy: "COPY", exp.Set: "SET", exp.Transaction: "BEGIN", exp.Commit: "COMMIT",
    exp.Rollback: "ROLLBACK", exp.Pragma: "PRAGMA", exp.Attach: "ATTACH", exp.Detach: "DETACH",
    exp.Kill: "KILL", exp.Analyze: "ANALYZE", exp.LoadData: "LOAD", exp.Grant: "GRANT",
    exp.Revoke: "REVOKE", exp.Use: "USE", exp.Refresh: "REFRESH", exp.Command: "UNKNOWN",
    exp.Into: "SELECT INTO", exp.Lock: "LOCK",
}  # fmt: skip
_WRITE_NODES = tuple(_NODE_KINDS)

_WORD = re.compile(r"[A-Za-z_][\w$]*")
_CALL = re.compile(r"(?<![\w$])([A-Za-z_][\w$]*)\s*\(")
_LEAD = re.compile(r"[\s(]*([A-Za-z_]+)")
_EXPLAIN_OPT = re.compile(
    r"\s*(?:\((?!\s*(?:SELECT|WITH|VALUES|TABLE)\b)[^()]*\)|ANALY[SZ]E\b|VERBOSE\b"
    r"|QUERY\s+PLAN\b|EXTENDED\b|PARTITIONS\b|FORMAT\s*=\s*\w+)",
    re.I,
)
_NAME = r"(?:[\w$]+|`[^`]*`|\"[^\"]*\")"
_TABLE_NAME = re.compile(rf"{_NAME}(?:\s*\.\s*{_NAME})*")
_TABLE_FORM = re.compile(rf"{_NAME}(?:\s*\.\s*{_NAME})*(?:\s+(?:{_NAME}|'[^']*'))?\s*;?\s*", re.I)
_PRAGMA = re.compile(
    rf"\s*PRAGMA\s+(?:{_NAME}\s*\.\s*)?(\w+)\s*(?:\(\s*({_NAME}|'[^']*')\s*\))?\s*;?\s*", re.I
)
_NON_WORD = re.compile(r"\W+")
_PG_UNICODE_ESCAPE = re.compile(r"\\(\+[0-9A-Fa-f]{6}|[0-9A-Fa-f]{4})")


def _scan(sql: str, lexicon: Lexicon, unicode_escapes: bool) -> tuple[str, str]:
    """Return (clean, bare): comments removed; in `bare` strings are also blanked.

    Quoted identifiers become plain words in `bare` so a quoted function name is still seen.
    """
    clean: list[str] = []
    bare: list[str] = []
    for token in tokens(sql, lexicon):
        start, end = token.start, token.end
        text = sql[start:end]
        if token.kind == "code":
            clean.append(text)
            bare.append(text)
        elif token.kind in ("comment", "marker"):
            clean.append(" ")
            bare.append(" ")
        elif token.kind in ("string", "dollar"):
            clean.append(text)
            bare.append(" '' ")
        else:  # a quoted identifier: a plain word in `bare`
            clean.append(text)
            bare.append(f" {_identifier_word(sql, start, end, unicode_escapes)} ")
    return "".join(clean), "".join(bare)


def _identifier_word(sql: str, start: int, end: int, unicode_escapes: bool) -> str:
    """A quoted identifier as the plain word it names (PostgreSQL ``U&"..."`` decoded)."""
    word = sql[start + 1 : end - 1]
    if unicode_escapes and sql[start] == '"' and sql[start - 2 : start].upper() == "U&":
        word = _PG_UNICODE_ESCAPE.sub(lambda e: chr(int(e.group(1).lstrip("+"), 16)), word)
    return _NON_WORD.sub("_", word) or "_"


def _refuse(kind: str, reason: str | None = None, *, parsed: bool = True) -> Verdict:
    reason = reason or f"{kind} statements are not allowed: PyDBPro is read-only"
    return Verdict(False, kind, reason, parsed)


def _denied_call(names: Collection[str], denied: Collection[str]) -> str | None:
    """First name in `names` that is denied; entries ending in '*' match as prefixes."""
    exact = {d for d in denied if not d.endswith("*")}
    prefixes = tuple(d[:-1] for d in denied if d.endswith("*"))
    for name in names:
        low = name.lower()
        if low in exact or (prefixes and low.startswith(prefixes)):
            return low
    return None


def check_statement(
    sql: str,
    adapter: DialectAdapter,
    extra_denied_functions: Collection[str] = (),
    hidden: HiddenTest | None = None,
) -> Verdict:
    """Decide whether the console may run `sql` on a connection of `adapter`'s dialect
    (see module doc)."""
    rules, lexicon = adapter.guard, adapter.lexicon
    clean, bare = _scan(sql, lexicon, rules.unicode_escapes)
    # MySQL's sql_mode may turn backslash escapes off; a statement must be safe either way.
    bares = [bare]
    if lexicon.backslash_escapes and "\\" in sql:
        plain = replace(lexicon, backslash_escapes=False)
        bares.append(_scan(sql, plain, rules.unicode_escapes)[1])
    counts = [sum(1 for piece in b.split(";") if piece.strip()) for b in bares]
    if max(counts) > 1:
        return _refuse("MULTIPLE", _MULTIPLE)
    if counts[0] == 0:
        return _refuse("EMPTY", "the statement is empty")
    if rules.unicode_escapes and re.search(r"\bUESCAPE\b", bare, re.I):
        return _refuse("UNKNOWN", _UNCHECKED)  # custom Unicode escapes could hide a name
    if rules.user_variables:
        if any(_INTO_VARIABLE.search(b) for b in bares):
            return _refuse("SELECT INTO", _USER_VARIABLES)
        if any(_ASSIGNMENT.search(b) for b in bares):
            return _refuse("ASSIGNMENT", _USER_VARIABLES)
    lead_match = _LEAD.match(bare)
    lead = lead_match.group(1).upper() if lead_match else ""
    verdict, names = _classify(
        clean, "\n".join(bares), lead, adapter, extra_denied_functions, hidden
    )
    if not verdict.allowed:
        return verdict
    denied = {name.lower() for name in extra_denied_functions}
    denied |= rules.denied_functions
    names += [m.group(1) for b in bares for m in _CALL.finditer(b)]
    found = _denied_call(names, denied)
    if found:
        reason = (f"calling {found}() is not allowed: it changes server state, reads files "
                  "or runs SQL given as text")  # fmt: skip
        return _refuse(verdict.statement_type, reason, parsed=verdict.parsed)
    return verdict


def _classify(
    clean: str,
    bare: str,
    lead: str,
    adapter: DialectAdapter,
    extra: Collection[str],
    hidden: HiddenTest | None,
) -> tuple[Verdict, list[str]]:
    """Judge the statement's kind and structure; also return the functions the tree calls."""
    if lead in ("EXPLAIN", "DESCRIBE", "DESC"):
        return _explain(clean, lead, adapter, extra, hidden), []
    pragmas = adapter.guard.readable_pragmas
    if lead == "PRAGMA" and pragmas:
        m = _PRAGMA.fullmatch(clean)
        if m and m.group(1).lower() in pragmas:
            if _names_hidden_table(m.group(2), adapter, hidden):
                return _refuse("PRAGMA", _HIDDEN), []
            return Verdict(True, "PRAGMA", None, True), []
        allowed = ", ".join(sorted(pragmas))
        return _refuse("PRAGMA", f"only these read-only PRAGMAs can be queried: {allowed}"), []
    try:
        trees = [t for t in sqlglot.parse(clean, read=adapter.sqlglot_dialect) if t]
    except Exception:  # ParseError, TokenError, or an internal sqlglot failure: don't trust it.
        return _fallback(bare, lead, hidden), []
    if len(trees) != 1:
        return _refuse("MULTIPLE", _MULTIPLE) if trees else _refuse("UNKNOWN", _UNCHECKED), []
    root = trees[0]
    while isinstance(root, exp.Subquery | exp.Paren):
        root = root.this
    if not isinstance(root, exp.Query | exp.Values | exp.Show) or lead not in _READ_LEADS:
        if isinstance(root, exp.Command) and lead in _READ_LEADS:
            return _fallback(bare, lead, hidden), []
        kind = lead if lead in _KNOWN_KINDS else _NODE_KINDS.get(type(root), "UNKNOWN")
        parsed = not isinstance(root, exp.Command)
        if kind == "UNKNOWN":
            return _refuse(kind, _unknown_reason(lead), parsed=parsed), []
        return _refuse(kind, parsed=parsed), []
    names: list[str] = []
    for node in root.walk():
        if isinstance(node, exp.Func):
            names.append(node.name if isinstance(node, exp.Anonymous) else node.sql_name())
        elif isinstance(node, _WRITE_NODES):
            kind = _NODE_KINDS[type(node)] if type(node) in _NODE_KINDS else "UNKNOWN"
            if kind == "SELECT INTO":
                return _refuse(kind, "SELECT ... INTO writes a table, file or variable"), []
            if kind == "LOCK":
                return _refuse(kind, "locking reads (FOR UPDATE/SHARE) are not allowed"), []
            return _refuse(kind, f"{kind} statements are not allowed, even inside WITH"), []
    if isinstance(root, exp.Show):
        kind = "SHOW"
    else:
        kind = lead if lead in ("VALUES", "TABLE") else "SELECT"
    if hidden is not None and any(hidden(*ref) for ref in tables_read(root)):
        return _refuse(kind, _HIDDEN), []
    return Verdict(True, kind, None, True), names


def _names_hidden_table(
    text: str | None, adapter: DialectAdapter, hidden: HiddenTest | None
) -> bool:
    """Is `text`, a table name as written (qualified, quoted, or a PRAGMA's ``'string'``),
    hidden? A name sqlglot cannot read counts as hidden: it cannot be checked."""
    if hidden is None or not text:
        return False
    text = text.strip()
    if text.startswith("'"):
        return hidden(None, text[1:-1])
    try:
        refs = tables_read(exp.to_table(text, dialect=adapter.sqlglot_dialect))
    except Exception:  # sqlglot cannot read it as a name
        return True
    return not refs or any(hidden(*ref) for ref in refs)


def _fallback(bare: str, lead: str, hidden: HiddenTest | None) -> Verdict:
    """Conservative rule for what sqlglot cannot model: a read lead and no write keyword;
    with hidden tables configured it is refused, as its tables cannot be known."""
    words = {w.upper() for w in _WORD.findall(bare)}
    if lead in _READ_LEADS and not words & _WRITE_WORDS:
        if hidden is not None:
            return _refuse("UNKNOWN", _HIDDEN_UNCHECKED, parsed=False)
        return Verdict(True, "DESCRIBE" if lead == "DESC" else lead, None, False)
    if lead in _KNOWN_KINDS:
        return _refuse(lead, parsed=False)
    return _refuse("UNKNOWN", _unknown_reason(lead), parsed=False)


def _unknown_reason(lead: str) -> str:
    """A statement that starts with no verb we know is most often a typo: say so."""
    if not lead or lead in _READ_LEADS:
        return _UNCHECKED
    reads = ", ".join(sorted(_READ_LEADS - {"DESC"}))
    return f"{lead} does not start a read statement (only {reads} can run); check the spelling"


def _explain(
    clean: str, lead: str, adapter: DialectAdapter, extra: Collection[str],
    hidden: HiddenTest | None,
) -> Verdict:  # fmt: skip
    """Unwrap EXPLAIN/DESCRIBE options and judge the inner statement (ANALYZE runs it)."""
    rest = clean.lstrip()
    if not rest.upper().startswith(lead):
        return _refuse("UNKNOWN", _UNCHECKED)
    rest = rest[len(lead) :]
    while m := _EXPLAIN_OPT.match(rest):
        rest = rest[m.end() :]
    inner_match = _LEAD.match(rest)
    inner_lead = inner_match.group(1).upper() if inner_match else ""
    if adapter.guard.describe_tables and inner_lead not in _READ_LEADS | _KNOWN_KINDS:
        if m := _TABLE_FORM.fullmatch(rest.strip()):  # DESCRIBE t [col]: same as SHOW COLUMNS
            name = _TABLE_NAME.match(m.group(0))
            if _names_hidden_table(name.group(0) if name else "", adapter, hidden):
                return _refuse("DESCRIBE", _HIDDEN)
            return Verdict(True, "DESCRIBE", None, True)
    if inner_lead in ("EXPLAIN", "DESCRIBE", "DESC") or not rest.strip():
        return _refuse("UNKNOWN", _UNCHECKED)
    inner = check_statement(rest, adapter, extra, hidden)
    if inner.allowed:
        return Verdict(True, "EXPLAIN", None, inner.parsed)
    reason = f"EXPLAIN cannot wrap a refused statement ({inner.reason})"
    return Verdict(False, inner.statement_type, reason, inner.parsed)
