"""Which numbers in a document are its section and article headings: a numbering model.

A heading number can stand in many places: at the start of a paragraph ("8. The Company …"),
alone on its line with the caption below ("3.1" / "Payment"), glued to its caption
("3.PAYMENT", "1.Demise.", "3.1.The"), after a keyword ("ARTICLE IV", "Section 101",
"SECTION ONE"), or in the middle of a line where hard wrapping or a flattened export ran the
paragraphs together ("… the Building. 2. Common Areas. Tenant …"). Every such place is a
*candidate*. Most numbers in a contract are not headings ("Section 2 of the Plan", "4.0 acres",
a page number, a date), so a candidate becomes a heading only where the sequence accepts it.

The model (after eRegs' regulations-parser, which derives paragraph depths by constraint
solving, but searched in linear time): the accepted headings of one family form a single
chain through the document in which each number *continues* the one before — 1 → 2,
1.1 → 1.2, 1.2 → 2 or 2.1, 2 → 2.1, 10.4 → 10.4.1 — or opens the chain at its first value.
Of all chains, the one with the most layout evidence wins (own paragraph, own line, sentence
end before, a caption after, a keyword): a dynamic programme over the candidates in reading
order, with the best chain so far kept per number prefix, so each candidate is one lookup.
Layout only weighs; nothing is vetoed by it. A stray "5." inside a sentence cannot break the
chain, since the chain that skips it is as good; a table of contents cannot take the body's
numbers, since a chain cannot go back and the body's headings carry more evidence.

Articles (``ARTICLE I``, ``Article 1:``) and bare roman top-level sections (``I.  APPOINTMENT``)
are chains of their own, over single numbers. A chain may restart at 1 after an attachment
heading (an exhibit numbers its own sections).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clean import CleanText, Gap, Line, _map_collapsed

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE THIRTEEN FOURTEEN "
        "FIFTEEN SIXTEEN SEVENTEEN EIGHTEEN NINETEEN".split()
    )
}
NUMBER_WORDS.update({"TWENTY": 20, "THIRTY": 30, "FORTY": 40, "FIFTY": 50})


def roman_value(s: str) -> int | None:
    s = s.lower()
    if not s or any(ch not in _ROMAN for ch in s):
        return None
    total = 0
    for a, b in zip(s, s[1:] + " "):
        va, vb = _ROMAN[a], _ROMAN.get(b, 0)
        total += -va if va < vb else va
    return total if total > 0 and to_roman(total) == s else None


def to_roman(n: int) -> str:
    out = ""
    for value, numeral in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += numeral
            n -= value
    return out


def word_number(token: str) -> int | None:
    """"ONE" → 1, "Twenty-One" → 21."""
    words = token.upper().replace("-", " ").split()
    if words and all(w in NUMBER_WORDS for w in words):
        return sum(NUMBER_WORDS[w] for w in words)
    return None


# --- candidates --------------------------------------------------------------------------

ARTICLE, SECTION, ROMAN, LETTER = "article", "section", "roman", "letter"
# "(a)  Base Salary. You will receive …": a captioned lettered paragraph, the top level of a
# letter agreement that has no sections above its lettered list.
_LETTER_TOP = re.compile(r"\((?P<tok>[a-z])\)\s+(?=[A-Z][\w'’\-]*(?:\s+[A-Za-z][\w'’\-]*){0,6}\.(?:\s|$))")
LETTER_TOP_MIN = 3

_NUM_WORD = r"(?:(?:TWENTY|THIRTY|FORTY|FIFTY|Twenty|Thirty|Forty|Fifty)[- ])?(?:ZERO|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN|ELEVEN|TWELVE|THIRTEEN|FOURTEEN|FIFTEEN|SIXTEEN|SEVENTEEN|EIGHTEEN|NINETEEN|TWENTY|THIRTY|FORTY|FIFTY|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Eleven|Twelve|Thirteen|Fourteen|Fifteen|Sixteen|Seventeen|Eighteen|Nineteen|Twenty|Thirty|Forty|Fifty)"
_ARTICLE_RE = re.compile(
    rf"(?P<kw>ARTICLE|Article)\s+(?P<num>[IVXLC]{{1,7}}|\d{{1,2}}|{_NUM_WORD})(?![\w.]\w)\s*[.:\-–—]?"
)
_SECTION_KW_RE = re.compile(
    rf"(?P<kw>SECTION|Section|§)\s*(?P<num>\d{{1,4}}(?:\.\d{{1,3}}){{0,3}}|{_NUM_WORD})(?P<dot>\.)?(?![\w(]|\.\d)"
)
# "8. ", "1.01 ", "10.4.1 ", and glued "3.PAYMENT", "3.1.The".
_NUMBER_RE = re.compile(r"(?P<num>\d{1,3}(?:\.\d{1,3}){0,3})(?P<dot>\.)?(?=\s|[A-Z\"“(]|$)")
_ROMAN_RE = re.compile(r"(?P<num>[IVXL]{1,6})\.(?=\s)")
_KEYWORD_ALONE = re.compile(r"^(?:ARTICLE|Article)$")
_NUMBER_ALONE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){1,3}\.?|\d{1,3}\.)$")
# A caption or the first word of a sentence: capitalised, or a quoted defined term, or the
# bracketed asterisks that stand for words a filing redacted ("1.35 "[ * ]" shall have …",
# "1.36 "[ * ] Percentage" shall be …").
_CAPTION_START = re.compile(r"[\"“(]?(?:[A-Z]|\[\s*\*[\s*]*\])")
_PART_START = re.compile(r"\((?:[a-z]{1,4}|\d{1,2}|[A-Z])\)\s")  # "8. (a) The Company …"
_TITLE_CAPTION = re.compile(r"[\"“]?[A-Z][\w'’\-,&/]*(?:\s+(?:[A-Z][\w'’\-,&/]*|of|and|or|the|to|for|in|on|a|an|by|with|upon|as|&|-))*\s*[.:]")
# Words after which a number is a reference, never a heading ("Section 2. The" is cited).
_REFERENCE_WORD = re.compile(
    r"(?:sections?|articles?|clauses?|paragraphs?|subsections?|items?|exhibits?|schedules?|annex|appendix|"
    r"pages?|rules?|parts?|no|nos|number|and|or|to|through|of|in|under|see|§),?",
    re.I,
)
_REFERENCE_NOUN = re.compile(
    r"(?:sections?|articles?|clauses?|paragraphs?|subsections?|items?|exhibits?|schedules?|annex|appendix|"
    r"pages?|rules?|parts?|no|nos|number|see|§),?",
    re.I,
)
_ABBREVIATION_END = re.compile(r"\b(?:Inc|Co|Corp|Ltd|No|Nos|Mr|Ms|Mrs|Dr|St|Jr|Sr|Esq|vs|U\.S|etc|Sec|Art|Para)\.$")
_SENTENCE_END = re.compile(r"[.:!?][\"'”’)\]]*$")
_ATTACHMENT_LINE = re.compile(
    r"^(?:ANNEX|SCHEDULE|EXHIBIT|APPENDIX|Annex|Schedule|Exhibit|Appendix)\s+[\"“]?[A-Z0-9][A-Z0-9.\-]{0,8}[\"”]?"
    r"(?:\s+(?:[A-Z][A-Z0-9 ,&'’/()\-]{2,80}|[\"“][^\"”]{2,60}[\"”]|[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){0,5}))?$"
)
_TERMINATED = re.compile(r"(?:[.;:!?][\"')\]”’]*|[;,]\s*(?:and|or|and/or))$")
# "AMENDMENT #2 TO THE DISTRIBUTION AGREEMENT" after the first instrument's signatures: a
# second instrument filed with it, attached as its heading names it (numbering restarts).
INSTRUMENT_HEADING = re.compile(
    r"^AMENDMENT\s+(?P<id>#\s?\d{1,2}|NO\.\s?\d{1,2})(?:\s+TO\s+[A-Z][A-Z0-9 ,&'’/()\-]{2,80})?$"
)
_SIGNED = re.compile(r"\bIN\s+WITNESS\s+WHEREOF\b")


def instrument_label(m: re.Match) -> str:
    """"AMENDMENT #2 TO …" → "Amendment #2"; "AMENDMENT NO. 2" → "Amendment No. 2"."""
    ident = m.group("id").replace(" ", "")
    return "Amendment " + (f"No. {ident[3:]}" if ident.startswith("NO.") else ident)

CONTEXT_CHARS = 80  # how far back a candidate looks for the word before it
AFTER_CHARS = 200  # and how far ahead for its caption

# Layout evidence, in chain points. Every candidate earns something (a longer chain is a
# better chain); the layout decides between rival chains.
W_BASE = 1.0
W_PARAGRAPH = 2.0  # starts a paragraph (blank line, page break, or a full stop before)
W_OWN_LINE = 0.5  # starts its line
W_MID_LINE = -0.5  # inside a line: the weakest place
W_CAPTION = 1.0  # a Title Case caption follows ("Common Areas.")
W_KEYWORD = 1.0  # "ARTICLE", "Section"
W_RUN_ON = 0.25  # inside a line with no stop or gap before it
W_SKIPPED_PARENT = -0.5
W_SKIPPED_NUMBER = -1.5  # "15" right after "13"
W_LATE_START = -1.0  # a chain that opens at "2.1" rather than "1" or "1.1"  # "2.1" right after "1.7": the "2" heading was not seen


@dataclass(frozen=True)
class Candidate:
    pos: int  # source offset of the marker
    family: str  # ARTICLE, SECTION or ROMAN
    number: tuple[int, ...]
    written: str  # the number as the label writes it: "IV", "1.01", "101", "1" for ONE
    marker_end: int  # source offset just after the marker ("3." of "3.PAYMENT")
    line: int  # index of the clean line it stands on
    mid_line: bool
    weight: float
    keyword: str = ""  # "Section", "ARTICLE" …


@dataclass(frozen=True)
class Heading:
    """An accepted heading number: ``label`` is what the document cites ("Article IV", "3.1")."""

    pos: int
    family: str
    number: tuple[int, ...]
    label: str
    marker_end: int
    line: int
    mid_line: bool
    keyword: str


def _line_offsets(clean: CleanText, line: Line) -> list[int] | None:
    """Source offset of every character of ``line.text`` (None when it cannot be mapped)."""
    k = clean.to_clean(line.start)
    if clean.text[k : k + len(line.text)] == line.text:
        return list(clean.offsets[k : k + len(line.text)])  # the clean text's own map
    raw = clean.source[line.start : line.end]
    if line.tabular:
        return list(range(line.start, line.end)) if raw == line.text else None
    kept = _map_collapsed(raw, line.text)
    if len(kept) != len(line.text):
        return None
    return [line.start + k for k in kept]


def _paragraph_start(lines: tuple[Line, ...], i: int) -> bool:
    line = lines[i]
    if i == 0 or line.gap is not Gap.NONE:
        return True
    prev = lines[i - 1].text.rstrip()
    return bool(_TERMINATED.search(prev)) or prev.isupper() or len(prev) < 45 and prev[-1:] not in ",;"


def _match_at(text: str, k: int, line_start: bool):
    """The heading marker at ``text[k:]``, if one can stand there: (family, number, written,
    marker length, keyword, caption_follows)."""
    if m := _ARTICLE_RE.match(text, k):
        tok = m.group("num")
        if tok.isdigit():
            number, written = int(tok), tok
        elif (r := roman_value(tok)) is not None and tok.isupper():
            number, written = r, tok
        else:
            number = word_number(tok)
            written = str(number) if number is not None else ""
        if number is None:
            return None
        after = text[m.end() : m.end() + AFTER_CHARS].lstrip()
        if after and not _CAPTION_START.match(after):
            return None  # "Article 2 above shall …": a reference wrapped to a line start
        return ARTICLE, (number,), written, m.end() - k, m.group("kw"), True
    if m := _SECTION_KW_RE.match(text, k):
        tok = m.group("num")
        if tok[:1].isdigit():
            parts = tuple(int(p) for p in tok.split("."))
            if len(parts) == 1 and parts[0] >= 100 and tok[-2:].isdigit():
                parts = (parts[0] // 100, parts[0] % 100)  # "Section 101" in "ARTICLE ONE"
            written = tok
        else:
            n = word_number(tok)
            if n is None:
                return None
            parts, written = (n,), str(n)
        after = text[m.end() : m.end() + AFTER_CHARS].lstrip()
        if after and not _CAPTION_START.match(after):
            return None  # "Section 4 of the Plan"
        return SECTION, parts, written, m.end() - k, m.group("kw"), bool(_TITLE_CAPTION.match(after))
    if m := _NUMBER_RE.match(text, k):
        tok, dot = m.group("num"), m.group("dot")
        parts = tuple(int(p) for p in tok.split("."))
        if len(parts) == 1 and not dot:
            # "5 Master" / "1997 Employee" are not headings; "1     Definitions", a short
            # caption set apart by a layout gap at a line start, is.
            rest = text[m.end() : m.end() + AFTER_CHARS]
            if not (line_start and len(text) - m.end() <= AFTER_CHARS and re.match(r"\s{2,}[A-Z][\w'’]*(?:\s[A-Za-z][\w'’]*){0,5}$", rest)):
                return None
        if len(parts) > 1 and 0 in parts[1:] and not re.search(r"\.0\d", tok):
            return None  # "4.0 acres"
        if any(p == 0 for p in parts[:1]):
            return None
        after_raw = text[m.end() : m.end() + AFTER_CHARS]
        after = after_raw.lstrip()
        if not after:
            return SECTION, parts, tok, m.end() - k, "", False
        lower_ok = line_start and len(parts) > 1 and after[:1].isalpha()  # "2.2.1. the title …"
        if not _CAPTION_START.match(after) and not _PART_START.match(after) and not lower_ok:
            return None
        if re.match(r"\s*(?:[A-Z]\.|\d)", after_raw) and len(parts) == 1:
            pass  # "1. A. …" is still a heading followed by a part
        return SECTION, parts, tok, m.end() - k, "", bool(_TITLE_CAPTION.match(after))
    if line_start and (m := _ROMAN_RE.match(text, k)):
        value = roman_value(m.group("num"))
        after = text[m.end() : m.end() + AFTER_CHARS].lstrip()
        if value is None or not after or not _CAPTION_START.match(after):
            return None
        return ROMAN, (value,), m.group("num"), m.end() - k, "", after.split()[0].isupper()
    return None


def candidates(clean: CleanText) -> tuple[list[Candidate], list[int]]:
    """Every place a heading number can stand, and the attachment headings (chain restarts)."""
    lines = clean.lines
    out: list[Candidate] = []
    resets: list[int] = []
    signed = _SIGNED.search(clean.text)
    signed_at = clean.offsets[signed.start()] if signed else len(clean.source)
    for i, line in enumerate(lines):
        text = line.text
        if line.contents:
            continue  # a table of contents entry repeats a heading; it is not one
        if _ATTACHMENT_LINE.match(text) or line.start > signed_at and INSTRUMENT_HEADING.match(text):
            resets.append(line.start)
            continue
        para = _paragraph_start(lines, i)
        # A number or keyword with the line to itself: its caption (or number) is the next line.
        if i + 1 < len(lines) and (_NUMBER_ALONE.match(text) or _KEYWORD_ALONE.match(text)):
            nxt = lines[i + 1].text
            joined = f"{text} {nxt}"
            hit = _match_at(joined, 0, True)
            if hit and (hit[3] <= len(text) or _KEYWORD_ALONE.match(text)):
                family, number, written, length, kw, caption = hit
                end = line.end if hit[3] <= len(text) else lines[i + 1].start + (length - len(text) - 1)
                weight = W_BASE + W_OWN_LINE + (W_PARAGRAPH if para else 0) + W_CAPTION + (W_KEYWORD if kw else 0)
                out.append(Candidate(line.start, family, number, written, end, i, False, weight, kw))
            continue
        if para and (m := _LETTER_TOP.match(text)):
            value = ord(m.group("tok")) - 96
            out.append(Candidate(line.start, LETTER, (value,), f"({m.group('tok')})", line.start + 3, i, False, W_BASE + W_PARAGRAPH, ""))
        hit = _match_at(text, 0, True)
        if hit:
            family, number, written, length, kw, caption = hit
            weight = W_BASE + W_OWN_LINE + (W_PARAGRAPH if para else 0) + (W_CAPTION if caption else 0) + (W_KEYWORD if kw else 0)
            offsets = _line_offsets(clean, line)
            end = offsets[length - 1] + 1 if offsets and length - 1 < len(offsets) else line.start + length
            out.append(Candidate(line.start, family, number, written, end, i, False, weight, kw))
        # Inside the line: after a sentence end, or after a layout gap of two or more spaces.
        offsets = None
        for m in re.finditer(r"\s+(?=[\dAS§])", text):
            k = m.end()
            before = text[max(0, m.start() - CONTEXT_CHARS) : m.start()]  # a window: stay linear
            word = before.rsplit(None, 1)[-1] if before.strip() else ""
            if not word or _REFERENCE_WORD.fullmatch(word.lstrip("(\"“")):
                continue
            sentence_end = bool(_SENTENCE_END.search(word)) and not _ABBREVIATION_END.search(before)
            hit = _match_at(text, k, False)
            if not hit or hit[0] == ROMAN:
                continue
            if offsets is None:
                offsets = _line_offsets(clean, line)
                if offsets is None:
                    break
            # Two or more spaces in the source (a layout gap the cleaner collapsed) also set
            # a heading apart: "… EXECUTION COPY   ARTICLE 4 …", "Definitions  1.1 The …".
            gap = offsets[k] - offsets[m.start()] >= 2
            # After a capitalised word, with no stop at all: a caption without its full stop
            # ("… Securities Laws 1. Definitions In this Agreement"). The weakest evidence: it
            # only lets a chain go on through a heading nothing else marks.
            after_title = word[:1].isupper() or word[-1:] in "\"”)%" or word[-1:].isdigit()  # "… 30% 100% 6. Closing"
            if not sentence_end and not gap and not after_title:
                continue
            family, number, written, length, kw, caption = hit
            weight = W_BASE + W_MID_LINE + (W_CAPTION if caption else 0) + (W_KEYWORD if kw else 0)
            if not sentence_end and not gap:
                weight = W_RUN_ON
            if sentence_end:
                weight += W_PARAGRAPH / 2
            out.append(Candidate(offsets[k], family, number, written, offsets[k + length - 1] + 1, i, True, weight, kw))
    out.sort(key=lambda c: c.pos)
    resets += [pos for _, pos in attachments_inside_lines(clean)]
    return _mark_contents_entries(clean, out), sorted(resets)


_PAGE_REF_END = re.compile(r"(?:\d{1,3}|[ivxl]{1,5}|-[ivxl]{1,5}-|-\d{1,3}-)$")
TOC_ENTRY_MAX_WORDS = 14
W_CONTENTS_ENTRY = -1.0  # a chain gains nothing from a table of contents


def _mark_contents_entries(clean: CleanText, cands: list[Candidate]) -> list[Candidate]:
    """A heading whose text up to the next heading is a few words ending in a page number
    ("1.2 "Affiliate" 1", "ARTICLE 2 JOINT DEVELOPMENT COMMITTEE 8") is a table of contents
    entry: it weighs against a chain, so the body's own headings win."""
    out = []
    for k, cand in enumerate(cands):
        line_end = clean.lines[cand.line].end
        nxt = cands[k + 1].pos if k + 1 < len(cands) else len(clean.source)
        span = clean.source[cand.marker_end : min(nxt, line_end)]
        words = span.split()
        # The entry ends in a page number ("… Affiliate 1"), not in a word ending in "l" nor
        # in a citation ("… as detailed in Schedule 3").
        page_ref = len(words) >= 2 and _PAGE_REF_END.fullmatch(words[-1]) and not _REFERENCE_NOUN.fullmatch(words[-2])
        if 0 < len(words) <= TOC_ENTRY_MAX_WORDS and page_ref:
            cand = Candidate(cand.pos, cand.family, cand.number, cand.written, cand.marker_end, cand.line, cand.mid_line, W_CONTENTS_ENTRY, cand.keyword)
        out.append(cand)
    return out


# --- the chains ----------------------------------------------------------------------------


def _successor_keys(number: tuple[int, ...]) -> list[tuple[tuple[int, ...], bool, float]]:
    """Which chain ends may precede ``number``: (key, exact, extra weight).

    ``exact`` keys name one number (a parent opening its first child: "2" before "2.1");
    the others are prefixes (anything under "1.6" may precede "1.7").
    """
    *head, last = number
    head = tuple(head)
    keys: list[tuple[tuple[int, ...], bool, float]] = []
    if last > 1:
        keys.append((head + (last - 1,), False, 0.0))
        # A sibling the candidates missed (a garbled "14 ." in a scanned lease): the chain
        # may step over up to three numbers, at a price.
        for skipped in (1, 2, 3):
            if last - 1 - skipped >= 1:
                keys.append((head + (last - 1 - skipped,), False, W_SKIPPED_NUMBER * skipped))
        if head:
            keys.append((head, True, W_LATE_START))  # "1.10" the first part shown under "1"
    else:
        if head:
            keys.append((head, True, 0.0))
            if head[-1] > 1:
                keys.append((head[:-1] + (head[-1] - 1,), False, W_SKIPPED_PARENT))
    return keys


def _starts_chain(number: tuple[int, ...]) -> bool:
    return all(p == 1 for p in number) and len(number) <= 2


def _best_chain(cands: list[Candidate], resets: list[int]) -> list[Candidate]:
    """The heaviest chain in which every number continues the one before (see module doc)."""
    if not cands:
        return []
    by_prefix: dict[tuple[int, ...], tuple[float, int]] = {}
    exact: dict[tuple[int, ...], tuple[float, int]] = {}
    score: list[float] = []
    back: list[int] = []
    best_total, best_end = 0.0, -1
    restart_score, restart_pred = 0.0, -1  # the best chain a fresh start at 1 may follow
    reset_iter = iter(sorted(resets))
    next_reset = next(reset_iter, None)
    for j, cand in enumerate(cands):
        while next_reset is not None and next_reset <= cand.pos:
            if best_total > restart_score:
                restart_score, restart_pred = best_total, best_end
            next_reset = next(reset_iter, None)
        options: list[tuple[float, int]] = []
        if _starts_chain(cand.number):
            options.append((restart_score, restart_pred))
        elif len(cand.number) == 2 and cand.number[1] == 1:
            # "2.1" first: Article I had no numbered sections ("ARTICLE I  DEFINITIONS").
            options.append((restart_score + W_LATE_START, restart_pred))
        elif len(cand.number) <= 2:
            # An excerpt, or a list whose first items the candidates missed ("Section 105").
            options.append((restart_score + 2 * W_LATE_START, restart_pred))
        for key, is_exact, extra in _successor_keys(cand.number):
            hit = (exact if is_exact else by_prefix).get(key)
            if hit:
                options.append((hit[0] + extra, hit[1]))
        if not options:
            score.append(float("-inf"))
            back.append(-1)
            continue
        base, pred = max(options)
        if base == float("-inf"):
            score.append(base)
            back.append(-1)
            continue
        s = base + cand.weight
        score.append(s)
        back.append(pred)
        for t in range(len(cand.number) + 1):
            key = cand.number[:t]
            if key not in by_prefix or by_prefix[key][0] < s:
                by_prefix[key] = (s, j)
        if cand.number not in exact or exact[cand.number][0] < s:
            exact[cand.number] = (s, j)
        if s > best_total:
            best_total, best_end = s, j
    chain = []
    j = best_end
    while j >= 0:
        chain.append(cands[j])
        j = back[j]
    return chain[::-1]


def headings(clean: CleanText) -> list[Heading]:
    """The accepted article and section headings of ``clean``, in reading order."""
    cands, resets = candidates(clean)
    chains = {family: _best_chain([c for c in cands if c.family == family], resets) for family in (ARTICLE, SECTION, ROMAN, LETTER)}
    chains = {f: ch for f, ch in chains.items() if len(ch) >= 2}
    if LETTER in chains and (len(chains) > 1 or len(chains[LETTER]) < LETTER_TOP_MIN):
        del chains[LETTER]  # lettered paragraphs are parts wherever anything numbers above them
    # Bare roman sections and bare numbers compete for the top level: the family that starts
    # first is the top; the other's numbers are parts under it ("I." / "A." / "1.").
    if ROMAN in chains and SECTION in chains:
        bare_sections = [c for c in chains[SECTION] if not c.keyword]
        if bare_sections and chains[ROMAN][0].pos < chains[SECTION][0].pos:
            chains[SECTION] = [c for c in chains[SECTION] if c.keyword]
        else:
            del chains[ROMAN]
    accepted = sorted((c for ch in chains.values() for c in ch), key=lambda c: c.pos)
    out = []
    for c in accepted:
        label = f"Article {c.written}" if c.family == ARTICLE else c.written  # "(a)" for LETTER
        out.append(Heading(c.pos, c.family, c.number, label, c.marker_end, c.line, c.mid_line, c.keyword))
    return out


def marker_length(text: str) -> int:
    """How many characters of ``text`` its heading marker takes ("ARTICLE IV." , "3.1.")."""
    hit = _match_at(text, 0, True)
    if hit:
        return hit[3]
    m = _LETTER_TOP.match(text)
    return 3 if m else 0


# --- parts that start inside a line ---------------------------------------------------------

# Markers a scan misreads: digit one for the letter l or roman i, "11"/"n" for "ii", … . A
# misread marker is read so only where the sequence wants it: it continues an open list, or
# it opens one beside its own reading ("1." that the next item shows to be "i.").
OCR_READINGS = {
    "1": ("l", "i"), "l": ("i",), "I": ("l", "i"), "11": ("ii",), "II": ("11", "ii"), "n": ("ii",),
    "u": ("ii",), "111": ("iii",), "1v": ("iv",), "lv": ("iv",), "v1": ("vi",),
}

# "… Lease Term. a. Initial Term. The initial term …": a dotted part marker inside a line.
# Parenthesised parts inside a line are inline enumerations (the segmenter's inline pass);
# dotted ones are parts only when a whole run of them is there.
_PART_TOKEN = r"[a-z]|[ivx]{1,5}|[A-Z]|[IVX]{2,5}|\d{1,2}|111|1v|lv|v1"
_PART_MID = re.compile(
    rf"(?:\s+|(?<=[a-z]\.)(?=[ivx]{{2,5}}\.))(?P<tok>{_PART_TOKEN})\.(?=\s|$)"
)
_PART_LINE = re.compile(rf"^(?P<tok>{_PART_TOKEN})\.\s+(?=[A-Z\"“])")
_PART_ALONE = re.compile(rf"^(?P<tok>{_PART_TOKEN})\.$")  # "4." on its line, its text on the next
_STOP_BEFORE = re.compile(r"[.:;][\"'”’)]*$")
_LIST_JOIN_BEFORE = re.compile(r"[;,]\s+(?:or|and)$")  # "…; or iii. The proposed use …"

_NEXT_WORD = re.compile(r"\s*(\S)")
STRONG, WEAK = "strong", "weak"  # a strong marker may open a run; a weak one only continues it
MAX_OPEN_RUNS = 8  # open runs kept at once (each marker looks at all of them: stays linear)


@dataclass(frozen=True)
class PartStart:
    """A dotted part the numbering model accepts: where it starts, and the marker as the
    sequence reads it (``"i"`` for a scanned ``"1."`` between nothing and ``"ii."``)."""

    line: int
    pos: int
    token: str  # the marker as read
    mid_line: bool


def _part_values(tok: str) -> list[tuple[str, int, str, bool]]:
    """(style, value, token as read, misread) for every reading of a dotted marker, its own
    readings first."""
    out: list[tuple[str, int, str, bool]] = []
    for reading, misread in [(tok, False)] + [(alt, True) for alt in OCR_READINGS.get(tok, ())]:
        if reading.isdigit():
            out.append(("digit", int(reading), reading, misread))
            continue
        r = roman_value(reading)
        if reading.islower():
            if r is not None:
                out.append(("roman", r, reading, misread))
            if len(reading) == 1:
                out.append(("alpha", ord(reading) - 96, reading, misread))
        elif reading.isupper():
            if r is not None:
                out.append(("ROMAN", r, reading, misread))
            if len(reading) == 1:
                out.append(("ALPHA", ord(reading) - 64, reading, misread))
    return out


@dataclass
class _Run:
    styles: set[str]  # the styles it may still be: a scanned "1." is digit or roman until "ii."
    first: dict[str, str]  # how its first marker reads in each of those styles
    value: int
    items: list[tuple[int, int, str, bool]]  # (line, pos, token as read, mid_line)
    # Opened by a weak marker ("… EVENT   AMOUNT 1.   Upon …", a flattened table's first row):
    # the run stands only if a strong marker ("2." starting a paragraph) goes on with it.
    tentative: bool = False


def _mid_line_markers(clean: CleanText, i: int, line: Line):
    """(pos, token, strength) of each dotted marker inside ``line`` (and at its end, with its
    text on the next line: "… as set forth in Paragraph 1. h.\\nTo park …")."""
    offsets = None
    text = line.text
    for m in _PART_MID.finditer(text):
        if m.start("tok") == 0:
            continue  # the line's own start: _PART_LINE's
        before = text[max(0, m.start("tok") - CONTEXT_CHARS) : m.start("tok")].rstrip()
        word = before.rsplit(None, 1)[-1] if before else ""
        if not word or _ABBREVIATION_END.search(before):
            continue
        nxt = _NEXT_WORD.match(text, m.end())  # a match, not a slice: a 1 MB line stays linear
        after = nxt.group(1) if nxt else clean.lines[i + 1].text[:1] if i + 1 < len(clean.lines) else ""
        capital = bool(re.match(r"[A-Z\"“]", after))
        glued = m.start("tok") == m.start()
        if _LIST_JOIN_BEFORE.search(before) or glued:
            strength = WEAK  # "…; or iii. The proposed use", "… Landlord.iii. Insurance."
        elif _REFERENCE_WORD.fullmatch(word.strip("(\"“,")):
            # "Section 5." / "Paragraph I." is cited; after a small word ("water in f. To
            # keep", text a scan moved) a marker may still continue an open run.
            if not capital or _REFERENCE_NOUN.fullmatch(word.strip("(\"“,")):
                continue
            strength = WEAK
        elif _STOP_BEFORE.search(before):
            strength = STRONG if capital else WEAK  # "e. pipes and fixtures.": text a scan moved
        elif capital:
            strength = WEAK
        else:
            continue
        if offsets is None:
            offsets = _line_offsets(clean, line)
            if offsets is None:
                return
        yield offsets[m.start("tok")], m.group("tok"), strength


def part_starts(clean: CleanText, heads: list[Heading]) -> list[PartStart]:
    """Each dotted part that belongs to a run "a., b., c." of at least two parts under one
    heading: those inside a line (the segmenter cuts the line there) and those at a line start
    that a wrapped paragraph hides ("… Tenant's business.\\ne. Any action …").

    The runs nest like the clause tree: a marker continues the innermost open run it can
    (closing the runs inside it) or opens a run at its first value; a misread marker is read
    as whatever continues a run ("n." after "1." is "ii.").
    """
    import bisect

    bounds = sorted(h.pos for h in heads)
    head_positions = set(bounds)
    found: list[tuple[int, int, str, str, bool]] = []  # (pos, line, tok, strength, mid_line)
    for i, line in enumerate(clean.lines):
        if line.contents or line.end <= (bounds[0] if bounds else line.end):
            continue  # a table of contents, or the recitals before the first heading
        m = _PART_LINE.match(line.text)
        if not m and line.gap is not Gap.NONE and i + 1 < len(clean.lines) and _CAPTION_START.match(clean.lines[i + 1].text):
            m = _PART_ALONE.match(line.text)  # "4." alone on its line, its text starting the next
        if m and line.start not in head_positions:
            # A wrapped line may start with a citation's number: "… set forth in Paragraph" /
            # "I. Tenant agrees …".
            cited = i > 0 and _REFERENCE_NOUN.fullmatch(clean.lines[i - 1].text.rsplit(None, 1)[-1].strip("(\"“,"))
            if not cited:
                found.append((line.start, i, m.group("tok"), STRONG, False))
        for pos, tok, strength in _mid_line_markers(clean, i, line):
            if pos not in head_positions:
                found.append((pos, i, tok, strength, True))
    found.sort()
    accepted: list[PartStart] = []
    stack: list[_Run] = []
    region = -1

    def finish(runs: list[_Run]) -> None:
        for run in runs:
            if len(run.items) >= 2 and not run.tentative:  # one style by now: its second marker chose it
                (style,) = run.styles
                i, pos, _, mid = run.items[0]
                accepted.append(PartStart(i, pos, run.first[style], mid))
                accepted.extend(PartStart(i, pos, tok, mid) for i, pos, tok, mid in run.items[1:])

    for pos, i, tok, strength, mid in found:
        r = bisect.bisect_right(bounds, pos)
        if r == 0:
            continue
        if r != region:  # runs never cross a heading
            finish(stack)
            stack, region = [], r
        values = _part_values(tok)
        cont = next(
            ((k, st, v, read) for k in range(len(stack) - 1, -1, -1)
             for st, v, read, _ in values if st in stack[k].styles and v == stack[k].value + 1),
            None,
        )
        if cont:
            k, st, v, read = cont
            finish(stack[k + 1 :])
            del stack[k + 1 :]
            run = stack[k]
            if run.tentative and len(run.items) == 1 and strength is not STRONG:
                continue  # a weak run needs a strong second marker
            run.tentative = False
            run.styles, run.value = {st}, v
            run.items.append((i, pos, read, mid))
            continue
        own = [(st, read) for st, v, read, misread in values if v == 1 and not misread]
        if not own:
            continue
        if strength is WEAK:
            # A weak first marker opens a run only beside the open ones, closing none, and
            # only as a tentative one (a strong second marker confirms it).
            if any(st in run.styles for run in stack for st, _ in own) or len(stack) >= MAX_OPEN_RUNS:
                continue
            first = {st: read for st, v, read, _ in reversed(values) if v == 1}
            stack.append(_Run(set(first), first, 1, [(i, pos, tok, mid)], tentative=True))
            continue
        # A list that starts again closes the open run of its style, unless that run is one
        # still-ambiguous marker: then the marker was the other reading ("1. Common Areas …:
        # 1. Operating …" — the first "1." is roman).
        for st, _ in own:
            for k in range(len(stack) - 1, -1, -1):
                if st in stack[k].styles:
                    if len(stack[k].styles) > 1 and len(stack[k].items) == 1:
                        stack[k].styles.discard(st)
                    else:
                        finish(stack[k:])
                        del stack[k:]
                    break
        first = {st: read for st, v, read, _ in reversed(values) if v == 1}  # its own reading wins
        stack.append(_Run(set(first), first, 1, [(i, pos, tok, mid)]))
        if len(stack) > MAX_OPEN_RUNS:  # lists nest a few deep; a longer stack is noise
            finish(stack[:1])
            del stack[:1]
    finish(stack)
    return sorted(accepted, key=lambda p: p.pos)


# "… from Landlord to a prospect IN WITNESS WHEREOF, the undersigned …": the closing, run into
# the last section's line. Capitals make it unmistakable.
_CLOSING_MID = re.compile(r"(?<=\S)\s+(?=IN WITNESS WHEREOF\b)")


def closings_inside_lines(clean: CleanText, heads: list[Heading]) -> list[tuple[int, int]]:
    """(line index, source offset) of each "IN WITNESS WHEREOF" inside a line, after the
    first heading (a recital may cite it before)."""
    if not heads:
        return []
    first = heads[0].pos
    out = []
    for i, line in enumerate(clean.lines):
        if line.end <= first or "IN WITNESS WHEREOF" not in line.text[1:]:
            continue
        offsets = _line_offsets(clean, line)
        if offsets is None:
            continue
        for m in _CLOSING_MID.finditer(line.text):
            out.append((i, offsets[m.end()]))
    return out


# "CONFIDENTIAL   EXECUTION COPY   EXHIBIT A  LIST OF PATENTS": a running header with the
# attachment's heading after it, set apart by a layout gap, at the end of the line.
_ATTACHMENT_END = re.compile(
    r"\s(?=(?:ANNEX|SCHEDULE|EXHIBIT|APPENDIX)\s+[A-Z0-9][A-Z0-9.\-]{0,8}(?:\s+[A-Z][A-Z0-9 ,&'’/()\-]{2,80})?$)"
)


# "SCHEDULE A COMPLIANCE WITH UNITED STATES SECURITIES LAWS As used in this Schedule …": a
# paragraph that opens with an attachment's heading and its all-capitals title, its text run on.
_ATTACHMENT_RUN_IN = re.compile(
    r"^(?:ANNEX|SCHEDULE|EXHIBIT|APPENDIX)\s+[\"“]?[A-Z0-9]{1,4}(?:[.\-]\d{1,2})?[\"”]?"
    r"(?:\s+[A-Z][A-Z0-9,&'’/()\-]*){2,12}\s+(?=[A-Z][a-z])"
)


def attachments_inside_lines(clean: CleanText) -> list[tuple[int, int]]:
    """(line index, source offset) of an all-capitals attachment heading that ends a line
    after a layout gap, behind an all-capitals running header; and of the text run on after
    a heading and title that open a paragraph (cut after the title)."""
    out = []
    for i, line in enumerate(clean.lines):
        if line.contents:
            continue
        if (i == 0 or line.gap is not Gap.NONE) and (m := _ATTACHMENT_RUN_IN.match(line.text)):
            offsets = _line_offsets(clean, line)
            if offsets is not None:
                out.append((i, offsets[m.end()]))
            continue
        if len(line.text) > 200 or not line.text.isupper():
            continue  # (what a match leaves before it must be in capitals, and so is the match)
        m = _ATTACHMENT_END.search(line.text)
        if not m or not line.text[: m.start()].isupper():
            continue
        offsets = _line_offsets(clean, line)
        if offsets is None or offsets[m.end()] - offsets[m.start()] < 2:
            continue
        out.append((i, offsets[m.end()]))
    return out
