"""Unit tests of cell_figures.py (ctest: bench_cell_figures)."""
import os
import sys
import unittest

sys.dont_write_bytecode = True

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib import cell_figures as f  # noqa: E402


class CellFiguresTest(unittest.TestCase):
    def test_answers_agree_in_any_order_with_numbers_as_text_or_numbers(self):
        cell = [["us", 12], ["de", 7]]
        clickhouse = [["de", "7"], ["us", "12"]]
        self.assertIsNone(f.difference(cell, clickhouse))
        self.assertIsNone(f.difference([["2023-11-14", 1.5]], [["2023-11-14", "1.5000000000001"]]))

    def test_a_different_count_a_missing_row_or_a_far_float_is_named(self):
        self.assertEqual(f.difference([["us", 12]], [["us", "13"]]),
                         "row 0: the cell ['us', 12.0], ClickHouse ['us', 13.0]")
        self.assertEqual(f.difference([["us", 12]], [["us", "12"], ["de", "1"]]),
                         "1 rows from the cell, 2 from ClickHouse")
        self.assertIsNotNone(f.difference([[1.5]], [["1.5001"]]))
        self.assertIsNotNone(f.difference([["us", 1]], [["us"]]))
        # A text that is not a number stays text: "07" is 7.0 but "ios" is not "IOS".
        self.assertIsNotNone(f.difference([["ios", 1]], [["IOS", "1"]]))

    def test_the_average_of_sessions_per_user_is_the_cells_two_counts_divided(self):
        self.assertEqual(f.cell_shaped_as_sql("avg_sessions_per_user", [[4, 10]]), [[2.5]])
        self.assertIsNone(f.difference(f.cell_shaped_as_sql("avg_sessions_per_user", [[3, 10]]),
                                       [["3.3333333333333335"]]))
        self.assertEqual(f.cell_shaped_as_sql("count_events", [[5]]), [[5]])

    def test_the_summary_takes_the_worst_ratio_the_geometric_mean_the_funnel_and_the_load(self):
        per_query = {"count_events": {"ratio": 0.5, "agree": True},
                     "funnel_in_session": {"ratio": 0.125, "agree": True},
                     "events_by_hour": {"ratio": 2.0, "agree": True}}
        s = f.summary(per_query, load_s=6.0, clickhouse_load_s=8.0)
        self.assertEqual(s, {"hot_ratio_max": 2.0, "hot_ratio_geomean": 0.5, "funnel_ratio": 0.125, "load_ratio": 0.75,
                             "answers_agree": True})
        self.assertEqual(f.missed_targets(s), {"hot_ratio_max": (2.0, 1.0)})

    def test_one_disagreeing_answer_or_missing_ratio_spoils_the_summary(self):
        per_query = {"count_events": {"ratio": 0.5, "agree": True}, "events_by_hour": {"ratio": None, "agree": False}}
        s = f.summary(per_query, load_s=None, clickhouse_load_s=8.0)
        self.assertFalse(s["answers_agree"])
        self.assertIsNone(s["hot_ratio_max"])
        self.assertIsNone(s["hot_ratio_geomean"])
        self.assertIsNone(s["load_ratio"])
        self.assertIn("funnel_ratio", f.missed_targets(s))
        self.assertFalse(f.summary({}, 1.0, 1.0)["answers_agree"])


if __name__ == "__main__":
    unittest.main()
