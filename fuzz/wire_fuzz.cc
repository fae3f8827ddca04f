// The data-plane wire format (runtime/core/wire.h) and the logs a batch
// carries (Log::root, CheckLogShape, to_json): what a host reads from any
// peer on a push or query link.
//
// Invariants: every frame a reader accepts is written back byte for byte by
// its writer (or, for a batch, to the same logs); a log passes CheckLogShape
// exactly when Log::root() reads it; to_json is total; a log copied field by
// field reads back as the same JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/log.h"
#include "runtime/core/arena.h"
#include "runtime/core/log_shape.h"
#include "runtime/core/wire.h"

namespace {

using namespace datablox;

void Require(bool condition) {
  if (!condition) std::abort();
}

void CheckLog(const Log& log) {
  const bool shaped = CheckLogShape(log.bytes()).ok();
  Require(shaped == log.valid());
  std::string json = log.to_json();
  if (!shaped) {
    Require(json == "null");
    return;
  }
  Value root = log.root();
  bool string_keys = true;
  for (size_t i = 0; i < root.size(); ++i) string_keys = string_keys && !root.key_at(i).empty();
  if (!string_keys) return;  // add_fields copies named fields only
  LogBuilder copy;
  copy.add_fields(log, {});
  OwnedLog again{std::string(copy.bytes())};
  Require(again.log().valid());
  Require(again.to_json() == json);
}

void CheckBatch(std::string_view frame) {
  uint64_t first = 0;
  detail::Arena arena;
  std::vector<Log> logs;
  if (!wire::ReadBatch(frame, &first, &arena, &logs).ok()) return;
  wire::BatchWriter writer;
  for (const Log& log : logs) {
    CheckLog(log);
    writer.append(log.bytes());
  }
  std::string again = writer.take(first);
  uint64_t first_again = 0;
  detail::Arena arena_again;
  std::vector<Log> logs_again;
  Require(wire::ReadBatch(again, &first_again, &arena_again, &logs_again).ok());
  Require(first_again == first && logs_again.size() == logs.size());
  for (size_t i = 0; i < logs.size(); ++i) Require(logs_again[i].bytes() == logs[i].bytes());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  // A frame's bytes read as one log too: what a query request carries.
  {
    detail::Arena arena;
    CheckLog(Log(frame.data(), frame.size(), &arena));
  }
  wire::Kind kind;
  if (!wire::ReadHeader(frame, &kind).ok()) return 0;
  switch (kind) {
    case wire::Kind::kBatch: CheckBatch(frame); break;
    case wire::Kind::kCredit:
    case wire::Kind::kResume: {
      wire::Position at;
      if (!wire::ReadPosition(frame, &at).ok()) break;
      Require((kind == wire::Kind::kCredit ? wire::Credit(at) : wire::Resume(at)) == frame);
      break;
    }
    case wire::Kind::kEnd: {
      uint64_t stream = 0, offset = 0;
      if (wire::ReadEnd(frame, &stream, &offset).ok()) Require(wire::End(stream, offset) == frame);
      break;
    }
    case wire::Kind::kRequest:
    case wire::Kind::kReply:
    case wire::Kind::kError: {
      uint64_t id = 0;
      std::string_view body;
      if (!wire::ReadAddressed(frame, &id, &body).ok()) break;
      std::string again = kind == wire::Kind::kRequest ? wire::Request(id, body)
                          : kind == wire::Kind::kReply ? wire::Reply(id, body)
                                                       : wire::Error(id, body);
      Require(again == frame);
      detail::Arena arena;
      CheckLog(Log(body.data(), body.size(), &arena));
      break;
    }
    case wire::Kind::kBarrier: {
      wire::Barrier barrier;
      if (wire::ReadBarrier(frame, &barrier).ok()) Require(wire::BarrierFrame(barrier) == frame);
      break;
    }
    // Nothing to read past their header (a reader ignores what follows).
    case wire::Kind::kEndAck: Require(frame.starts_with(wire::EndAck())); break;
    case wire::Kind::kResync: Require(frame.starts_with(wire::Resync())); break;
  }
  return 0;
}
