"""Unit tests of shard_figures.py (ctest: bench_shard_figures)."""
import os
import sys
import unittest

sys.dont_write_bytecode = True

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib import shard_figures as f  # noqa: E402


class ShardFiguresTest(unittest.TestCase):
    def test_a_group_rate_counts_the_logs_after_each_first_report_over_the_whole_window(self):
        series = {"work/0": [{"time_ms": 1000, "logs_in": 0}, {"time_ms": 1100, "logs_in": 100},
                             {"time_ms": 3100, "logs_in": 1000}],
                  "work/1": [{"time_ms": 1200, "logs_in": 50}, {"time_ms": 3000, "logs_in": 1000}]}
        # 2000 logs, 150 of them before the first reports, over 1100..3100 ms.
        self.assertEqual(f.group_steady_rate(series, 2000), (925, 2000))
        self.assertEqual(f.group_steady_rate({"sink": series["work/0"]}, 1000), (450, 2000))

    def test_a_group_rate_is_none_when_logs_are_missing_or_a_member_took_none(self):
        took = [{"time_ms": 1, "logs_in": 5}, {"time_ms": 9, "logs_in": 10}]
        self.assertEqual(f.group_steady_rate({"a": took}, 11), (None, None))
        self.assertEqual(f.group_steady_rate({"a": took, "b": [{"time_ms": 5, "logs_in": 0}]}, 10), (None, None))
        self.assertEqual(f.group_steady_rate({"a": [{"time_ms": 3, "logs_in": 10}]}, 10), (None, None))

    def test_a_paired_speedup_is_the_median_of_each_rounds_ratio(self):
        # The second round ran on a slower moment: both sides slower, its ratio alike.
        self.assertEqual(f.paired_speedup([800, 600, 900], [500, 400, 500]), (1.6, [1.6, 1.5, 1.8]))
        self.assertEqual(f.paired_speedup([800, None, 700], [500, 400, 400]), (1.675, [1.6, 1.75]))
        self.assertEqual(f.paired_speedup([None], [400]), (None, []))

    def test_members_are_listed_by_id_and_other_elements_left_out(self):
        status = {"elements": [{"name": "users/10"}, {"name": "src"}, {"name": "users/2"}, {"name": "usersx"}]}
        self.assertEqual([e["name"] for e in f.members_of(status, "users")], ["users/2", "users/10"])

    def test_expected_counts_spread_the_remainder_over_the_first_keys(self):
        self.assertEqual(f.expected_counts(7, 3), {"0": 3, "1": 2, "2": 2})
        self.assertEqual(f.expected_counts(2, 3), {"0": 1, "1": 1})
        self.assertEqual(sum(f.expected_counts(1_000_000, 1000).values()), 1_000_000)

    def test_owners_report_a_key_two_members_held(self):
        owner, doubled = f.owners({0: {"a": 1, "b": 2}, 1: {"b": 1, "c": 5}})
        self.assertEqual(doubled, ["b"])
        self.assertEqual(owner["a"], 0)
        self.assertEqual(owner["c"], 1)

    def test_moved_share_counts_keys_whose_member_changed(self):
        before = {"a": 0, "b": 0, "c": 1, "d": 1}
        after = {"a": 0, "b": 2, "c": 1, "d": 2, "e": 2}  # "e" is new: not counted
        self.assertEqual(f.moved_share(before, after), 0.5)
        self.assertIsNone(f.moved_share({}, after))

    def test_exact_when_every_key_and_the_total_match(self):
        exact, details = f.exactness({"0": 3, "1": 2, "2": 2}, 7, 7, 3)
        self.assertTrue(exact)
        self.assertEqual(details["wrong_keys"], 0)

    def test_not_exact_with_a_key_counted_twice_or_missing(self):
        exact, details = f.exactness({"0": 4, "1": 2}, 7, 7, 3)
        self.assertFalse(exact)
        self.assertEqual(details["first_wrong"], {"0": [4, 3], "2": [None, 2]})

    def test_not_exact_when_only_the_total_is_off(self):
        self.assertFalse(f.exactness({"0": 3, "1": 2, "2": 2}, 8, 7, 3)[0])

    def test_decision_is_the_first_grow_event_of_the_shard_after_the_command(self):
        events = [{"unix_ms": 900, "element": "users", "what": "grew to 2 members"},
                  {"unix_ms": 1500, "element": "src", "what": "restarted"},
                  {"unix_ms": 1700, "element": "users", "what": "scale to 3 members"},
                  {"unix_ms": 1600, "element": "users/2", "what": "member added on n2"}]
        self.assertEqual(f.decision_ms(events, "users", 1000), 1600)
        self.assertIsNone(f.decision_ms(events, "users", 2000))

    def test_speedup_is_none_when_a_side_is_missing(self):
        self.assertEqual(f.speedup(900, 500), 1.8)
        self.assertIsNone(f.speedup(None, 500))


if __name__ == "__main__":
    unittest.main()
