// Logs: one record, a map from string keys to values, msgpack on the wire.
//
// A received Log is a view over the bytes of the message that carried it; its
// fields are parsed lazily, the first time one is read, and an element that
// passes a log on unchanged forwards those bytes without re-encoding them.
// That is what keeps the framework's push path near raw ZeroMQ speed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "datablox/status.h"
#include "datablox/value.h"

namespace datablox {

// Logs nest at most this deep (the root map is level 1). Every reader of a
// log recurses over its nesting (to_json, copies, Python conversion), so a
// deeper log is malformed: the host counts and drops it on receipt, and
// Log::root() reads it as invalid.
inline constexpr int kMaxLogDepth = 64;

namespace detail {
class Arena;  // the memory that parsed fields live in (a msgpack zone)
}

class Log {
 public:
  // `arena` receives the parsed fields; it must outlive the log.
  Log(const char* data, size_t size, detail::Arena* arena)
      : data_(data), size_(static_cast<uint32_t>(size)), arena_(arena) {}

  std::string_view bytes() const { return {data_, size_}; }
  // The log's map; missing when the bytes are not a msgpack map (see valid()).
  Value root() const;
  Value get(std::string_view key) const { return root().get(key); }
  // True when the bytes hold exactly one msgpack map, nested no deeper than
  // kMaxLogDepth. Parses on first call.
  bool valid() const { return root().exists(); }
  std::string to_json() const { return root().to_json(); }

 private:
  const char* data_;
  uint32_t size_;
  detail::Arena* arena_;
  mutable const void* root_ = nullptr;
  mutable bool parsed_ = false;
};

// A batch is the unit of transport: the logs of one message, in order.
using Batch = std::span<const Log>;

// A log that owns its bytes (and the memory of its parsed fields): what a
// query reply callback receives, what tests build, what an element keeps.
class OwnedLog {
 public:
  OwnedLog();
  explicit OwnedLog(std::string msgpack_bytes);
  OwnedLog(OwnedLog&&) noexcept;
  OwnedLog& operator=(OwnedLog&&) noexcept;
  ~OwnedLog();

  // Parses one JSON object (simdjson). Errors name the offending position.
  static Status FromJson(std::string_view json, OwnedLog* out);

  const Log& log() const { return *log_; }
  Value get(std::string_view key) const { return log_->get(key); }
  std::string_view bytes() const { return *bytes_; }
  std::string to_json() const { return log_->to_json(); }

 private:
  // On the heap so that moving an OwnedLog never moves the bytes its Log
  // (and the parsed fields in the arena) point into: a short std::string
  // would carry its bytes along inline.
  std::unique_ptr<std::string> bytes_;
  std::unique_ptr<detail::Arena> arena_;
  std::unique_ptr<Log> log_;
};

// Writes one log as msgpack. Reuse one builder: clear() keeps its memory.
//
//   LogBuilder b;
//   b.add("seq", i).add("word", "hello");
//   emit(b);
class LogBuilder {
 public:
  LogBuilder();

  LogBuilder& clear();
  size_t field_count() const { return fields_; }

  LogBuilder& add_nil(std::string_view key);
  LogBuilder& add(std::string_view key, bool value);
  LogBuilder& add(std::string_view key, double value);
  LogBuilder& add(std::string_view key, std::string_view value);
  LogBuilder& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
  LogBuilder& add(std::string_view key, const std::string& value) { return add(key, std::string_view(value)); }
  LogBuilder& add_int(std::string_view key, int64_t value);
  template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) LogBuilder& add(std::string_view key, T value) {
    return add_int(key, static_cast<int64_t>(value));
  }
  LogBuilder& add_bytes(std::string_view key, std::string_view value);
  // Copies any value, nested ones included, from another log.
  LogBuilder& add(std::string_view key, const Value& value);
  // Adds an already msgpack-encoded value as is (for nested values built
  // with another LogBuilder: see add_array).
  LogBuilder& add_raw(std::string_view key, std::string_view msgpack_value);
  // Adds an array whose items are already msgpack-encoded (for instance the
  // bytes() of other builders: an array of logs).
  LogBuilder& add_array(std::string_view key, std::span<const std::string> encoded_items);
  // Parses a JSON value (object, array or scalar) into the field.
  Status add_json(std::string_view key, std::string_view json);
  // Replaces the whole log by the fields of one JSON object (simdjson).
  Status assign_json(std::string_view json_object);

  // Copies every field of `log` whose key is not in `except`.
  LogBuilder& add_fields(const Log& log, std::span<const std::string_view> except = {});

  // The finished log's msgpack bytes; valid until the next change.
  std::string_view bytes();

 private:
  void key(std::string_view key);
  std::string buffer_;  // a map32 header (count patched in bytes()) + entries
  uint32_t fields_ = 0;
};

}  // namespace datablox
