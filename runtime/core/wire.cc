#include "runtime/core/wire.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace datablox::wire {
namespace {

void PutU64(std::string& out, uint64_t v) {
  char bytes[8];  // little-endian hosts only (x86-64, arm64)
  std::memcpy(bytes, &v, 8);
  out.append(bytes, 8);
}

std::string Header(Kind kind) {
  std::string out;
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(kind));
  return out;
}

uint32_t BigEndian(const unsigned char* p, int n) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

Status ReadHeader(std::string_view frame, Kind* kind) {
  if (frame.size() < kHeaderSize) return Status::Invalid(fmt::format("frame of {} bytes is too short", frame.size()));
  if (static_cast<uint8_t>(frame[0]) != kVersion) {
    return Status::Invalid(
        fmt::format("wire version {} (this build speaks {})", static_cast<uint8_t>(frame[0]), kVersion));
  }
  uint8_t k = static_cast<uint8_t>(frame[1]);
  if (k < static_cast<uint8_t>(Kind::kBatch) || k > static_cast<uint8_t>(Kind::kBarrier)) {
    return Status::Invalid(fmt::format("unknown frame kind {}", k));
  }
  *kind = static_cast<Kind>(k);
  return Status::OK();
}

void BatchWriter::reset() {
  buffer_.clear();
  buffer_.reserve(std::max<size_t>(16 * 1024, last_size_));
  buffer_.push_back(static_cast<char>(kVersion));
  buffer_.push_back(static_cast<char>(Kind::kBatch));
  buffer_.append(8, '\0');                     // the first log's offset, patched in take()
  buffer_.push_back(static_cast<char>(0xdd));  // msgpack array32; count patched in take()
  buffer_.append(4, '\0');
  count_ = 0;
}

void BatchWriter::append(std::string_view log) {
  size_t n = log.size();
  if (n <= 0xff) {
    char header[2] = {static_cast<char>(0xc4), static_cast<char>(n)};
    buffer_.append(header, 2);
  } else if (n <= 0xffff) {
    char header[3] = {static_cast<char>(0xc5), static_cast<char>(n >> 8), static_cast<char>(n)};
    buffer_.append(header, 3);
  } else {
    char header[5] = {static_cast<char>(0xc6), static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                      static_cast<char>(n >> 8), static_cast<char>(n)};
    buffer_.append(header, 5);
  }
  buffer_.append(log);
  ++count_;
}

std::string BatchWriter::take(uint64_t first_offset) {
  std::memcpy(buffer_.data() + kHeaderSize, &first_offset, 8);
  for (int i = 0; i < 4; ++i) buffer_[kBatchPrefix - 4 + i] = static_cast<char>(count_ >> (24 - 8 * i));
  last_size_ = buffer_.size();
  std::string out = std::move(buffer_);
  reset();
  return out;
}

Status ReadBatch(std::string_view frame, uint64_t* first_offset, detail::Arena* arena, std::vector<Log>* logs) {
  logs->clear();
  if (frame.size() < kBatchPrefix || static_cast<uint8_t>(frame[kBatchPrefix - 5]) != 0xdd) {
    return Status::Invalid("batch without its array header");
  }
  std::memcpy(first_offset, frame.data() + kHeaderSize, 8);
  const auto* p = reinterpret_cast<const unsigned char*>(frame.data());
  const uint32_t count = BigEndian(p + kBatchPrefix - 4, 4);
  size_t at = kBatchPrefix;
  // Every log takes at least 3 bytes (bin8 header + an empty map): a count
  // the frame cannot hold is rejected before anything is reserved for it.
  if (count > (frame.size() - at) / 3 + 1)
    return Status::Invalid(fmt::format("batch claims {} logs in {} bytes", count, frame.size()));
  logs->reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (at >= frame.size()) return Status::Invalid(fmt::format("batch truncated at log {} of {}", i, count));
    const uint8_t tag = p[at];
    int width = tag == 0xc4 ? 1 : tag == 0xc5 ? 2 : tag == 0xc6 ? 4 : 0;
    if (width == 0) return Status::Invalid(fmt::format("log {} of the batch is not a bin", i));
    if (at + 1 + width > frame.size()) return Status::Invalid(fmt::format("batch truncated at log {} of {}", i, count));
    const uint32_t size = BigEndian(p + at + 1, width);
    at += 1 + width;
    if (size > frame.size() - at) return Status::Invalid(fmt::format("log {} runs past the end of the batch", i));
    logs->emplace_back(frame.data() + at, size, arena);
    at += size;
  }
  if (at != frame.size()) return Status::Invalid(fmt::format("{} stray bytes after the batch", frame.size() - at));
  return Status::OK();
}

namespace {
std::string PositionFrame(Kind kind, const Position& at) {
  std::string out = Header(kind);
  PutU64(out, at.stream);
  PutU64(out, at.offset);
  const size_t n = std::min<size_t>(at.marks.size(), 255);
  out.push_back(static_cast<char>(n));
  for (size_t i = 0; i < n; ++i) {
    PutU64(out, at.marks[i].stream);
    PutU64(out, at.marks[i].offset);
  }
  return out;
}

uint64_t GetU64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
}  // namespace

std::string Credit(const Position& acked) { return PositionFrame(Kind::kCredit, acked); }
std::string Resume(const Position& from) { return PositionFrame(Kind::kResume, from); }

Status ReadPosition(std::string_view frame, Position* at) {
  constexpr size_t kFixed = kHeaderSize + 8 + 8 + 1;
  if (frame.size() < kFixed) return Status::Invalid("position frame too short");
  const size_t n = static_cast<uint8_t>(frame[kFixed - 1]);
  if (frame.size() != kFixed + 16 * n) return Status::Invalid("position frame of the wrong size");
  at->stream = GetU64(frame.data() + kHeaderSize);
  at->offset = GetU64(frame.data() + kHeaderSize + 8);
  at->marks.resize(n);
  for (size_t i = 0; i < n; ++i) {
    at->marks[i].stream = GetU64(frame.data() + kFixed + 16 * i);
    at->marks[i].offset = GetU64(frame.data() + kFixed + 16 * i + 8);
  }
  return Status::OK();
}

std::string Resync() { return Header(Kind::kResync); }

std::string End(uint64_t stream, uint64_t offset) {
  std::string out = Header(Kind::kEnd);
  PutU64(out, stream);
  PutU64(out, offset);
  return out;
}

Status ReadEnd(std::string_view frame, uint64_t* stream, uint64_t* offset) {
  if (frame.size() != kHeaderSize + 16) return Status::Invalid("end frame of the wrong size");
  *stream = GetU64(frame.data() + kHeaderSize);
  *offset = GetU64(frame.data() + kHeaderSize + 8);
  return Status::OK();
}
std::string EndAck() { return Header(Kind::kEndAck); }

std::string BarrierFrame(const Barrier& barrier) {
  std::string out = Header(Kind::kBarrier);
  PutU64(out, barrier.stream);
  PutU64(out, barrier.offset);
  PutU64(out, barrier.checkpoint);
  return out;
}

Status ReadBarrier(std::string_view frame, Barrier* barrier) {
  if (frame.size() != kHeaderSize + 24) return Status::Invalid("barrier frame of the wrong size");
  barrier->stream = GetU64(frame.data() + kHeaderSize);
  barrier->offset = GetU64(frame.data() + kHeaderSize + 8);
  barrier->checkpoint = GetU64(frame.data() + kHeaderSize + 16);
  if (barrier->checkpoint == 0) return Status::Invalid("barrier of checkpoint 0 (ids start at 1)");
  return Status::OK();
}

namespace {
std::string Addressed(Kind kind, uint64_t id, std::string_view body) {
  std::string out = Header(kind);
  PutU64(out, id);
  out.append(body);
  return out;
}
}  // namespace

std::string Request(uint64_t id, std::string_view log) { return Addressed(Kind::kRequest, id, log); }
std::string Reply(uint64_t id, std::string_view log) { return Addressed(Kind::kReply, id, log); }
std::string Error(uint64_t id, std::string_view message) { return Addressed(Kind::kError, id, message); }

Status ReadAddressed(std::string_view frame, uint64_t* id, std::string_view* body) {
  if (frame.size() < kHeaderSize + 8) return Status::Invalid("query frame without its id");
  std::memcpy(id, frame.data() + kHeaderSize, 8);
  *body = frame.substr(kHeaderSize + 8);
  return Status::OK();
}

}  // namespace datablox::wire
