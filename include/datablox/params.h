// An element's parameters, as given in the topology with the class's defaults
// filled in, and the one chained reader every element uses (Click's Args):
//
//   Status configure(const Params& params) override {
//     return params.read("count", count_).read("start", start_).status();
//   }
//
// Unknown and ill-typed parameters are rejected by the checker before the
// element exists; the reader still refuses a type mismatch, so a class whose
// spec and configure disagree fails loudly instead of reading zeros.
#pragma once

#include <cstdint>
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
  explicit Params(std::map<std::string, ParamValue, std::less<>> values)
      : values_(std::move(values)) {}
  // Given values merged over the spec's defaults. Unknown names, missing
  // required ones and ill-typed values are errors, all reported in one Status.
  static Status Resolve(const ClassSpec& spec, std::map<std::string, ParamValue, std::less<>> given,
                        Params* out);

  const ParamValue* find(std::string_view name) const;
  const std::map<std::string, ParamValue, std::less<>>& values() const { return values_; }

  Reader read(std::string_view name, int64_t& out) const;
  Reader read(std::string_view name, double& out) const;
  Reader read(std::string_view name, std::string& out) const;
  Reader read(std::string_view name, bool& out) const;
  Reader read(std::string_view name, std::vector<ParamValue>& out) const;

 private:
  std::map<std::string, ParamValue, std::less<>> values_;
};

class Params::Reader {
 public:
  explicit Reader(const Params& params) : params_(params) {}
  Reader& read(std::string_view name, int64_t& out);
  Reader& read(std::string_view name, double& out);  // an int converts
  Reader& read(std::string_view name, std::string& out);
  Reader& read(std::string_view name, bool& out);
  Reader& read(std::string_view name, std::vector<ParamValue>& out);
  // Every error met along the chain, or OK.
  Status status() const;

 private:
  void fail(std::string_view name, const char* wanted);
  const Params& params_;
  std::string errors_;
};

}  // namespace datablox
