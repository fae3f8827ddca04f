"""Issue 8, item 3: under load a 300-element `datablox run` failed now and
then ("element 's1' (Sequence) exited with status 0 before ending"): the
caretaker sent to the master without waiting, and a message that met a
full queue was dropped. Now what a full queue refuses waits in an outbox
and is sent again, in order (runtime/core/outbox_test.cc forces the full
queue in a unit test). Here the caretaker's queue to the master holds one
message (a test-only setting), so nearly every message meets a full queue,
and every element must still end."""

import json

from conftest import final_elements

CHAINS = 20


def test_control_messages_survive_a_full_queue(tmp_path, run_topology, monkeypatch):
    monkeypatch.setenv("DATABLOX_TEST_CONTROL_SNDHWM", "1")
    text = "".join(f"s{i} :: Sequence(count: 500)\nn{i} :: Null\ns{i} -> n{i}\n" for i in range(CHAINS))
    result = run_topology(tmp_path, text, "-q", "-o", "json", timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    final = final_elements(json.loads(result.stdout))
    assert len(final) == 2 * CHAINS
    assert {e["state"] for e in final.values()} == {"ended"}, {n: e["state"] for n, e in final.items()}
    assert all(final[f"n{i}"]["logs_in"] == 500 for i in range(CHAINS))
