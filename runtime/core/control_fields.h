// Reads and writes the fields of a control message (private to
// runtime/core: the codecs of the parts of control_protocol.h; and to the
// master's migration record, shards/migration_record.cc, which holds
// control structs and is read as strictly).
#pragma once

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/control_protocol.h"

namespace datablox::control::detail {

// Reads the fields of one JSON object into a struct: what is absent keeps
// the struct's default, the first field of the wrong type is the error.
class Fields {
 public:
  Fields(const Json& json, std::string_view what) : json_(json), what_(what) {
    if (!json.is_object()) error_ = fmt::format("{}: must be an object, found {}", what_, json.type_name());
  }

  template <class T>
  Fields& Get(const char* key, T* out) {
    const Json* value = Find(key);
    if (value) Convert(key, *value, out);
    return *this;
  }
  template <class T>
  Fields& Get(const char* key, std::optional<T>* out) {
    const Json* value = Find(key);
    if (value) Convert(key, *value, &out->emplace());
    return *this;
  }
  bool Has(const char* key) const { return error_.empty() && json_.contains(key); }

  Status status() const { return error_.empty() ? Status::OK() : Status::Invalid(error_); }

 private:
  const Json* Find(const char* key) const {
    if (!error_.empty()) return nullptr;
    auto it = json_.find(key);
    return it == json_.end() ? nullptr : &*it;
  }
  void Wrong(std::string_view key, const Json& value, std::string_view expected) {
    error_ = fmt::format("{}: '{}' must be {}, found {}", what_, key, expected, value.type_name());
  }
  void Nested(std::string_view key, const Status& st) {
    if (!st.ok()) error_ = fmt::format("{}: '{}': {}", what_, key, st.message());
  }

  void Convert(std::string_view key, const Json& v, std::string* out) {
    if (v.is_string()) *out = v.get<std::string>();
    else Wrong(key, v, "a string");
  }
  void Convert(std::string_view key, const Json& v, bool* out) {
    if (v.is_boolean()) *out = v.get<bool>();
    else Wrong(key, v, "a bool");
  }
  void Convert(std::string_view key, const Json& v, int* out) {
    if (v.is_number_integer()) *out = v.get<int>();
    else Wrong(key, v, "an int");
  }
  void Convert(std::string_view key, const Json& v, int64_t* out) {
    if (v.is_number_integer()) *out = v.get<int64_t>();
    else Wrong(key, v, "an int");
  }
  void Convert(std::string_view key, const Json& v, uint64_t* out) {
    if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)) *out = v.get<uint64_t>();
    else Wrong(key, v, "an unsigned int");
  }
  void Convert(std::string_view key, const Json& v, double* out) {
    if (v.is_number()) *out = v.get<double>();
    else Wrong(key, v, "a number");
  }
  void Convert(std::string_view, const Json& v, Json* out) { *out = v; }
  void Convert(std::string_view key, const Json& v, std::vector<std::string>* out) {
    if (!v.is_array()) return Wrong(key, v, "a list of strings");
    out->clear();
    for (const Json& item : v) {
      if (!item.is_string()) return Wrong(key, item, "a list of strings, an item");
      out->push_back(item.get<std::string>());
    }
  }
  void Convert(std::string_view key, const Json& v, std::vector<int>* out) {
    if (!v.is_array()) return Wrong(key, v, "a list of ints");
    out->clear();
    for (const Json& item : v) {
      if (!item.is_number_integer()) return Wrong(key, item, "a list of ints, an item");
      out->push_back(item.get<int>());
    }
  }
  void Convert(std::string_view key, const Json& v, std::map<std::string, std::string>* out) {
    if (!v.is_object()) return Wrong(key, v, "an object of strings");
    out->clear();
    for (const auto& [name, item] : v.items()) {
      if (!item.is_string()) return Wrong(key, item, "an object of strings, a value");
      (*out)[name] = item.get<std::string>();
    }
  }
  // A struct of its own (a plan, a list of them): its own FromJson.
  template <class T>
  void Convert(std::string_view key, const Json& v, T* out) {
    Nested(key, FromJson(v, out));
  }
  template <class T>
  void Convert(std::string_view key, const Json& v, std::vector<T>* out) {
    if (!v.is_array()) return Wrong(key, v, "a list");
    out->clear();
    for (size_t i = 0; i < v.size() && error_.empty(); ++i) {
      Nested(fmt::format("{}[{}]", key, i), FromJson(v[i], &out->emplace_back()));
    }
  }

  const Json& json_;
  std::string_view what_;
  std::string error_;
};

template <class T>
void Put(Json& json, const char* key, const std::optional<T>& value) {
  if (value) json[key] = *value;
}

inline void PutVia(Json& json, const std::optional<ForwardedBy>& via) {
  if (!via) return;
  json["node"] = via->node;
  json["pid"] = via->pid;
  json["restarts"] = via->restarts;
}
// A host's message carries no node: one that does was forwarded by a caretaker.
inline void GetVia(Fields& fields, std::optional<ForwardedBy>* via) {
  if (!fields.Has("node")) return;
  ForwardedBy& by = via->emplace();
  fields.Get("node", &by.node).Get("pid", &by.pid).Get("restarts", &by.restarts);
}

inline Json Message(Op op) { return Json{{"op", OpName(op)}}; }

}  // namespace datablox::control::detail
