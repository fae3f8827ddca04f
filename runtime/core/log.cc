#include "datablox/log.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>
#include <msgpack.hpp>

#include "runtime/core/arena.h"
#include "runtime/core/log_shape.h"
#include "runtime/core/msgpack_write.h"

namespace datablox {
namespace {

using msgpack_write::Packer;
using msgpack_write::PackFloat64;
using msgpack_write::PackInt;
using msgpack_write::PackStr;
using msgpack_write::StringSink;

// Strings and binaries of a received log point into its message: no copies.
bool ReferenceEverything(msgpack::type::object_type, std::size_t, void*) { return true; }

// Copies a parsed value, keeping floats floats (see PackFloat64).
void PackObject(const msgpack::object& o, Packer& pk, std::string& out) {
  switch (o.type) {
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: PackFloat64(out, o.via.f64); return;
    case msgpack::type::ARRAY:
      pk.pack_array(o.via.array.size);
      for (uint32_t i = 0; i < o.via.array.size; ++i) PackObject(o.via.array.ptr[i], pk, out);
      return;
    case msgpack::type::MAP:
      pk.pack_map(o.via.map.size);
      for (uint32_t i = 0; i < o.via.map.size; ++i) {
        PackObject(o.via.map.ptr[i].key, pk, out);
        PackObject(o.via.map.ptr[i].val, pk, out);
      }
      return;
    default: pk.pack(o); return;
  }
}

Status PackJson(simdjson::dom::element element, Packer& pk, std::string& out) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::ARRAY: {
      simdjson::dom::array array = element.get_array().value_unsafe();
      pk.pack_array(static_cast<uint32_t>(array.size()));
      for (simdjson::dom::element item : array) {
        Status st = PackJson(item, pk, out);
        if (!st.ok()) return st;
      }
      return Status::OK();
    }
    case element_type::OBJECT: {
      simdjson::dom::object object = element.get_object().value_unsafe();
      pk.pack_map(static_cast<uint32_t>(object.size()));
      for (simdjson::dom::key_value_pair field : object) {
        pk.pack_str(static_cast<uint32_t>(field.key.size()));
        pk.pack_str_body(field.key.data(), static_cast<uint32_t>(field.key.size()));
        Status st = PackJson(field.value, pk, out);
        if (!st.ok()) return st;
      }
      return Status::OK();
    }
    case element_type::INT64: pk.pack_int64(element.get_int64().value_unsafe()); return Status::OK();
    case element_type::UINT64:
      // Beyond int64 (the log model's int): refused rather than read back
      // as a wrong, negative number somewhere downstream.
      return Status::Invalid(
          fmt::format("integer {} is out of the 64-bit signed range", element.get_uint64().value_unsafe()));
    case element_type::DOUBLE: PackFloat64(out, element.get_double().value_unsafe()); return Status::OK();
    case element_type::STRING: {
      std::string_view s = element.get_string().value_unsafe();
      pk.pack_str(static_cast<uint32_t>(s.size()));
      pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
      return Status::OK();
    }
    case element_type::BOOL: element.get_bool().value_unsafe() ? pk.pack_true() : pk.pack_false(); return Status::OK();
    case element_type::NULL_VALUE: pk.pack_nil(); return Status::OK();
  }
  return Status::Invalid("unknown JSON element");
}

// simdjson's own depth limit (1024 by default) is set explicitly to what a
// log may hold, which also bounds PackJson's recursion. simdjson lets N - 1
// levels through a limit of N, but does not count an empty innermost array
// or object as msgpack-c does (see log_shape.h): so a JSON object (a log's
// root, kMaxLogDepth levels) is checked again once built, and a field value
// (one level below the root) is held to a limit one level too strict rather
// than ever making a log that receivers would drop.
simdjson::dom::parser& JsonParser(size_t max_depth) {
  thread_local simdjson::dom::parser object_parser = [] {
    simdjson::dom::parser parser;
    // Out of memory here leaves the parser without capacity: parse() then
    // allocates (keeping this depth) or reports the failure itself.
    [[maybe_unused]] simdjson::error_code allocated = parser.allocate(simdjson::SIMDJSON_PADDING, kMaxLogDepth + 1);
    return parser;
  }();
  thread_local simdjson::dom::parser value_parser = [] {
    simdjson::dom::parser parser;
    [[maybe_unused]] simdjson::error_code allocated = parser.allocate(simdjson::SIMDJSON_PADDING, kMaxLogDepth - 1);
    return parser;
  }();
  return max_depth == kMaxLogDepth ? object_parser : value_parser;
}

Status ParseJson(std::string_view json, size_t max_depth, simdjson::dom::element* out) {
  auto result = JsonParser(max_depth).parse(json.data(), json.size(), /*realloc_if_needed=*/true);
  if (result.error() == simdjson::DEPTH_ERROR) {
    return Status::Invalid(fmt::format("malformed JSON: nested more than {} levels deep", max_depth));
  }
  if (result.error())
    return Status::Invalid(fmt::format("malformed JSON: {}", simdjson::error_message(result.error())));
  *out = result.value_unsafe();
  return Status::OK();
}

constexpr size_t kHeaderReserve = 5;  // room for a map32 header in front of the entries

}  // namespace

// ---------------------------------------------------------------- Log

Value Log::root() const {
  if (!parsed_) {
    parsed_ = true;
    // msgpack-c reserves a container's items as soon as it reads the count:
    // a 6-byte log claiming 2^32 map entries asked for tens of GB. The walk
    // of CheckLogShape bounds every count by the bytes left after it (each
    // item takes a byte at least) before anything is reserved; it also
    // holds the depth limit and says "one map, nothing after it".
    if (!CheckLogShape(bytes()).ok()) return Value::FromRaw(nullptr);
    try {
      msgpack::zone& zone = arena_->zone();
      auto* object = static_cast<msgpack::object*>(zone.allocate_align(sizeof(msgpack::object)));
      size_t offset = 0;
      // Limits again, as a second line: no count or length beyond the log's size.
      const msgpack::unpack_limit limit(size_, size_, size_, size_, size_, kMaxLogDepth);
      *object = msgpack::unpack(zone, data_, size_, offset, ReferenceEverything, nullptr, limit);
      if (offset == size_ && object->type == msgpack::type::MAP) root_ = object;
    } catch (const std::exception&) {
      root_ = nullptr;  // malformed bytes: the log reads as invalid, never crashes
    }
  }
  return Value::FromRaw(root_);
}

// ---------------------------------------------------------------- OwnedLog

OwnedLog::OwnedLog() : OwnedLog(std::string("\x80", 1)) {}  // the empty map

OwnedLog::OwnedLog(std::string msgpack_bytes)
    : bytes_(std::make_unique<std::string>(std::move(msgpack_bytes))),
      arena_(std::make_unique<detail::Arena>()),
      log_(std::make_unique<Log>(bytes_->data(), bytes_->size(), arena_.get())) {}

OwnedLog::OwnedLog(OwnedLog&&) noexcept = default;
OwnedLog& OwnedLog::operator=(OwnedLog&&) noexcept = default;
OwnedLog::~OwnedLog() = default;

Status OwnedLog::FromJson(std::string_view json, OwnedLog* out) {
  LogBuilder builder;
  Status st = builder.assign_json(json);
  if (!st.ok()) return st;
  *out = OwnedLog(std::string(builder.bytes()));
  return Status::OK();
}

// ---------------------------------------------------------------- LogBuilder

LogBuilder::LogBuilder() { clear(); }

LogBuilder& LogBuilder::clear() {
  buffer_.assign(kHeaderReserve, '\0');
  fields_ = 0;
  return *this;
}

void LogBuilder::key(std::string_view key) {
  ++fields_;
  PackStr(buffer_, key);
}

LogBuilder& LogBuilder::add_nil(std::string_view k) {
  key(k);
  buffer_.push_back(static_cast<char>(0xc0));
  return *this;
}

LogBuilder& LogBuilder::add(std::string_view k, bool value) {
  key(k);
  buffer_.push_back(static_cast<char>(value ? 0xc3 : 0xc2));
  return *this;
}

LogBuilder& LogBuilder::add(std::string_view k, double value) {
  key(k);
  PackFloat64(buffer_, value);
  return *this;
}

LogBuilder& LogBuilder::add(std::string_view k, std::string_view value) {
  key(k);
  PackStr(buffer_, value);
  return *this;
}

LogBuilder& LogBuilder::add_int(std::string_view k, int64_t value) {
  key(k);
  PackInt(buffer_, value);
  return *this;
}

LogBuilder& LogBuilder::add_bytes(std::string_view k, std::string_view value) {
  key(k);
  StringSink sink{&buffer_};
  Packer pk(sink);
  pk.pack_bin(static_cast<uint32_t>(value.size()));
  pk.pack_bin_body(value.data(), static_cast<uint32_t>(value.size()));
  return *this;
}

LogBuilder& LogBuilder::add(std::string_view k, const Value& value) {
  key(k);
  StringSink sink{&buffer_};
  Packer pk(sink);
  if (!value.exists()) {
    pk.pack_nil();
  } else {
    PackObject(*static_cast<const msgpack::object*>(value.raw()), pk, buffer_);
  }
  return *this;
}

LogBuilder& LogBuilder::add_raw(std::string_view k, std::string_view msgpack_value) {
  key(k);
  buffer_.append(msgpack_value);
  return *this;
}

LogBuilder& LogBuilder::add_array(std::string_view k, std::span<const std::string> encoded_items) {
  key(k);
  StringSink sink{&buffer_};
  Packer(sink).pack_array(static_cast<uint32_t>(encoded_items.size()));
  for (const std::string& item : encoded_items) buffer_.append(item);
  return *this;
}

Status LogBuilder::add_json(std::string_view k, std::string_view json) {
  simdjson::dom::element element;
  Status st = ParseJson(json, kMaxLogDepth - 1, &element);
  if (!st.ok()) return st;
  key(k);
  StringSink sink{&buffer_};
  Packer pk(sink);
  return PackJson(element, pk, buffer_);
}

Status LogBuilder::assign_json(std::string_view json_object) {
  clear();
  simdjson::dom::element element;
  Status st = ParseJson(json_object, kMaxLogDepth, &element);
  if (!st.ok()) return st;
  if (element.type() != simdjson::dom::element_type::OBJECT) {
    return Status::Invalid("a log must be a JSON object");
  }
  StringSink sink{&buffer_};
  Packer pk(sink);
  // A named object: a range-for straight over value_unsafe() of the
  // temporary result would iterate a destroyed value.
  simdjson::dom::object object = element.get_object().value_unsafe();
  for (simdjson::dom::key_value_pair field : object) {
    ++fields_;
    pk.pack_str(static_cast<uint32_t>(field.key.size()));
    pk.pack_str_body(field.key.data(), static_cast<uint32_t>(field.key.size()));
    st = PackJson(field.value, pk, buffer_);
    if (!st.ok()) return st;
  }
  return CheckLogShape(bytes());
}

LogBuilder& LogBuilder::add_fields(const Log& log, std::span<const std::string_view> except) {
  Value root = log.root();
  for (size_t i = 0; i < root.size(); ++i) {
    std::string_view name = root.key_at(i);
    bool skipped = false;
    for (std::string_view e : except) skipped = skipped || e == name;
    if (!skipped) add(name, root.at(i));
  }
  return *this;
}

std::string_view LogBuilder::bytes() {
  // The header goes right before the entries, in the smallest form that fits:
  // the reserve in front of the buffer avoids moving the entries.
  if (fields_ <= 15) {
    buffer_[4] = static_cast<char>(0x80 | fields_);
    return std::string_view(buffer_).substr(4);
  }
  if (fields_ <= 0xffff) {
    buffer_[2] = static_cast<char>(0xde);
    buffer_[3] = static_cast<char>(fields_ >> 8);
    buffer_[4] = static_cast<char>(fields_ & 0xff);
    return std::string_view(buffer_).substr(2);
  }
  buffer_[0] = static_cast<char>(0xdf);
  for (int i = 0; i < 4; ++i) buffer_[1 + i] = static_cast<char>(fields_ >> (24 - 8 * i));
  return buffer_;
}

}  // namespace datablox
