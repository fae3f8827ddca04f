"""Issue 8, item 12 (query ports): a query input used ZMQ_ROUTER_HANDOVER,
so a peer connecting with a requester's routing id took that requester's
pipe, and the replies to the requester's next requests went to the
impostor. Now no id is handed over (a requester's id is LINK#TOKEN, new in
each of its lives, so a restarted requester needs no handover): replies go
to the connection that asked."""

import time

import zmq

from query_wire import COUNTER_TOPOLOGY, counter_query_endpoint, replies, request


def test_query_impostor_does_not_take_a_requesters_replies(tmp_path, start_topology):
    run = start_topology(tmp_path, COUNTER_TOPOLOGY, "-q")
    endpoint = counter_query_endpoint(run)

    context = zmq.Context()
    try:
        requester = context.socket(zmq.DEALER)
        requester.setsockopt(zmq.LINGER, 0)
        requester.setsockopt(zmq.ROUTING_ID, b"ask.ask>cnt.query#0000000000000001")
        requester.connect(endpoint)
        requester.send(request(1))
        assert replies(requester, until=1) == [1]  # connected

        impostor = context.socket(zmq.DEALER)
        impostor.setsockopt(zmq.LINGER, 0)
        impostor.setsockopt(zmq.ROUTING_ID, b"ask.ask>cnt.query#0000000000000001")
        impostor.connect(endpoint)
        time.sleep(0.5)  # connected (or refused), silent

        requester.send(request(2))
        assert replies(requester, until=2) == [2]
        assert replies(impostor, seconds=0.5) == []
    finally:
        context.destroy(linger=0)
    assert run.proc.poll() is None, run.stderr()[-3000:]
    run.kill()
