"""How Sheets types what is written (RAW vs USER_ENTERED) and renders it back (formatted, unformatted, formula).

A cell is stored compactly as a JSON-able dict: one of `s` (text), `n` (number), `b` (boolean), `f` (formula
text) for the value; `x` the computed value of a formula (same tags, or `e` for an error) when it was cheap
to compute; `fmt` the userEnteredFormat, `dv` the data validation rule, `note` the note.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Any

Cell = dict[str, Any]

VALUE_KEYS = ("s", "n", "b", "f")
EPOCH = datetime(1899, 12, 30)

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PERCENT = re.compile(r"^([+-]?(\d+\.?\d*|\.\d+))%$")
_ISO_DATE = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?$")


def has_value(cell: Cell | None) -> bool:
    return cell is not None and any(k in cell for k in VALUE_KEYS)


def value_of(tagged: dict[str, Any]) -> Any:
    for key in ("s", "n", "b"):
        if key in tagged:
            return tagged[key]
    return None


# ---- input -----------------------------------------------------------------------------------------


def typed_from_json(value: Any, user_entered: bool, locale: str = "en_US") -> tuple[dict[str, Any], Any]:
    """One value from a values.* request -> (value tags, numberFormat to set or None).

    RAW keeps text as text; USER_ENTERED parses it as if typed into the UI. JSON numbers and booleans are
    typed values either way. An empty string clears the value (returns empty tags).
    """
    if isinstance(value, bool):
        return {"b": value}, None
    if isinstance(value, int | float):
        return {"n": _clean_number(value)}, None
    text = "" if value is None else str(value)
    if text == "":
        return {}, None
    if not user_entered:
        return {"s": text}, None
    return parse_user_entered(text, locale)


def parse_user_entered(text: str, locale: str = "en_US") -> tuple[dict[str, Any], Any]:
    if text.startswith("'"):
        return ({"s": text[1:]} if len(text) > 1 else {}), None
    if text.startswith("=") and len(text) > 1:
        return {"f": text}, None
    stripped = text.strip()
    upper = stripped.upper()
    if upper in ("TRUE", "FALSE"):
        return {"b": upper == "TRUE"}, None
    if _NUMBER.match(stripped):
        return {"n": _clean_number(float(stripped))}, None
    if _GROUPED.match(stripped):
        decimals = len(stripped.split(".")[1]) if "." in stripped else 0
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return {"n": _clean_number(float(stripped.replace(",", "")))}, {"type": "NUMBER", "pattern": pattern}
    match = _PERCENT.match(stripped)
    if match:
        digits = match.group(1)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        pattern = "0" + ("." + "0" * decimals if decimals else "") + "%"
        return {"n": _clean_number(float(digits) / 100)}, {"type": "PERCENT", "pattern": pattern}
    parsed = _parse_datetime(stripped, locale)
    if parsed is not None:
        serial, number_format = parsed
        return {"n": _clean_number(serial)}, number_format
    return {"s": text}, None


def _parse_datetime(text: str, locale: str) -> tuple[float, dict[str, str]] | None:
    try:
        match = _ISO_DATE.match(text)
        if match:
            year, sep, month, day = int(match.group(1)), match.group(2), int(match.group(3)), int(match.group(4))
            date_pattern = f"yyyy{sep}mm{sep}dd"
            return _with_time(datetime(year, month, day), match.group(5), match.group(6), match.group(7), date_pattern)
        match = _SLASH_DATE.match(text)
        if match:
            a, b, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
            month_first = locale.startswith("en_US") or locale in ("en", "fil_PH")
            month, day = (a, b) if month_first else (b, a)
            date_pattern = "M/d/yyyy" if month_first else "d/M/yyyy"
            return _with_time(datetime(year, month, day), match.group(4), match.group(5), match.group(6), date_pattern)
        match = _TIME.match(text)
        if match:
            hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
            if match.group(4):
                if not 1 <= hour <= 12:
                    return None
                hour = hour % 12 + (12 if match.group(4).lower() == "pm" else 0)
            if hour > 23 or minute > 59 or second > 59:
                return None
            return (hour * 3600 + minute * 60 + second) / 86400, {"type": "TIME", "pattern": "h:mm:ss am/pm"}
    except ValueError:
        return None
    return None


def _with_time(
    day: datetime, hour: str | None, minute: str | None, second: str | None, date_pattern: str
) -> tuple[float, dict[str, str]]:
    serial = float((day - EPOCH).days)
    if hour is None or minute is None:
        return serial, {"type": "DATE", "pattern": date_pattern}
    h, m, s = int(hour), int(minute), int(second or 0)
    if h > 23 or m > 59 or s > 59:
        raise ValueError(f"{hour}:{minute}")
    serial += (h * 3600 + m * 60 + s) / 86400
    return serial, {"type": "DATE_TIME", "pattern": f"{date_pattern} H:mm:ss"}


def from_extended_value(value: dict[str, Any]) -> dict[str, Any]:
    """A Google ExtendedValue (`{"stringValue": ...}`) -> value tags."""
    if "stringValue" in value:
        return {"s": str(value["stringValue"])} if value["stringValue"] != "" else {}
    if "numberValue" in value:
        return {"n": _clean_number(float(value["numberValue"]))}
    if "boolValue" in value:
        return {"b": bool(value["boolValue"])}
    if "formulaValue" in value:
        return {"f": str(value["formulaValue"])}
    return {}


def set_value(cell: Cell, tags: dict[str, Any]) -> None:
    """Replace a cell's value (keeping format, validation, note), computing a formula's value when cheap."""
    for key in (*VALUE_KEYS, "x"):
        cell.pop(key, None)
    cell.update(tags)
    if "f" in tags:
        computed = evaluate_formula(str(tags["f"]))
        if computed is not None:
            cell["x"] = computed


def _clean_number(value: float) -> int | float:
    """Whole numbers travel as JSON integers, as Google sends them (2, not 2.0)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# ---- formulas: arithmetic only ----------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)|(\"(?:[^\"]|\"\")*\")|([-+*/^()&]))")


class _Unsupported(Exception):
    pass


def evaluate_formula(formula: str) -> dict[str, Any] | None:
    """The value of `=1+2*3`, `= 1 / 1024`, `="a"&"b"`; None for anything needing a real engine."""
    tokens: list[tuple[str, str]] = []
    pos, text = 0, formula[1:]
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            if text[pos:].strip() == "":
                break
            return None
        pos = match.end()
        if match.group(1):
            tokens.append(("num", match.group(1)))
        elif match.group(2):
            tokens.append(("str", match.group(2)[1:-1].replace('""', '"')))
        else:
            tokens.append(("op", match.group(3)))
    if not tokens:
        return None
    parser = _Parser(tokens)
    try:
        result = parser.expression()
        if parser.pos != len(tokens):
            return None
    except ZeroDivisionError:
        return {"e": {"type": "DIVIDE_BY_ZERO", "message": "Function DIVIDE parameter 2 cannot be zero."}}
    except (_Unsupported, OverflowError, IndexError):
        return None
    if isinstance(result, str):
        return {"s": result} if result else {}
    if not math.isfinite(result):
        return None
    return {"n": _clean_number(result)}


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _peek(self) -> str | None:
        if self.pos < len(self.tokens) and self.tokens[self.pos][0] == "op":
            return self.tokens[self.pos][1]
        return None

    def expression(self) -> float | str:
        left = self.additive()
        while self._peek() == "&":
            self.pos += 1
            right = self.additive()
            left = _as_text(left) + _as_text(right)
        return left

    def additive(self) -> float | str:
        left = self.term()
        while self._peek() in ("+", "-"):
            op = self.tokens[self.pos][1]
            self.pos += 1
            right = self.term()
            left = _num(left) + _num(right) if op == "+" else _num(left) - _num(right)
        return left

    def term(self) -> float | str:
        left = self.power()
        while self._peek() in ("*", "/"):
            op = self.tokens[self.pos][1]
            self.pos += 1
            right = self.power()
            left = _num(left) * _num(right) if op == "*" else _num(left) / _num(right)
        return left

    def power(self) -> float | str:
        base = self.unary()
        if self._peek() == "^":
            self.pos += 1
            exponent = self.power()
            return float(_num(base) ** _num(exponent))
        return base

    def unary(self) -> float | str:
        op = self._peek()
        if op in ("+", "-"):
            self.pos += 1
            value = _num(self.unary())
            return -value if op == "-" else value
        if op == "(":
            self.pos += 1
            inner = self.expression()
            if self._peek() != ")":
                raise _Unsupported
            self.pos += 1
            return inner
        kind, text = self.tokens[self.pos]
        self.pos += 1
        if kind == "num":
            return float(text)
        if kind == "str":
            return text
        raise _Unsupported


def _num(value: float | str) -> float:
    if isinstance(value, str):
        raise _Unsupported
    return value


def _as_text(value: float | str) -> str:
    return value if isinstance(value, str) else general_number(value)


# ---- output ------------------------------------------------------------------------------------------


def effective(cell: Cell | None) -> dict[str, Any]:
    """The computed value as tags (`s`/`n`/`b`/`e`), empty when there is none."""
    if cell is None:
        return {}
    if "f" in cell:
        computed: dict[str, Any] = cell.get("x") or {}
        return computed
    for key in ("s", "n", "b"):
        if key in cell:
            return {key: cell[key]}
    return {}


def number_format(cell: Cell | None) -> dict[str, Any] | None:
    if cell is None:
        return None
    fmt = cell.get("fmt") or {}
    found: dict[str, Any] | None = fmt.get("numberFormat")
    return found


def formatted(cell: Cell | None) -> str:
    """What the UI shows: numbers by their number format (or Google's general format), TRUE/FALSE, errors."""
    value = effective(cell)
    if "s" in value:
        return str(value["s"])
    if "b" in value:
        return "TRUE" if value["b"] else "FALSE"
    if "e" in value:
        return _ERROR_TEXT.get(str(value["e"].get("type")), "#ERROR!")
    if "n" in value:
        return format_number(float(value["n"]), number_format(cell))
    return ""


_ERROR_TEXT = {"DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!", "REF": "#REF!", "NAME": "#NAME?", "N_A": "#N/A"}


def is_datetime(cell: Cell | None) -> bool:
    fmt = number_format(cell)
    return bool(fmt) and str(fmt.get("type") if fmt else "") in ("DATE", "TIME", "DATE_TIME")


def render(cell: Cell | None, value_render: str, datetime_render: str) -> Any:
    """One cell for values.get: FORMATTED_VALUE, UNFORMATTED_VALUE or FORMULA; "" when empty."""
    if value_render == "FORMATTED_VALUE":
        return formatted(cell)
    if value_render == "FORMULA" and cell is not None and "f" in cell:
        return cell["f"]
    value = effective(cell)
    if "e" in value:
        return formatted(cell)
    if "n" in value and datetime_render == "FORMATTED_STRING" and is_datetime(cell):
        return formatted(cell)
    found = value_of(value)
    return "" if found is None else found


def is_rendered_empty(rendered: Any) -> bool:
    return rendered == "" or rendered is None


def extended_value(tags: dict[str, Any]) -> dict[str, Any]:
    """Value tags -> Google's ExtendedValue."""
    if "s" in tags:
        return {"stringValue": tags["s"]}
    if "n" in tags:
        return {"numberValue": tags["n"]}
    if "b" in tags:
        return {"boolValue": tags["b"]}
    if "f" in tags:
        return {"formulaValue": tags["f"]}
    if "e" in tags:
        return {"errorValue": tags["e"]}
    return {}


def user_entered_value(cell: Cell | None) -> dict[str, Any]:
    if cell is None:
        return {}
    return extended_value({k: cell[k] for k in VALUE_KEYS if k in cell})


# ---- number formatting -----------------------------------------------------------------------------


def general_number(value: float) -> str:
    """Google's default rendering: integers without `.0`, up to 10 significant digits, E notation when huge."""
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    return text


def format_number(value: float, fmt: dict[str, Any] | None) -> str:
    if not fmt or (not fmt.get("pattern") and fmt.get("type") in (None, "NUMBER", "TEXT")):
        return general_number(value)
    kind = str(fmt.get("type", "NUMBER"))
    pattern = str(fmt.get("pattern") or _DEFAULT_PATTERNS.get(kind, ""))
    if kind in ("DATE", "TIME", "DATE_TIME"):
        return format_datetime(value, pattern)
    if kind == "TEXT" or not pattern:
        return general_number(value)
    return _format_decimal(value, pattern)


_DEFAULT_PATTERNS = {
    "DATE": "M/d/yyyy",
    "TIME": "h:mm:ss am/pm",
    "DATE_TIME": "M/d/yyyy H:mm:ss",
    "PERCENT": "0.00%",
    "CURRENCY": "$#,##0.00",
    "SCIENTIFIC": "0.00E+00",
    "NUMBER": "#,##0.00",
}


def _format_decimal(value: float, pattern: str) -> str:
    percent = "%" in pattern
    if percent:
        value *= 100
    core = re.sub(r"[^0#,.]", "", pattern)
    decimals = len(core.split(".")[1]) if "." in core else 0
    grouping = "," in core
    text = f"{abs(value):{',' if grouping else ''}.{decimals}f}"
    prefix = pattern[: len(pattern) - len(pattern.lstrip('"$€£¥ '))].replace('"', "")
    sign = "-" if value < 0 and float(text.replace(",", "")) != 0 else ""
    return f"{sign}{prefix}{text}{'%' if percent else ''}"


_DT_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|HH|H|ss|s|am/pm|AM/PM|\"[^\"]*\"|.", re.IGNORECASE)
_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def from_serial(serial: float) -> datetime:
    return EPOCH + timedelta(seconds=round(serial * 86400))


def format_datetime(serial: float, pattern: str) -> str:
    moment = from_serial(serial)
    tokens = _DT_TOKEN.findall(pattern)
    twelve_hour = any(t.lower() == "am/pm" for t in tokens)
    out: list[str] = []
    for i, token in enumerate(tokens):
        low = token.lower()
        prev = next((t.lower() for t in reversed(tokens[:i]) if t.strip() and t not in ":/-. "), "")
        nxt = next((t.lower() for t in tokens[i + 1 :] if t.strip() and t not in ":/-. "), "")
        if low in ("mm", "m") and (prev in ("h", "hh") or nxt in ("ss", "s")):
            out.append(f"{moment.minute:02d}" if low == "mm" else str(moment.minute))
        elif low == "yyyy":
            out.append(f"{moment.year:04d}")
        elif low == "yy":
            out.append(f"{moment.year % 100:02d}")
        elif low == "mmmm":
            out.append(_MONTHS[moment.month - 1])
        elif low == "mmm":
            out.append(_MONTHS[moment.month - 1][:3])
        elif low == "mm":
            out.append(f"{moment.month:02d}")
        elif low == "m":
            out.append(str(moment.month))
        elif low == "dddd":
            out.append(_DAYS[moment.weekday()])
        elif low == "ddd":
            out.append(_DAYS[moment.weekday()][:3])
        elif low == "dd":
            out.append(f"{moment.day:02d}")
        elif low == "d":
            out.append(str(moment.day))
        elif low in ("hh", "h"):
            hour = moment.hour
            if twelve_hour:
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("ss", "s"):
            out.append(f"{moment.second:02d}" if low == "ss" else str(moment.second))
        elif low == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        elif token.startswith('"'):
            out.append(token[1:-1])
        else:
            out.append(token)
    return "".join(out)
