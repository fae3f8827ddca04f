#include "runtime/nexus/operation.h"

#include <string>

namespace datablox::nexus {

void Operation::Add(uint64_t stream_id) { streams_[stream_id]; }

void Operation::OnProgress(uint64_t stream_id, uint64_t items, uint64_t bytes, int64_t expected) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return;
  it->second.items = items;
  it->second.bytes = bytes;
  it->second.expected = expected;
}

void Operation::OnEnded(uint64_t stream_id, const Status& status) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end() || !it->second.live) return;
  it->second.live = false;
  if (!status.ok() && status_.ok()) {
    status_ = status;
    failed_stream_ = stream_id;
  }
}

std::vector<uint64_t> Operation::Cancel() {
  std::vector<uint64_t> to_abort;
  for (auto& [stream_id, member] : streams_) {
    if (!member.live) continue;
    member.live = false;
    to_abort.push_back(stream_id);
  }
  if (status_.ok()) {
    status_ = Status::Unavailable("nexus operation " + std::to_string(id_) + " cancelled (" +
                                  std::to_string(to_abort.size()) + " live streams aborted)");
  }
  return to_abort;
}

bool Operation::done() const {
  for (const auto& [stream_id, member] : streams_) {
    if (member.live) return false;
  }
  return true;
}

OperationProgress Operation::progress() const {
  OperationProgress p;
  for (const auto& [stream_id, member] : streams_) {
    p.items += member.items;
    p.bytes += member.bytes;
    if (member.expected < 0) {
      p.expected_known = false;
    } else {
      p.expected += member.expected;
    }
    ++p.streams;
    if (member.live) ++p.live;
  }
  return p;
}

}  // namespace datablox::nexus
