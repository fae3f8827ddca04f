"""The figures of `bench/run shards` computed from what the runs left: pure
functions of their inputs, tested by shard_figures_test.py."""


def members_of(status, shard):
    """The members of `shard` a status lists ("users/0", "users/1", ...), by id."""
    prefix = shard + "/"
    found = [e for e in status.get("elements", []) if e.get("name", "").startswith(prefix)]
    return sorted(found, key=lambda e: member_id(e["name"]))


def member_id(name):
    """The id of member "SHARD/ID"; -1 for a name that is none."""
    tail = name.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def expected_counts(count, keys):
    """Per key (as Counter names its groups: the key's text), the logs of
    Sequence(count) -> Map(user = seq % keys) that carry it."""
    return {str(k): count // keys + (1 if k < count % keys else 0) for k in range(min(count, keys))}


def owners(groups_by_member):
    """{key: member} from {member: {key: count}}, and the keys more than one
    member held (a snapshot taken while a key was moving)."""
    owner, doubled = {}, set()
    for member, groups in groups_by_member.items():
        for key in groups:
            if key in owner:
                doubled.add(key)
            owner[key] = member
    return owner, sorted(doubled)


def moved_share(before, after):
    """Of the keys both owner maps hold, the share whose member changed."""
    common = [k for k in before if k in after]
    if not common:
        return None
    return round(sum(1 for k in common if before[k] != after[k]) / len(common), 4)


def exactness(groups, total, count, keys):
    """(exact, details): the final reply's groups against expected_counts
    and its total against count; details name what differs (first 10)."""
    expected = expected_counts(count, keys)
    got = {str(k): v for k, v in (groups or {}).items()}
    wrong = sorted((k for k in set(expected) | set(got) if expected.get(k) != got.get(k)), key=lambda k: (len(k), k))
    details = {"keys_expected": len(expected), "keys_counted": len(got), "wrong_keys": len(wrong),
               "total": total, "total_expected": count,
               "first_wrong": {k: [got.get(k), expected.get(k)] for k in wrong[:10]}}
    return not wrong and total == count, details


def decision_ms(events, shard, after_ms):
    """The time of the first event about `shard` at or after `after_ms` that
    says it grew (grow, scale, add, member): the master's decision. None when
    no event says so."""
    words = ("grow", "scale", "add", "member")
    for event in sorted(events, key=lambda e: e.get("unix_ms", 0)):
        at = event.get("unix_ms", 0)
        element = event.get("element", "") or ""
        what = (event.get("what", "") or "").lower()
        if at >= after_ms and (element == shard or element.startswith(shard + "/") or shard in what) and \
                any(w in what for w in words):
            return at
    return None


def group_steady_rate(series_by_element, count):
    """(logs/s, window ms) of elements taken together (a shard's members):
    the logs they took between the earliest first report with logs in it
    and the latest last report ("ended", made as the last batch is in).
    Each element's logs at its own first report are left out while the
    window starts at the earliest of them, so the figure is never above
    the true rate. (None, None) unless every element has reports with logs
    and together they took `count` logs. One element: core's steady rate."""
    firsts, lasts = [], []
    for series in series_by_element.values():
        first = next((s for s in series if s.get("logs_in", 0) > 0), None)
        if first is None:
            return None, None
        firsts.append(first)
        lasts.append(series[-1])
    if not firsts or sum(s.get("logs_in", 0) for s in lasts) != count:
        return None, None
    begin = min(s["time_ms"] for s in firsts)
    end = max(s["time_ms"] for s in lasts)
    if end <= begin:
        return None, None
    window = end - begin
    return round((count - sum(s["logs_in"] for s in firsts)) / (window / 1000.0)), window


def speedup(two, one):
    """Throughput ratio, or None when either side is missing."""
    return round(two / one, 3) if two and one else None


def paired_speedup(two, one):
    """(median, each) of the per-round ratios of runs made side by side
    (round i of `two` over round i of `one`): the machine's speed drifts
    by a fifth from one second to the next on a shared VM, and a pair run
    back to back shares its moment, where the ratio of the medians of
    runs minutes apart does not. Rounds missing on either side are left
    out; (None, []) when none is left."""
    each = [round(a / b, 3) for a, b in zip(two, one) if a and b]
    if not each:
        return None, []
    ordered = sorted(each)
    mid = len(ordered) // 2
    median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return round(median, 3), each
