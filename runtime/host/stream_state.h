// What a host keeps for streams (stream.h), made the first time the element
// serves or opens one: a host whose element uses no streams holds a null
// pointer and pays nothing else (streams.cc).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "runtime/nexus/client.h"
#include "runtime/nexus/server.h"
#include "datablox/stream.h"
#include "runtime/host/rate_meter.h"

namespace datablox::host {

struct StreamState {
  // The responder's side: one server, bound when the class serves streams.
  std::unique_ptr<nexus::Server> server;
  // The requester's side: one client, made by the first stream opened.
  std::unique_ptr<nexus::Client> client;
  struct Opened {
    StreamConsumer consume;
    StreamDone done;
  };
  std::map<uint64_t, Opened> opened;       // by stream id, until its done has run
  std::vector<nexus::StreamReport> ended;  // scratch of ServiceStreams
  std::deque<uint64_t> operations;         // ids handed out, oldest first (forgotten past a bound)
  RateMeter items_in_rate, items_out_rate;
};

}  // namespace datablox::host
