// An element's parameters, as given in the topology with the class's defaults
// filled in, and the one chained reader every element uses (Click's Args):
//
//   Status configure(const Params& params) override {
//     return params.read("count", count_).read("start", start_).status();
//   }
//
// Unknown and ill-typed parameters are rejected by the checker before the
// element exists. The reader reads each parameter by the type its spec
// declares: reading an int parameter into a string, a float one into an
// int64_t, or a name the spec does not declare is an error naming the class,
// so a class whose spec and configure disagree fails loudly instead of
// reading zeros (or reading right only for the values it was tried with:
// `rate: 2` fits an int64_t, `rate: 2.5` does not).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/spec.h"
#include "datablox/status.h"

namespace datablox {

class Params {
 public:
  class Reader;

  Params() = default;
  // Given values merged over the spec's defaults. Unknown names, missing
  // required ones and ill-typed values are errors, all reported in one Status.
  static Status Resolve(const ClassSpec& spec, std::map<std::string, ParamValue, std::less<>> given, Params* out);

  const ParamValue* find(std::string_view name) const;
  const std::map<std::string, ParamValue, std::less<>>& values() const { return values_; }

  // By the declared type: int64_t for int; double for float (an int value
  // converts); std::string for string, expression and assignments; bool for
  // bool; a list of ParamValue for list.
  Reader read(std::string_view name, int64_t& out) const;
  Reader read(std::string_view name, double& out) const;
  Reader read(std::string_view name, std::string& out) const;
  Reader read(std::string_view name, bool& out) const;
  Reader read(std::string_view name, std::vector<ParamValue>& out) const;

 private:
  std::string class_name_;
  std::map<std::string, ParamValue, std::less<>> values_;
  std::map<std::string, ParamType, std::less<>> declared_;
};

class Params::Reader {
 public:
  explicit Reader(const Params& params) : params_(params) {}
  Reader& read(std::string_view name, int64_t& out);
  Reader& read(std::string_view name, double& out);
  Reader& read(std::string_view name, std::string& out);
  Reader& read(std::string_view name, bool& out);
  Reader& read(std::string_view name, std::vector<ParamValue>& out);
  // Every error met along the chain, or OK.
  Status status() const;

 private:
  // The value of `name` when its declared type is one of `accepted`; else
  // null, with the error recorded. `as` names the C++ side, for the error.
  const ParamValue* Take(std::string_view name, std::initializer_list<ParamType> accepted, const char* as);
  const Params& params_;
  std::string errors_;
};

}  // namespace datablox
