#!/usr/bin/env python3
"""check_includes.py on a made-up tree: what it lets through and what it
lists (run by ctest as check_includes_test)."""

import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_includes  # noqa: E402

TREE = {
    "include/datablox/api.h": '#include <vector>\n#include "datablox/other.h"\n',
    "include/datablox/other.h": "",
    "include/datablox/leaky.h": '#include "core/private.h"\n',
    "core/CMakeLists.txt": "datablox_library(lib_core SOURCES private.cc)\n",
    "core/private.h": '#include "datablox/api.h"\n',
    "core/private.cc": '#include "private.h"\n#include "core/private.h"\n',
    "lang/CMakeLists.txt": "datablox_library(lib_lang SOURCES lang.cc DEPS lib_core)\n",
    "lang/lang.h": "",
    "lang/lang.cc": '#include "core/private.h"\n#include "lang/lang.h"\n',
    "master/CMakeLists.txt": "# lib_core is only reached through lib_lang\n"
                             "datablox_library(lib_master SOURCES m.cc DEPS lib_lang)\n"
                             "datablox_test(master_tests SOURCES m_test.cc DEPS lib_master)\n",
    "master/sub/m.cc": '#include "lang/lang.h"\n#include "core/private.h"\n#include <zmq.hpp>\n',
    "master/m_test.cc": '#include "master/sub/m.cc"\n',
}


class CheckIncludesTest(unittest.TestCase):
    def test_lists_exactly_the_includes_of_undeclared_private_headers(self):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            for name, text in TREE.items():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_text(text)
            found = check_includes.violations(root)
        self.assertEqual(found, [
            "include/datablox/leaky.h:1: core/private.h (. may include: its own and include/datablox only)",
            "master/sub/m.cc:2: core/private.h (master may include: lang)",
        ])


if __name__ == "__main__":
    unittest.main()
