#include "datablox/value.h"

#include <string>

#include <msgpack.hpp>
#include <nlohmann/json.hpp>

#include "datablox/log.h"

namespace datablox {
namespace {

const msgpack::object* Obj(const void* raw) { return static_cast<const msgpack::object*>(raw); }

// Where ToJson is: how deep, and whether inside a key that is not a string.
struct JsonContext {
  int depth = 0;
  bool in_key = false;
};

nlohmann::json ToJson(const msgpack::object& o, JsonContext at);

// A map key that is not a string is written as its JSON text. Inside that
// text, a key that is an array or a map is written as its type name: its
// own text would be escaped once more per level of keys within keys, which
// doubled the output per level (a 100-byte log made gigabytes).
std::string KeyText(const msgpack::object& key, JsonContext at) {
  if (key.type == msgpack::type::STR) return std::string(key.via.str.ptr, key.via.str.size);
  if (at.in_key && (key.type == msgpack::type::ARRAY || key.type == msgpack::type::MAP)) {
    return key.type == msgpack::type::ARRAY ? "array" : "map";
  }
  // Bytes in a key may be any bytes: replaced, as in any other string, never thrown.
  return ToJson(key, {at.depth, true}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Total over any msgpack object (ext and what nests deeper than a log may
// are null): to_json prints logs from peers, files and Python.
nlohmann::json ToJson(const msgpack::object& o, JsonContext at) {
  const bool container = o.type == msgpack::type::ARRAY || o.type == msgpack::type::MAP;
  if (container && at.depth >= kMaxLogDepth) return nullptr;  // bounds the recursion
  const JsonContext inside{at.depth + 1, at.in_key};
  switch (o.type) {
    case msgpack::type::NIL: return nullptr;
    case msgpack::type::BOOLEAN: return o.via.boolean;
    case msgpack::type::POSITIVE_INTEGER: return o.via.u64;
    case msgpack::type::NEGATIVE_INTEGER: return o.via.i64;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return o.via.f64;
    case msgpack::type::STR: return std::string(o.via.str.ptr, o.via.str.size);
    case msgpack::type::BIN: return std::string(o.via.bin.ptr, o.via.bin.size);
    case msgpack::type::ARRAY: {
      nlohmann::json a = nlohmann::json::array();
      for (uint32_t i = 0; i < o.via.array.size; ++i) a.push_back(ToJson(o.via.array.ptr[i], inside));
      return a;
    }
    case msgpack::type::MAP: {
      nlohmann::json m = nlohmann::json::object();
      for (uint32_t i = 0; i < o.via.map.size; ++i) {
        const auto& kv = o.via.map.ptr[i];
        m[KeyText(kv.key, inside)] = ToJson(kv.val, inside);
      }
      return m;
    }
    default: return nullptr;  // EXT: not part of the log model
  }
}

}  // namespace

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kMissing: return "missing";
    case ValueType::kNil: return "nil";
    case ValueType::kBool: return "bool";
    case ValueType::kInt: return "int";
    case ValueType::kFloat: return "float";
    case ValueType::kString: return "string";
    case ValueType::kBytes: return "bytes";
    case ValueType::kArray: return "array";
    case ValueType::kMap: return "map";
  }
  return "?";
}

bool ParseValueTypeName(std::string_view name, ValueType* type) {
  static constexpr ValueType kAll[] = {ValueType::kNil,    ValueType::kBool,  ValueType::kInt,   ValueType::kFloat,
                                       ValueType::kString, ValueType::kBytes, ValueType::kArray, ValueType::kMap};
  for (ValueType t : kAll) {
    if (name == ValueTypeName(t)) {
      *type = t;
      return true;
    }
  }
  return false;
}

ValueType Value::type() const {
  if (!object_) return ValueType::kMissing;
  switch (Obj(object_)->type) {
    case msgpack::type::NIL: return ValueType::kNil;
    case msgpack::type::BOOLEAN: return ValueType::kBool;
    case msgpack::type::POSITIVE_INTEGER:
    case msgpack::type::NEGATIVE_INTEGER: return ValueType::kInt;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return ValueType::kFloat;
    case msgpack::type::STR: return ValueType::kString;
    case msgpack::type::BIN: return ValueType::kBytes;
    case msgpack::type::ARRAY: return ValueType::kArray;
    case msgpack::type::MAP: return ValueType::kMap;
    default: return ValueType::kNil;
  }
}

bool Value::as_bool(bool fallback) const {
  if (!object_ || Obj(object_)->type != msgpack::type::BOOLEAN) return fallback;
  return Obj(object_)->via.boolean;
}

int64_t Value::as_int(int64_t fallback) const {
  if (!object_) return fallback;
  const auto* o = Obj(object_);
  if (o->type == msgpack::type::POSITIVE_INTEGER) {
    // A peer's uint64 past INT64_MAX has no int64 value: never a wrapped one.
    return o->via.u64 <= static_cast<uint64_t>(INT64_MAX) ? static_cast<int64_t>(o->via.u64) : fallback;
  }
  if (o->type == msgpack::type::NEGATIVE_INTEGER) return o->via.i64;
  return fallback;
}

double Value::as_float(double fallback) const {
  if (!object_) return fallback;
  const auto* o = Obj(object_);
  switch (o->type) {
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return o->via.f64;
    case msgpack::type::POSITIVE_INTEGER: return static_cast<double>(o->via.u64);
    case msgpack::type::NEGATIVE_INTEGER: return static_cast<double>(o->via.i64);
    default: return fallback;
  }
}

std::string_view Value::as_string(std::string_view fallback) const {
  if (!object_ || Obj(object_)->type != msgpack::type::STR) return fallback;
  return {Obj(object_)->via.str.ptr, Obj(object_)->via.str.size};
}

std::string_view Value::as_bytes(std::string_view fallback) const {
  if (!object_ || Obj(object_)->type != msgpack::type::BIN) return fallback;
  return {Obj(object_)->via.bin.ptr, Obj(object_)->via.bin.size};
}

size_t Value::size() const {
  if (!object_) return 0;
  const auto* o = Obj(object_);
  if (o->type == msgpack::type::ARRAY) return o->via.array.size;
  if (o->type == msgpack::type::MAP) return o->via.map.size;
  return 0;
}

Value Value::at(size_t i) const {
  if (!object_) return {};
  const auto* o = Obj(object_);
  if (o->type == msgpack::type::ARRAY && i < o->via.array.size) return Value(&o->via.array.ptr[i]);
  if (o->type == msgpack::type::MAP && i < o->via.map.size) return Value(&o->via.map.ptr[i].val);
  return {};
}

std::string_view Value::key_at(size_t i) const {
  if (!object_) return {};
  const auto* o = Obj(object_);
  if (o->type != msgpack::type::MAP || i >= o->via.map.size) return {};
  const auto& key = o->via.map.ptr[i].key;
  if (key.type != msgpack::type::STR) return {};
  return {key.via.str.ptr, key.via.str.size};
}

Value Value::get(std::string_view key) const {
  if (!object_) return {};
  const auto* o = Obj(object_);
  if (o->type != msgpack::type::MAP) return {};
  // Logs have few fields: a linear scan beats any index we would build per log.
  const msgpack::object_kv* kv = o->via.map.ptr;
  for (uint32_t i = 0; i < o->via.map.size; ++i, ++kv) {
    if (kv->key.type == msgpack::type::STR && kv->key.via.str.size == key.size() &&
        std::memcmp(kv->key.via.str.ptr, key.data(), key.size()) == 0) {
      return Value(&kv->val);
    }
  }
  return {};
}

std::string Value::to_json() const {
  if (!object_) return "null";
  return ToJson(*Obj(object_), {}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace datablox
