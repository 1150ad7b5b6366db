"""Defined terms: where each term is defined, what it stands for, and every place it is used.

A quoted phrase is a definition only in a defining position — a parenthetical right after the
thing it names (``(the "COMPANY")``, ``(each, a "PRICING AGREEMENT")``, ``("FSMA")``), after
"herein(after) called" (``is hereinafter called a "PRELIMINARY PROSPECTUS"``), or before a
defining verb (``"BUSINESS DAY" shall mean``, ``The term "UNDERWRITER" … shall include``,
``“Defeasance” has the meaning``). Anything else in quotes is a caption or a scare quote
("United States Federal Income Tax Consequences", "comfort letters") and is left alone.

Uses are found case-insensitively but must be capitalised as a term ("Company", not "company"),
singular or plural, longest term first. A definition made inside an attachment (Annex I
redefines COMPANY) scopes that attachment: uses inside it link to it, uses elsewhere to the
main definition. The phrasing rules live in ``patterns/terms.jsonl``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

if TYPE_CHECKING:  # spaCy is imported only where a Doc is made (tag_document needs none)
    from spacy.tokens import Doc

from .rules import PATTERN_DIR, by_label, literal_alternatives, read_rows
from ..model import Clause, ClauseKind, Document, Span, Term
from .spangroups import span_group
from .pipeline_keys import CONTEXT, RESULTS

PATTERNS = PATTERN_DIR / "terms.jsonl"
# doc.user_data key: {casefolded term form: what it stands for}, e.g. {"act": "Securities Act of 1933"}.
TERM_LOOKUP = "clausegraph.term_lookup"
SPAN_GROUP = "cg_terms"

# A defined term is short: "RULE 462(b) REGISTRATION STATEMENT" has 4 words; longer quoted
# text is a caption ("Description of the Debt Securities - Defeasance" has 6, so it also needs
# a defining position to count).
MAX_TERM_WORDS = 8
MAX_TERM_CHARS = 80
# How far back a parenthesis may open before the quote: "(with respect to such Pricing
# Agreement, the "DESIGNATED SECURITIES")" opens 44 characters before it.
MAX_PAREN_LEAD = 120
# Words between the quote and its defining verb: "“Regular Record Date” for the interest payable
# on any Interest Payment Date on the Securities of any series means" has 85 characters.
MAX_QUALIFIER = 110
# A "means" definition runs to the end of its sentence, at most this long (for the record).
MAX_DEFINITION_CHARS = 600
# Appositives peeled off a name before its parenthesis: "The Bank of New York Mellon Trust
# Company, N.A., a national banking association, as Trustee (the “Trustee”)" has two; three
# leaves room for ", having its principal offices at …".
MAX_APPOSITIVES = 3
# A second quoted term in one parenthesis that groups the first with another party:
# '(the “Guarantor” and together with the Issuer, the “Obligors”)'.
COLLECTIVE_LEAD = re.compile(r"\b(?:together|collectively|along)\s+with\b", re.I)
# Defining verbs that point to another place for the meaning: "shall have the meaning provided in".
MEANING_VERB = re.compile(r"(?:has|have|shall\s+have)\s+(?:the\s+)?(?:respective\s+)?meanings?|(?:have|has)\s+meanings?", re.I)
ATTACHMENT_KINDS = {ClauseKind.ANNEX, ClauseKind.SCHEDULE, ClauseKind.EXHIBIT, ClauseKind.APPENDIX}


def load_patterns(path: Path = PATTERNS) -> dict[str, list[dict]]:
    """The pattern rows of ``path`` grouped by label."""
    return by_label(read_rows(path))


def _alt(groups: dict[str, list[dict]], label: str) -> str:
    return "(?:" + "|".join(f"(?:{row['pattern']})" for row in groups[label]) + ")"


@dataclass(frozen=True)
class _Rules:
    quote: re.Pattern
    paren_lead: re.Pattern
    called: re.Pattern
    clause_start: re.Pattern
    means: re.Pattern
    appositive: re.Pattern
    name_suffix: re.Pattern
    name_connector: re.Pattern
    quantifier: re.Pattern
    article: re.Pattern
    postmodifier: re.Pattern
    name_as_modifier: re.Pattern
    small_words: frozenset


@lru_cache(maxsize=1)
def rules() -> _Rules:
    g = load_patterns()
    small = frozenset(p for row in g["small_word"] for p in row["pattern"].split("|"))
    return _Rules(
        # Straight or curly quotes around a short phrase on one line of the clean text.
        # (A term may wrap: "“Covenant\nDefeasance”" where the clean text keeps a short line.)
        # A typewriter closing quote may be two apostrophes: "ROFN''.
        quote=re.compile(r'"(?P<a>[^"\n]{1,%d}?(?:\n[^"\n]{1,%d}?)?)(?:"|\'\')|“(?P<b>[^“”\n]{1,%d}(?:\n[^“”\n]{1,%d})?)”' % ((MAX_TERM_CHARS,) * 4)),
        paren_lead=re.compile(r"(?:^|\b(?:%s))[\s,]*$" % _alt(g, "paren_lead"), re.I),
        called=re.compile(r"\b%s\s*$" % _alt(g, "called"), re.I),
        # The quote starts a sentence, a paragraph, a clause, or follows "the term(s)".
        clause_start=re.compile(
            r"(?:^|\n|[.;:]\s+|\([a-zA-Z0-9]{1,5}\)\s+|\bterms?\s+|,\s+(?:and\s+)?|\b(?:and|or)\s+)$", re.I
        ),
        means=re.compile(
            r"[,.]?\s*(?:(?:,\s*(?:(?:and|or)\s+)?|(?:and|or)\s+)[\"“][^\"“”\n]{1,%d}[\"”],?\s*)*"
            r"(?:,?\s*[^\"“”.;:()\n]{0,%d}?,?\s+)?(?P<verb>\b%s)\b" % (MAX_TERM_CHARS, MAX_QUALIFIER, _alt(g, "means_verb")),
            re.I,
        ),
        # The last appositive before the end (greedy lead): ", having its principal offices at
        # 4500 Dorr Street, Toledo, Ohio 43615, Welltower OP LLC, a limited liability company …"
        # must peel only the company's own appositive.
        appositive=re.compile(r"(?s:.*)(?P<apposition>,\s+(?:%s)\s*$)" % _alt(g, "appositive")),
        name_suffix=re.compile(r"^(?:%s),?$" % _alt(g, "name_suffix")),
        name_connector=re.compile(r"^(?:%s)$" % _alt(g, "name_connector")),
        quantifier=re.compile(r"\b(?:%s)\b" % _alt(g, "np_quantifier"), re.I),
        article=re.compile(r"\b(?:%s)\b(?!\))" % _alt(g, "np_article"), re.I),  # not the marker "a)"
        postmodifier=re.compile(r"\s+(?:%s)\b[^.;:()\"“]{0,200}" % _alt(g, "postmodifier")),
        name_as_modifier=re.compile(r"\b%s\s*$" % _alt(g, "name_as_modifier"), re.I),
        small_words=small,
    )


# --- finding definitions ---------------------------------------------------------------------


@dataclass
class _Def:
    """A definition found in the clean text (clean offsets)."""

    term: str  # whitespace collapsed
    start: int
    end: int
    definition: str
    def_start: int
    def_end: int
    paren_end: int | None = None  # clean offset just after the closing parenthesis
    # "“Dividends” shall have the meaning provided in Section 8.06": the definition points
    # elsewhere, so it names nothing (no stands_for).
    pointer: bool = False


# Periods after these words do not end a sentence ("Inc.", "No. 333-108067", "Cap. 571").
_ABBREVIATIONS = frozenset("Inc No Nos Co Ltd Corp Cap Esq Jr Sr Mr Ms Mrs Dr St etc U.S N.A L.P S.A".split())
_BOUNDARY = re.compile(r"\n|[;:](?=\s)|\.(?=\s+[A-Z(\"“]|\s*$)")


_INITIALISM = re.compile(r"(?:[A-Z]\.)+[A-Z]")


def sentence_boundaries(text: str, start: int, end: int):
    """Boundary matches in ``text[start:end]``: line breaks, ';', ':', and sentence-ending periods."""
    for m in _BOUNDARY.finditer(text, start, end):
        if m.group() == ".":
            word = re.search(r"([\w.]+)$", text[max(0, m.start() - 12) : m.start()])
            if word and (word.group(1) in _ABBREVIATIONS or len(word.group(1)) == 1 and word.group(1).isupper()
                         or _INITIALISM.fullmatch(word.group(1))):
                continue  # "Inc.", "J. Smith", "A.M. Best Company": no sentence ends there
        yield m


def _sentence_start(text: str, pos: int, floor: int = 0) -> int:
    """Start of the sentence (or ';'-clause) holding ``pos``: after the last boundary before it."""
    window_start = max(floor, pos - 1500)
    last = window_start
    for m in sentence_boundaries(text, window_start, pos):
        last = m.end()
    while last < pos and text[last].isspace():
        last += 1
    return last


def _open_paren(text: str, pos: int) -> int | None:
    """Offset of the unmatched '(' before ``pos`` in the same sentence, if near enough."""
    depth = 0
    i = pos - 1
    limit = max(0, pos - 3 * MAX_PAREN_LEAD)  # a collective lead may be longer (see _definition_at)
    while i >= limit:
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return i
            depth -= 1
        elif ch == "\n":
            return None
        i -= 1
    return None


def _close_paren(text: str, pos: int) -> int | None:
    depth = 0
    for i in range(pos, min(len(text), pos + 400)):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return i
            depth -= 1
        elif ch == "\n":
            return None
    return None


def find_definitions(text: str) -> list[_Def]:
    """Every definition in ``text`` (clean text), in reading order."""
    r = rules()
    found: list[_Def] = []
    known_forms: set[str] = set()  # forms of the terms defined so far
    known_names: set[str] = set()  # … of those that name a party ("Company")
    for m in r.quote.finditer(text):
        group = "a" if m.group("a") is not None else "b"
        raw_start, raw_end = m.start(group), m.end(group)
        term_text = text[raw_start:raw_end]
        # "“Act,” when used …": the comma sits inside the quotes but is not part of the term.
        stripped = term_text.rstrip(" ,.")
        lead_spaces = len(term_text) - len(term_text.lstrip())
        start, end = raw_start + lead_spaces, raw_start + len(stripped)
        # Keep a trailing space that is inside the quotes ("Securities and Futures Act "):
        # the term's span is exactly the quoted words.
        if term_text.endswith(" ") and not term_text.rstrip().endswith((",", ".")):
            end = raw_end
        term = " ".join(term_text.split()).rstrip(",.")
        if not _plausible_term(term):
            continue
        d = _definition_at(text, m.start(), m.end(), term, start, end, (known_forms, known_names), found)
        if d:
            found.append(d)
            known_forms.update(term_forms(term))
            if stands_for(d.definition)[:1].isupper():
                known_names.update(term_forms(term))
    return found


def _plausible_term(term: str) -> bool:
    words = term.split()
    if words and words[0] in ("the", "a", "an"):
        return False  # "references … to “the Securities”" quote a phrase; they name no term
    return bool(words) and len(words) <= MAX_TERM_WORDS and term[0].isalnum() and any(ch.isalpha() for ch in term)


def _definition_at(text, q_start, q_end, term, start, end, known_forms, found) -> _Def | None:
    r = rules()
    sentence = _sentence_start(text, q_start)
    before = text[sentence:q_start]
    paren = _open_paren(text, q_start)
    if paren is not None and paren >= sentence:
        lead = text[paren + 1 : q_start]
        # Other quoted terms in the same parenthesis: only the words after the last one count.
        last_quote = max(lead.rfind('"'), lead.rfind("”"))
        if last_quote >= 0:
            lead = lead[last_quote + 1 :]
        # '(the "Fifth Amendment" and collectively with the Original Lease, …, the "Primary Lease")'
        # lists what it gathers: a longer lead is still a lead.
        longest = MAX_PAREN_LEAD * 3 if last_quote >= 0 and COLLECTIVE_LEAD.search(lead) else MAX_PAREN_LEAD
        if r.paren_lead.search(lead) and len(lead) <= longest:
            close = _close_paren(text, q_end)
            if close is None:
                return None
            if last_quote >= 0 and COLLECTIVE_LEAD.search(lead):
                # '(the “Guarantor” and together with the Issuer, the “Obligors”)' names a group,
                # not the thing before the parenthesis: no definition rather than a wrong one.
                return _Def(term, start, end, "", start, start, paren_end=close + 1)
            spelled = _spelled_out(text, paren, sentence, term)
            if spelled is not None:  # '… and generally accepted accounting principles ("GAAP")'
                definition, d_start, d_end = text[spelled[0]:spelled[1]], spelled[0], spelled[1]
            else:
                definition, d_start, d_end = _thing_before(text, paren, sentence, known_forms, found)
            after = r.postmodifier.match(text, close + 1)
            if after and definition:
                tail = text[close + 1 : after.end()].rstrip(" ,")
                definition = definition + tail
                d_end = close + 1 + len(tail)
            return _Def(term, start, end, definition, d_start, d_end, paren_end=close + 1)
    named = _APPOSED_CALLED.search(before)
    if named:
        # 'between Edward Hohman, an individual …, referred to as "lessor," and …': the party
        # named at the head of the apposition, not the whole clause before it.
        party = _named_party(text, sentence, sentence + named.start())
        if party:
            return _Def(term, start, end, text[party[0]:party[1]], party[0], party[1])
    if r.called.search(before):
        called = r.called.search(before)
        head_end = sentence + called.start()
        definition, d_start, d_end = _called_phrase(text, sentence, head_end)
        return _Def(term, start, end, definition, d_start, d_end)
    after = r.means.match(text, q_end)
    if after and r.clause_start.search(before):
        d_start = after.end()
        # '“Obligors” means, collectively, the Issuer …': the comma is not part of the definition.
        while d_start < len(text) and (text[d_start].isspace() or text[d_start] == ","):
            d_start += 1
        d_end = _definition_end(text, d_start)
        pointer = bool(MEANING_VERB.match(after.group("verb")))
        return _Def(term, start, end, text[d_start:d_end], d_start, d_end, pointer=pointer)
    return None


# A participle in apposition to a party's name, without parentheses: ", referred to as "lessor,"".
_APPOSED_CALLED = re.compile(
    r",\s*(?:(?:herein|hereinafter|hereafter)\s+)?(?:referred\s+to|called|known|designated)(?:\s+herein)?\s+as(?:\s+(?:the|a|an))?\s*$",
    re.I,
)
# Where a party's name begins in a list of parties: "between X, …", "and Y, …", "by Z, …".
_PARTY_LIST_WORD = re.compile(r"(?:^|\b(?:between|among|and|by|with)\s+)(?=[A-Z])")
_PARTY_NAME = re.compile(
    r"[A-Z][\w.&'’-]*(?:[ \t]+(?:(?:of|and|&|the|de)[ \t]+)?[A-Z][\w.&'’-]*)*"
    r"(?:,?[ \t]+(?:Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Limited|Corp\.?|Corporation|L\.P\.|LP|N\.A\.|plc|PLC|S\.A\.|AG))?"
)


def _named_party(text: str, sentence: int, end: int) -> tuple[int, int] | None:
    """The proper name that opens the last party of a list before ``end``, or None."""
    starts = [m.end() for m in _PARTY_LIST_WORD.finditer(text, sentence, end)]
    if not starts:
        return None
    m = _PARTY_NAME.match(text, starts[-1], end)
    if not m or len(m.group().split()) < 2 and not m.group().isupper():
        return None  # one capitalised word ("Nevada") is a place or a term, not a named party
    return m.start(), m.end()


def _definition_end(text: str, start: int) -> int:
    """End of a "means" definition: the end of its sentence or paragraph."""
    limit = min(len(text), start + MAX_DEFINITION_CHARS)
    for m in sentence_boundaries(text, start, limit):
        if m.group() in ("\n", "."):
            return m.start()
    return limit


# The small words an acronym's letters may skip: "Home Owners' Loan Act" is HOLA, "Savings
# Association Insurance Fund" SAIF, "Federal Deposit Insurance Corporation" FDIC.
_ACRONYM_SKIPS = frozenset({"of", "and", "&", "the", "for", "on", "in", "to"})


def _spelled_out(text: str, paren: int, sentence: int, term: str) -> tuple[int, int] | None:
    """The words right before '(' whose first letters spell ``term`` when it is an acronym
    ("generally accepted accounting principles ("GAAP")"), as (start, end); else None. The
    letters are matched from the last word back (Schwartz and Hearst's rule, simplified): each
    word gives its first letter, small words none, and the first word gives the first letter."""
    letters = term.replace(".", "")
    if not (2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()):
        return None
    end = paren
    while end > sentence and text[end - 1].isspace():
        end -= 1
    words = list(re.finditer(r"[\w'’&-]+", text[max(sentence, end - 200):end]))
    base = max(sentence, end - 200)
    k = len(letters) - 1
    for m in reversed(words):
        word = m.group()
        if word.casefold() in _ACRONYM_SKIPS:
            continue  # "Office of Thrift Supervision" is OTS: "of" gives no letter
        if word[0].upper() != letters[k]:
            return None
        k -= 1
        if k < 0:
            return base + m.start(), end
    return None


def _thing_before(text, paren, sentence, known_forms, found) -> tuple[str, int, int]:
    """What a parenthetical definition names: the proper name or noun phrase before '('."""
    r = rules()
    window_end = paren
    while window_end > sentence and text[window_end - 1].isspace():
        window_end -= 1
    # Peel appositives (", as amended", ", a Delaware corporation"); they stay in the definition.
    name_end = window_end
    for _ in range(MAX_APPOSITIVES):
        m = r.appositive.match(text, sentence, name_end)
        if m:
            name_end = m.start("apposition")
            continue
        # "ARE-MA Region No. 59, LLC (as successor to …) ("Prime Landlord")": a parenthesis
        # between the name and the definition stays in the definition.
        opening = _open_paren(text, name_end - 1) if text[name_end - 1:name_end] == ")" else None
        if opening is None or opening < sentence:
            break
        name_end = opening
        while name_end > sentence and text[name_end - 1].isspace():
            name_end -= 1
    name_start = _proper_name_start(text, sentence, name_end, known_forms)
    if name_start is not None:
        return text[name_start:window_end], name_start, window_end
    return _noun_phrase(text, sentence, window_end, found)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_MONTH = re.compile("|".join(_MONTHS))
_DAY_BEFORE_YEAR = re.compile(r"\d{1,2}(?:st|nd|rd|th)?,")
_YEAR = re.compile(r"\d{4}")


def _proper_name_start(text, sentence, name_end, known) -> int | None:
    """Start of a capitalised name ending at ``name_end`` ("the Securities Act of 1933"), or None."""
    r = rules()
    known_forms, known_names = known
    tokens = list(re.finditer(r"\S+", text[sentence:name_end]))
    accepted: list[re.Match] = []
    for i in range(len(tokens) - 1, -1, -1):
        word = tokens[i].group()
        bare = word.rstrip(",")
        # A date is one unit of a name: "March 18, 2010"; "Second Amendment of Lease dated
        # September 12, 2013" names the instrument with its date.
        if _DAY_BEFORE_YEAR.fullmatch(word) and accepted and _YEAR.fullmatch(accepted[-1].group().rstrip(",.")) \
                and i > 0 and _MONTH.fullmatch(tokens[i - 1].group()):
            accepted.append(tokens[i])
            continue
        if word.casefold() == "dated" and accepted and _MONTH.fullmatch(accepted[-1].group()):
            accepted.append(tokens[i])
            continue
        if word.endswith(",") and not (accepted and (r.name_suffix.match(accepted[-1].group()) or
                                                     " ".join(t.group() for t in accepted[-1:-3:-1]) == "National Association")):
            break  # a comma ends the name unless a company suffix follows: "Group, Inc.", "Trust, National Association"
        if word in ("This", "These", "That") and accepted:
            accepted.append(tokens[i])
            break  # "STRATEGIC ALLIANCE AGREEMENT  This STRATEGIC ALLIANCE AGREEMENT": a title before it
        if r.name_suffix.match(word) or bare[:1].isupper() or bare[:1].isdigit():
            if bare.startswith("(") or bare.endswith(")") and "(" not in bare:
                break
            accepted.append(tokens[i])
            continue
        if r.name_connector.match(bare) and accepted:
            prev = tokens[i - 1].group().rstrip(",") if i > 0 else ""
            # "the Company and JP Morgan Chase": a term naming a party before "and" is not part
            # of the name (but "Securities" in "Securities and Exchange Commission" may be).
            if prev[:1].isupper() and not (bare in ("and", "&") and prev.casefold() in known_names):
                accepted.append(tokens[i])
                continue
        break
    while accepted and r.name_connector.match(accepted[-1].group()):
        accepted.pop()
    if not accepted:
        return None
    capitalised = [t for t in accepted if t.group()[:1].isalpha()]
    if len(accepted) < 2 and not any(t.group()[:1].isdigit() for t in accepted):
        # One capitalised word is a name only if it is not the start of the sentence.
        if not capitalised or accepted[-1].start() == 0:
            return None
        if re.search(r"\bthe\s+$", text[sentence : sentence + accepted[-1].start()]):
            return None  # "securities of the Issuer": one capitalised word after "the" is a term's use
    start = sentence + accepted[-1].start()
    name = " ".join(text[start : sentence + accepted[0].end()].split())
    if name.casefold() in known_forms:
        return None  # "the applicable Pricing Agreement" uses a term; it names nothing new
    prefix = text[sentence:start]
    if r.name_as_modifier.search(prefix.rstrip() + " ") or r.name_as_modifier.search(prefix):
        return None  # "as defined in Regulation S-X": the name qualifies a noun phrase before it
    m = re.search(r"\b(?:the|these|this|its|that\s+certain)\s+$", prefix)
    return sentence + m.start() if m else start


# Words that end the clause before a noun phrase: "…will act as representatives (the
# "REPRESENTATIVES")" — the phrase starts after them, or (if nothing is left) before.
_CLAUSE_WORDS = re.compile(
    r"\b(?:shall|will|may|is|are|was|were|be|been|has|have)\b|\b(?:agrees?|undertakes?|promises?)\s+to\s+\w+\b"
    r"|\b(?:and|or)(?=\s+(?:in|to|on|with|for|by|from|under|pursuant|each|every|all|any)\b)"
)
# "Rule 424(b)", "Section 5(a)": parentheses inside a designator are not clause boundaries;
# nor are the commas of ", if any,".
_BOUNDARY_PUNCT = re.compile(r"(?<![\w)])\(|\)(?!\w)|,(?!\s*if\s+any,)(?<!\bif any,)")


def _noun_phrase(text, sentence, end, found=()) -> tuple[str, int, int]:
    """The noun phrase ending at ``end``: from its determiner, within the clause before it."""
    r = rules()
    seg_start = sentence
    for m in _BOUNDARY_PUNCT.finditer(text, sentence, end):
        if not _is_designator_paren(text, m.start()):
            seg_start = m.end()
    segment = text[seg_start:end]
    # "(such firms constituting the …)" follows "the firms named in Schedule I to the applicable
    # Pricing Agreement": a boundary right before the phrase would leave it empty; look past it.
    if len(segment.split()) < 2:
        seg_start = sentence
        segment = text[seg_start:end]
    clause_ends = [m.end() for m in _CLAUSE_WORDS.finditer(segment)]
    after = clause_ends[-1] if clause_ends else 0
    determiners = sorted(
        [m.start() for m in r.quantifier.finditer(segment)] + [m.start() for m in r.article.finditer(segment)]
    )
    pick = next((p for p in determiners if p >= after), None)
    if pick is None and determiners:
        pick = determiners[0]
    if pick is not None:
        d_start = seg_start + pick
    elif after:  # "Subtenant agrees to pay base rent": the phrase after the verb, with no article
        d_start = seg_start + after + len(segment[after:]) - len(segment[after:].lstrip())
    else:
        d_start = seg_start + len(segment) - len(segment.lstrip())
    definition = text[d_start:end].strip()
    # "(the "SECURITIES") specified in Schedule II … (…the "DESIGNATED SECURITIES")": a phrase that
    # starts with a participle right after a definition modifies the term defined there.
    if pick is None and seg_start > 0 and text[seg_start - 1] == ")":
        prev = next((d for d in reversed(list(found)) if d.paren_end == seg_start), None)
        first = definition.split()[0] if definition.split() else ""
        if prev and first.islower():
            definition = f"the {prev.term.title()} {definition}"
    return definition, d_start, end


def _is_designator_paren(text: str, pos: int) -> bool:
    """True for the parentheses of "424(b)" / "5(a)": glued to a word on the left."""
    ch = text[pos]
    if ch == "(":
        return pos > 0 and text[pos - 1].isalnum()
    if ch == ")":
        open_at = text.rfind("(", max(0, pos - 6), pos)
        return open_at > 0 and text[open_at - 1].isalnum()
    return False


def _called_phrase(text, sentence, end) -> tuple[str, int, int]:
    """What "… is hereinafter called the X" names: the clause's subject, from its determiner."""
    r = rules()
    # The verb before "called" is not part of what is named: "such time and date being".
    head = re.sub(r"\s+(?:is|are|being|shall\s+be)\s*$", "", text[sentence:end])
    end = sentence + len(head)
    # ", such time and date being herein called …": a short phrase after the last comma.
    last_comma = head.rfind(",")
    if last_comma >= 0:
        tail = head[last_comma + 1 :]
        m = re.match(r"\s*(?:such|the|these|this|any|all)\s+(?!as\b)", tail, re.I)
        if m and len(tail.split()) <= 8:
            # "at the place and time and date specified in such Pricing Agreement …, such time and
            # date being herein called": "such" points back; the words that define are those it
            # points to, from where the sentence first names them to the comma.
            such = re.match(r"\s*such\s+(.+?)\s*$", tail, re.I)
            earlier = re.search(r"\b" + r"\s+".join(map(re.escape, such.group(1).split())) + r"\b",
                                head[:last_comma], re.I) if such else None
            if earlier:
                d_start = sentence + earlier.start()
                return text[d_start:sentence + last_comma].strip(), d_start, sentence + last_comma
            d_start = sentence + last_comma + 1 + (len(tail) - len(tail.lstrip()))
            return text[d_start:end].strip(), d_start, end
    starts = [m.start() for m in (r.quantifier.search(head), r.article.search(head)) if m]
    d_start = sentence + (min(starts) if starts else len(head) - len(head.lstrip()))
    return text[d_start:end].strip(), d_start, end


# --- uses and scope --------------------------------------------------------------------------


def _plural(word: str) -> str:
    if re.search(r"[^aeiou]y$", word, re.I):
        return word[:-1] + ("IES" if word.isupper() else "ies")
    if re.search(r"(?:s|x|z|ch|sh)$", word, re.I):
        return word + ("ES" if word.isupper() else "es")
    return word + ("S" if word.isupper() else "s")


def _singular(word: str) -> str | None:
    low = word.lower()
    if low.endswith("ies") and len(word) > 4:
        return word[:-3] + ("Y" if word.isupper() else "y")
    if low.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if low.endswith("s") and not low.endswith("ss") and len(word) > 3:
        return word[:-1]
    return None


def term_forms(term: str) -> set[str]:
    """Casefolded forms a term is used in: itself, and its last word singular or plural."""
    words = " ".join(term.split())
    base = words.split()
    if not base:
        return set()
    last = base[-1]
    forms = {words}
    if last[:1].isalpha():
        forms.add(" ".join(base[:-1] + [_plural(last)]))
        single = _singular(last)
        if single:
            forms.add(" ".join(base[:-1] + [single]))
    return {f.casefold() for f in forms}


@lru_cache(maxsize=4096)  # a document uses its terms hundreds of times, in a few spellings
def _capitalised_like_term(used: str, term: str) -> bool:
    """A use must be written as a term: each significant word capitalised (or as defined)."""
    small = rules().small_words
    if term == term.lower():
        return used.split()[0] == term.split()[0]  # a term defined in lower case: same case
    for word in used.split():
        if word[:1].isalpha() and word.lower() not in small and not word[:1].isupper():
            return False
    return used[:1].isupper() or not used[:1].isalpha()


def stands_for(definition: str) -> str:
    """The name a definition gives: "the Securities Act of 1933, as amended" → "Securities Act of 1933"."""
    r = rules()
    text = " ".join(definition.split())
    for _ in range(MAX_APPOSITIVES):
        m = r.appositive.match(text)
        if not m:
            break
        text = text[: m.start("apposition")]
    text = re.sub(r"^(?:the|a|an)\s+", "", text)
    return text.strip(" ,")


def _scope_of(document: Document, label: str, by_label: dict[str, Clause] | None = None) -> str | None:
    """The attachment a clause sits in (its definitions scope that attachment), else None.
    ``by_label``: the document's clauses by label, when the caller has it (asked once per term)."""
    if by_label is None:
        by_label = {c.label: c for c in document.clauses}
    clause = by_label.get(label)
    while clause is not None:
        if clause.kind in ATTACHMENT_KINDS:
            return clause.label
        clause = by_label.get(clause.parent) if clause.parent else None
    return None


def link_uses(document: Document, defs: list[_Def], terms: list[Term]) -> list[Term]:
    """Fill ``uses``/``used_in`` of every term: each capitalised occurrence, longest first."""
    text = document.clean
    form_to_terms: dict[str, list[int]] = {}
    for i, t in enumerate(terms):
        for form in term_forms(t.term):
            form_to_terms.setdefault(form, []).append(i)
    if not form_to_terms:
        return terms
    forms = sorted(form_to_terms, key=len, reverse=True)
    # Spaces in a term match any run of white space; words end at a word boundary.
    pattern = re.compile(r"(?<![\w-])(?:%s)(?![\w-])" % forms_pattern(forms), re.I)
    quoted = [(d.start, d.end) for d in defs]
    attachment_spans = {
        c.label: (c.start, c.end) for c in document.clauses if c.kind in ATTACHMENT_KINDS
    }
    by_label = {c.label: c for c in document.clauses}
    scopes = [_scope_of(document, t.defined_in, by_label) for t in terms]
    uses: dict[int, list[Span]] = {i: [] for i in range(len(terms))}
    qi = 0
    for m in pattern.finditer(text):
        m_start, m_end = m.span()
        while qi < len(quoted) and quoted[qi][1] <= m_start:
            qi += 1
        if qi < len(quoted) and quoted[qi][0] < m_end and m_start < quoted[qi][1]:
            continue  # the definition itself
        used = m.group()
        candidates = form_to_terms[" ".join(used.split()).casefold()]
        if not any(_capitalised_like_term(used, terms[i].term) for i in candidates):
            continue
        if _inside_longer_name(text, m_start, m_end):
            continue
        s, e = document.source_span(m_start, m_end)
        scope = next(
            (label for label, (a, b) in attachment_spans.items() if a <= s < b), None
        ) if attachment_spans else None
        chosen = [i for i in _choose(candidates, scopes, scope) if not defs[i].def_start <= m_start < defs[i].def_end]
        if not chosen:
            continue  # "the Securities and Futures Act, chapter 289" inside its own definition
        span = Span(doc=document.doc_id, start=s, end=e, text=document.source[s:e])
        for i in chosen:
            uses[i].append(span)
    result = []
    for i, t in enumerate(terms):
        spans = tuple(uses[i])
        clauses = (document.clause_at(sp.start) for sp in spans)
        labels = tuple(dict.fromkeys(c.label for c in clauses if c))  # reading order, each once
        result.append(_replace_term(t, uses=spans, used_in=labels))
    return result


def forms_pattern(forms: list[str]) -> str:
    r"""The case-insensitive alternation of ``forms`` (casefolded, in the order to try them; a
    space matches any run of white space): the matches of
    ``"|".join(r"\s+".join(re.escape(w) for w in f.split()) for f in forms)``, grouped by leading
    characters (rules.literal_alternatives: a document's hundreds of forms were tried one by one
    at every word)."""
    normal = [" ".join(f.split()) for f in forms]
    return "(?:" + "|".join(literal_alternatives(normal, ignorecase=True, spaces=r"\s+")) + ")"


def _choose(candidates: list[int], scopes: list[str | None], scope: str | None) -> list[int]:
    """The definitions a use links to: those scoped to its attachment, else the main ones."""
    local = [i for i in candidates if scopes[i] is not None and scopes[i] == scope]
    pool = local or [i for i in candidates if scopes[i] is None]
    # Defined only inside another attachment: that definition does not reach here. Several in
    # the pool ("UNDERWRITERS" and its extension "UNDERWRITER"; "SIGNIFICANT SUBSIDIARIES" and
    # "… SUBSIDIARY") define one thing: the use belongs to each of them.
    return pool


_SENTENCE_OPENERS = frozenset(("The", "A", "An", "Each", "Any", "Such", "No", "All", "If"))
_FIRST_ON_LINE = re.compile(r"\s*(?:\([a-zA-Z0-9]{1,5}\)\s*)?\S+\s+")
_NAME_GOES_ON = re.compile(r"\s+(?:and|of|&)\s+[A-Z]\w*\s+[A-Z]\w*|\s+(?:of\s+)?\d{4}\b")
_CAPITALISED_AFTER = re.compile(r"\s+[A-Z][a-z]+\s+[A-Z]")
_ARTICLE_AFTER = re.compile(r"\s+(?:The|A|An)\b")


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """"Act" in "Securities Act of 1933", "Commission" in "Securities and Exchange Commission"."""
    before = text[max(0, start - 40) : start]
    prev = _word_before(before)
    if prev and prev[:1].isupper() and not _after_stop_and_one_word(before) and prev not in _SENTENCE_OPENERS:
        # A capitalised word right before ("Securities Act") — unless it starts the sentence.
        line_start = before.rfind("\n")
        if not _FIRST_ON_LINE.fullmatch(before[line_start + 1 :]):
            return True
    after = text[end : end + 60]
    if _NAME_GOES_ON.match(after):
        return True  # "Securities and Exchange Commission", "Act of 1933"
    if _CAPITALISED_AFTER.match(after) and not _ARTICLE_AFTER.match(after):
        return True  # "Underwriting Agreement General Terms and Conditions"
    return False


_WORD_CHARACTERS = frozenset("_.&'’-")


def _word_before(before: str) -> str | None:
    r"""The word that ``before`` ends with, then white space: what
    ``re.search(r"([A-Za-z][\w.&'’-]*)\s+$", before).group(1)`` finds, without trying every
    position (the word runs back over [\w.&'’-] and starts at its first ASCII letter)."""
    stripped = before.rstrip()
    if len(stripped) == len(before):
        return None
    i = len(stripped)
    while i > 0 and (stripped[i - 1].isalnum() or stripped[i - 1] in _WORD_CHARACTERS):
        i -= 1
    for k in range(i, len(stripped)):
        if "a" <= stripped[k] <= "z" or "A" <= stripped[k] <= "Z":
            return stripped[k:]
    return None


def _after_stop_and_one_word(before: str) -> bool:
    r"""``re.search(r"[.;:]\s+\S+\s+$", before)``: a stop, then one word, then white space."""
    stripped = before.rstrip()
    if len(stripped) == len(before):
        return False
    head = stripped.rsplit(None, 1)  # [what comes before the white space, the last word]
    return len(head) == 2 and head[0][-1:] in (".", ";", ":")


def _replace_term(term: Term, **changes) -> Term:
    return dataclasses.replace(term, **changes)


# --- the component ---------------------------------------------------------------------------


def tag_terms(document: Document) -> list[Term]:
    """Every definition of ``document`` with its uses."""
    text = document.clean
    defs = find_definitions(text)
    by_label = {c.label: c for c in document.clauses}
    terms: list[Term] = []
    for d in defs:
        s, e = document.source_span(d.start, d.end)
        if d.def_end > d.def_start:
            ds, de = document.source_span(d.def_start, d.def_end)
        else:
            ds = de = s
        if not document.source[s:e].split():
            continue  # the quotes' source span holds only layout (a mangled file): no term there
        clause = document.clause_at(s)
        label = clause.label if clause else "preamble"
        terms.append(
            Term(
                term=document.source[s:e],  # exactly as written between the quotes, line breaks and all
                doc=document.doc_id,
                defined_in=label,
                start=s,
                end=e,
                definition=" ".join(d.definition.split()),
                definition_start=ds,
                definition_end=de,
                stands_for=None if d.pointer else stands_for(d.definition) or None,
                scope=_scope_of(document, label, by_label),
            )
        )
    return link_uses(document, defs, terms)


def term_lookup(terms: list[Term]) -> dict[str, str]:
    """{casefolded form: what it stands for} for every term (main definitions win over scoped)."""
    lookup: dict[str, str] = {}
    for t in sorted(terms, key=lambda t: t.scope is not None, reverse=True):
        if t.stands_for:
            for form in term_forms(t.term):
                lookup[form] = t.stands_for
    return lookup


class TermComponent:
    """spaCy component: definitions and uses into ``RESULTS["terms"]`` and span group cg_terms."""

    def __init__(self, nlp, name: str):
        self.name = name
        rules()  # compile the patterns once, and fail early on a bad pattern file

    family = "terms"

    def records(self, document: Document, results: dict) -> list[Term]:
        """The records alone, from the Document and the earlier families' records (no Doc needed)."""
        return tag_terms(document)

    def __call__(self, doc: Doc) -> Doc:
        document: Document = doc.user_data[CONTEXT]
        terms = self.records(document, doc.user_data[RESULTS])
        doc.user_data[RESULTS][self.family] = terms
        doc.user_data[TERM_LOOKUP] = term_lookup(terms)
        doc.spans[SPAN_GROUP] = span_group(doc, document, terms, lambda t: "TERM")
        return doc
