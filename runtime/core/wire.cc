#include "runtime/core/wire.h"

#include <fmt/format.h>

#include <cstring>

namespace datablox::wire {
namespace {

void PutU32(std::string& out, uint32_t v) {
  char bytes[4];
  std::memcpy(bytes, &v, 4);  // little-endian hosts only (x86-64, arm64)
  out.append(bytes, 4);
}

void PutU64(std::string& out, uint64_t v) {
  char bytes[8];
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
    return Status::Invalid(fmt::format("wire version {} (this build speaks {})", static_cast<uint8_t>(frame[0]), kVersion));
  }
  uint8_t k = static_cast<uint8_t>(frame[1]);
  if (k < static_cast<uint8_t>(Kind::kBatch) || k > static_cast<uint8_t>(Kind::kError)) {
    return Status::Invalid(fmt::format("unknown frame kind {}", k));
  }
  *kind = static_cast<Kind>(k);
  return Status::OK();
}

void BatchWriter::reset() {
  buffer_.clear();
  buffer_.reserve(16 * 1024);
  buffer_.push_back(static_cast<char>(kVersion));
  buffer_.push_back(static_cast<char>(Kind::kBatch));
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

std::string BatchWriter::take() {
  for (int i = 0; i < 4; ++i) buffer_[3 + i] = static_cast<char>(count_ >> (24 - 8 * i));
  std::string out = std::move(buffer_);
  reset();
  return out;
}

Status ReadBatch(std::string_view frame, detail::Arena* arena, std::vector<Log>* logs) {
  logs->clear();
  if (frame.size() < kBatchPrefix || static_cast<uint8_t>(frame[2]) != 0xdd) {
    return Status::Invalid("batch without its array header");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(frame.data());
  const uint32_t count = BigEndian(p + 3, 4);
  size_t at = kBatchPrefix;
  // Every log takes at least 3 bytes (bin8 header + an empty map): a count
  // the frame cannot hold is rejected before anything is reserved for it.
  if (count > (frame.size() - at) / 3 + 1) return Status::Invalid(fmt::format("batch claims {} logs in {} bytes", count, frame.size()));
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

std::string Credit(uint32_t logs) {
  std::string out = Header(Kind::kCredit);
  PutU32(out, logs);
  return out;
}

Status ReadCredit(std::string_view frame, uint32_t* logs) {
  if (frame.size() != kHeaderSize + 4) return Status::Invalid("credit frame of the wrong size");
  std::memcpy(logs, frame.data() + kHeaderSize, 4);
  return Status::OK();
}

std::string End() { return Header(Kind::kEnd); }
std::string EndAck() { return Header(Kind::kEndAck); }

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
