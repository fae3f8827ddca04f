"""The figures of `bench/run cell` (lib/cell.py): the cell's and ClickHouse's
answers made comparable and compared, and the ratios and their summary.
Pure functions, tested by cell_figures_test.py (ctest: bench_cell_figures)."""
import math
import statistics

FUNNEL = "funnel_in_session"
# Reported, not asserted: issue 12's targets.
TARGETS = {"hot_ratio_max": 1.0, "hot_ratio_geomean": 0.5, "funnel_ratio": 0.25, "load_ratio": 1.0}
# A sum of floats added in another order differs in its last digits.
REL_TOLERANCE = 1e-9
ABS_TOLERANCE = 1e-6


def cell_shaped_as_sql(name, rows):
    """The cell's rows in the shape of the SQL's answer to the same question.
    EQL has no average of a count: avg_sessions_per_user asks count(user)
    and count(user.sessions), and their quotient is SQL's avg()."""
    if name == "avg_sessions_per_user":
        (users, sessions), = rows
        return [[sessions / users if users else None]]
    return rows


def normal_cell(value):
    """A number as a float (ClickHouse's answers are text), else the text."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if value is None or value == "\\N":
        return None
    text = str(value)
    try:
        return float(text)
    except ValueError:
        return text


def normal_rows(rows):
    """Rows of normal cells, in one order: none of the questions asks for
    an order the other side would not also give, so order is ignored."""
    normal = [[normal_cell(v) for v in row] for row in rows]
    return sorted(normal, key=lambda row: [(0, v, "") if isinstance(v, float) else (1, 0.0, str(v)) for v in row])


def same_cell(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE)
    return a == b


def difference(cell_rows, sql_rows):
    """None when the answers agree row by row (after normal_rows), else the
    first difference, in words."""
    a, b = normal_rows(cell_rows), normal_rows(sql_rows)
    if len(a) != len(b):
        return f"{len(a)} rows from the cell, {len(b)} from ClickHouse"
    for n, (x, y) in enumerate(zip(a, b)):
        if len(x) != len(y) or not all(same_cell(u, v) for u, v in zip(x, y)):
            return f"row {n}: the cell {x}, ClickHouse {y}"
    return None


def ratio(numerator, denominator, digits=3):
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits)


def summary(per_query, load_s, clickhouse_load_s):
    """The overall figures over per_query {name: {"ratio", "agree", ...}}:
    the worst and the geometric mean of the hot ratios, the funnel's, the
    load's, and whether every answer agreed. A ratio missing makes the
    worst and the mean None rather than a figure over fewer queries."""
    ratios = [q.get("ratio") for q in per_query.values()]
    complete = bool(ratios) and all(r is not None and r > 0 for r in ratios)
    return {
        "hot_ratio_max": max(ratios) if complete else None,
        "hot_ratio_geomean": round(statistics.geometric_mean(ratios), 3) if complete else None,
        "funnel_ratio": per_query.get(FUNNEL, {}).get("ratio"),
        "load_ratio": ratio(load_s, clickhouse_load_s),
        "answers_agree": bool(per_query) and all(q.get("agree") is True for q in per_query.values()),
    }


def missed_targets(figures):
    """{key: (figure, target)} of each target the figures do not meet (a
    figure that is None misses it)."""
    return {key: (figures.get(key), target) for key, target in TARGETS.items()
            if figures.get(key) is None or figures[key] > target}
