// What an element class declares about itself, as data: its ports and its
// parameters. The checker, `datablox describe` and the element host all read
// this one declaration; none of them has to run the element to know it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/shard.h"
#include "datablox/value.h"

namespace datablox {

class Element;

enum class PortKind : uint8_t { kPush, kQuery };
enum class PortDirection : uint8_t { kIn, kOut };

struct FieldSpec {
  std::string name;
  ValueType type;
};

struct PortSpec {
  std::string name;
  PortKind kind = PortKind::kPush;
  PortDirection direction = PortDirection::kIn;
  // A required port must be connected. (For an in port: at least one
  // upstream; for an out port: at least one downstream.)
  bool required = true;
  // Record schema. For an in port: fields it requires of every log. For an
  // out port: fields every log it emits carries. Empty: anything goes.
  std::vector<FieldSpec> schema;
  std::string doc;
};

// Lists nest at most this deep in a parameter value ([[...]]): the parser
// and every reader of a value (the checker, a Python class's defaults)
// recurse once per level.
inline constexpr int kMaxParamListNesting = 64;

// A parameter value as written in a topology file.
struct ParamValue {
  // kEnv is `env("NAME")`: a secret parameter's value read from the
  // environment of the process the element runs in, so that it need not sit
  // in the topology file; `s` holds NAME. Params::Resolve replaces it by the
  // variable's value; the checker accepts it for secret parameters only.
  enum class Kind : uint8_t { kInt, kFloat, kString, kBool, kList, kEnv };
  Kind kind = Kind::kInt;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;
  std::vector<ParamValue> list;

  static ParamValue Int(int64_t v) {
    ParamValue p;
    p.kind = Kind::kInt;
    p.i = v;
    return p;
  }
  static ParamValue Float(double v) {
    ParamValue p;
    p.kind = Kind::kFloat;
    p.f = v;
    return p;
  }
  static ParamValue String(std::string v) {
    ParamValue p;
    p.kind = Kind::kString;
    p.s = std::move(v);
    return p;
  }
  static ParamValue Bool(bool v) {
    ParamValue p;
    p.kind = Kind::kBool;
    p.b = v;
    return p;
  }
  static ParamValue List(std::vector<ParamValue> v) {
    ParamValue p;
    p.kind = Kind::kList;
    p.list = std::move(v);
    return p;
  }
  static ParamValue Env(std::string variable) {
    ParamValue p;
    p.kind = Kind::kEnv;
    p.s = std::move(variable);
    return p;
  }

  // As the topology language writes it: 12, 1.5, "text", true, [1, 2],
  // env("NAME"). To show a parameter's value to people, DisplayValue masks secrets.
  std::string ToString() const;
  // "int", "float", "string", "bool", "list", "env": a kind as a parameter's type is written.
  static const char* KindName(Kind kind);
};

// The type a parameter must have. kExpr is a string holding an expression of
// the expression language, kAssignments a string of `field = expression`
// pairs separated by commas; the checker compiles both before anything runs.
// kSecret is a string (or env("NAME")) that an element reads like one but
// that no display shows: status, describe, events, check's plan, the
// checker's errors and the logs all say kMaskedValue instead.
enum class ParamType : uint8_t { kInt, kFloat, kString, kBool, kList, kExpr, kAssignments, kSecret };
const char* ParamTypeName(ParamType type);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  bool required = false;
  ParamValue default_value;  // used when not required and not given
  std::string doc;
};

// What a secret parameter's value is shown as, wherever it is shown.
inline constexpr const char* kMaskedValue = "***";

// A parameter's value as people may see it: value.ToString(), except that a
// secret parameter's (`param` declares it so) is kMaskedValue, unless it is
// env("NAME"), which names the secret's place, not the secret. Every path
// that shows a value (a table, an error, a log line) goes through this one
// function, so that a secret cannot leak by a path that forgot an `if`.
// `param` null (a name the class does not declare): shown as written.
std::string DisplayValue(const ParamSpec* param, const ParamValue& value);

// Shared ownership: a Python element's C++ object is owned by its Python
// instance, which the deleter releases.
using ElementFactory = std::function<std::shared_ptr<Element>()>;

// Built with chained calls, in the class's static spec():
//
//   return ClassSpec("Sequence", "emits {seq: i} for i from start")
//       .push_out("out", {{"seq", ValueType::kInt}})
//       .param_int("count", "how many logs to emit")
//       .param_int("start", 0, "first value of seq");
class ClassSpec {
 public:
  ClassSpec() = default;
  ClassSpec(std::string name, std::string summary) : name(std::move(name)), summary(std::move(summary)) {}

  ClassSpec& describe(std::string text) {
    description = std::move(text);
    return *this;
  }
  ClassSpec& handler(std::string handler_name, std::string doc) {
    handlers.push_back({std::move(handler_name), std::move(doc)});
    return *this;
  }
  // May be a shard's member (shard.h). A class with keyed state names the
  // parameter that holds its key field (Counter: "key"): a hash-routed
  // shard must route by that field, so that a key's logs and its state
  // live in one member.
  ClassSpec& shardable(StateKind kind = StateKind::kStateless, std::string key_parameter = "") {
    shard.shardable = true;
    shard.state = kind;
    shard.key_param = std::move(key_parameter);
    return *this;
  }
  // How `merge: custom` merges the members' replies to a query.
  ClassSpec& merge(MergeFunction function) {
    shard.merge = std::move(function);
    return *this;
  }

  // Serves streamed replies (stream.h): its host runs a Nexus server for it,
  // and on_stream answers each stream asked of it.
  ClassSpec& serves_streams() {
    streams = true;
    return *this;
  }

  ClassSpec& push_in(std::string port, std::vector<FieldSpec> schema = {}, bool required = true, std::string doc = "");
  ClassSpec& push_out(std::string port, std::vector<FieldSpec> schema = {}, bool required = true, std::string doc = "");
  ClassSpec& query_in(std::string port, bool required = false, std::string doc = "");
  ClassSpec& query_out(std::string port, bool required = true, std::string doc = "");

  // Required parameters (no default).
  ClassSpec& param_int(std::string param, std::string doc);
  ClassSpec& param_float(std::string param, std::string doc);
  ClassSpec& param_string(std::string param, std::string doc);
  ClassSpec& param_expr(std::string param, std::string doc);
  ClassSpec& param_assignments(std::string param, std::string doc);
  ClassSpec& param_secret(std::string param, std::string doc);
  // Optional parameters, with their default.
  ClassSpec& param_int(std::string param, int64_t default_value, std::string doc);
  ClassSpec& param_float(std::string param, double default_value, std::string doc);
  ClassSpec& param_string(std::string param, std::string default_value, std::string doc);
  ClassSpec& param_bool(std::string param, bool default_value, std::string doc);
  ClassSpec& param_expr(std::string param, std::string default_value, std::string doc);
  ClassSpec& param_list(std::string param, std::vector<ParamValue> default_value, std::string doc);
  // A default may be env("NAME") (ParamValue::Env): the secret then comes
  // from the element's environment unless the topology gives one.
  ClassSpec& param_secret(std::string param, ParamValue default_value, std::string doc);

  const PortSpec* find_port(std::string_view port) const;
  const ParamSpec* find_param(std::string_view param) const;
  // The port a chain `a -> b` uses: the only push port of that direction, or
  // the one named "in"/"out". Null when there is none or it is ambiguous.
  const PortSpec* default_push_port(PortDirection direction) const;

  // Ports of one kind and direction, in declaration order: the index in
  // this list is the port's id at run time.
  std::vector<const PortSpec*> ports_of(PortKind kind, PortDirection direction) const;

  std::string name;
  std::string summary;
  std::string description;
  std::vector<PortSpec> ports;
  std::vector<ParamSpec> params;
  struct Handler {
    std::string name;
    std::string doc;
  };
  std::vector<Handler> handlers;
  struct Shard {
    bool shardable = false;
    StateKind state = StateKind::kStateless;
    std::string key_param;  // keyed: the parameter naming the key field
    MergeFunction merge;    // for `merge: custom`; empty: the class has none
  };
  Shard shard;
  bool streams = false;    // serves_streams()
  ElementFactory factory;  // set by the registry
};

}  // namespace datablox
