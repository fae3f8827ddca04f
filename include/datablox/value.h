// A read-only view of one value inside a log's msgpack bytes.
//
// Values are views: they never own memory and stay valid only as long as the
// Log they came from (for a received log: the duration of the hook call that
// delivered it). Copy what you keep into a LogBuilder or a std::string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace datablox {

enum class ValueType : uint8_t {
  kMissing,  // the field is absent (distinct from an explicit nil)
  kNil,
  kBool,
  kInt,
  kFloat,
  kString,
  kBytes,
  kArray,
  kMap,
};

// "int", "string", ...: the spelling used in schemas and error messages.
const char* ValueTypeName(ValueType type);
// Parses a schema type name; returns false when the name is unknown.
bool ParseValueTypeName(std::string_view name, ValueType* type);

class Value {
 public:
  Value() = default;  // missing

  ValueType type() const;
  bool exists() const { return object_ != nullptr; }
  explicit operator bool() const { return exists(); }
  bool is_nil() const { return type() == ValueType::kNil; }
  bool is_number() const { return type() == ValueType::kInt || type() == ValueType::kFloat; }

  // Accessors return the fallback when the value has another type.
  // as_float() also converts an int; as_int() does not truncate floats.
  bool as_bool(bool fallback = false) const;
  int64_t as_int(int64_t fallback = 0) const;
  double as_float(double fallback = 0.0) const;
  std::string_view as_string(std::string_view fallback = {}) const;
  std::string_view as_bytes(std::string_view fallback = {}) const;

  // Arrays and maps.
  size_t size() const;                      // elements of an array, entries of a map; 0 otherwise
  Value at(size_t i) const;                 // array element, or map value of entry i
  std::string_view key_at(size_t i) const;  // map key of entry i ("" for a non-string key)
  Value get(std::string_view key) const;    // map lookup; missing when absent

  // Compact JSON text; bytes are written as JSON strings (invalid UTF-8
  // replaced). Used by Print, JsonLinesSink and the CLI.
  std::string to_json() const;

  // The opaque msgpack object this view points at; for the runtime only.
  const void* raw() const { return object_; }
  static Value FromRaw(const void* msgpack_object) { return Value(msgpack_object); }

 private:
  explicit Value(const void* object) : object_(object) {}
  const void* object_ = nullptr;  // const msgpack::object*
};

}  // namespace datablox
