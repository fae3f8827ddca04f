// The catalog's protocol, declared once: the entities it keeps (domains,
// views, saved queries), the operations its query port answers, and how
// each request and answer is spelt in JSON. The Catalog element decodes
// requests with it; `datablox catalog` (and, next, the cell's supervisor)
// encodes them. Nothing else spells an "op" string.
//
//   {"op": "list"[, "kind": "domain"|"view"|"query"]}
//       -> {"domains": [...], "views": [...], "queries": [...]} (the kinds asked)
//   {"op": "show", "kind": K, "moniker": M}      -> {"domain"|"view"|"query": {...}}
//   {"op": "add", "kind": K, K: {...}}           -> {"added": {...}, "kind": K}
//   {"op": "remove", "kind": K, "moniker": M}    -> {"removed": {...}, "kind": K}
//   {"op": "find_view", "moniker": M}            -> {"view": {...}}
//   {"op": "bump", "moniker": M}                 -> {"view": {...}} (its generation clock + 1)
//
// A request the catalog refuses (a view whose schema does not check, a
// moniker taken or unknown) is answered, not failed: {"refused": {"code",
// "message", "errors": ["FILE:LINE:COL: error: ..."]}}. A request that is
// not one of the above is malformed: the element answers it with an error.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/status.h"

namespace datablox::catalog {

// Free-form properties of a domain or a view (Burst's view properties).
using Properties = std::map<std::string, std::string>;

// Every entity has a 64-bit key (never reused) and a unique moniker.
struct Domain {
  int64_t key = 0;
  std::string moniker;
  Properties properties;
};

struct View {
  int64_t key = 0;
  std::string moniker;
  std::string domain;     // the domain's moniker
  std::string view_file;  // a sample-store NAME.view.toml: the schema, the shape, the grouping
  // Read from the view file when it is added (what it said then):
  std::string schema;    // the .brio file
  std::string shape;     // "nested" or "flat"
  int levels = 0;        // flat: the grouping's levels
  std::string store;     // the sample store holding it: [TOPOLOGY/]ELEMENT of its supervisor
  std::string location;  // where its dataset lies (the view file's, unless given)
  Properties properties;
  int64_t generation = 0;  // the generation clock: bumped when its data changes
};

struct SavedQuery {
  int64_t key = 0;
  std::string moniker;
  std::string view;  // the view's moniker
  std::string text;
};

enum class Kind : uint8_t { kDomain, kView, kQuery };
enum class Op : uint8_t { kList, kShow, kAdd, kRemove, kFindView, kBump };

struct Request {
  Op op = Op::kList;
  std::optional<Kind> kind;  // list: none means every kind
  std::string moniker;       // show, remove, find_view, bump
  Domain domain;             // add domain
  View view;                 // add view: moniker, domain, view_file, store, location (optional), properties
  SavedQuery query;          // add query
};

// Why a request was refused; each maps to one exit status of the CLI.
enum class Refusal : uint8_t {
  kInvalid,     // bad input: a moniker taken or ill-formed, a schema or view file that does not check
  kNotFound,    // no entity of that moniker
  kUnreadable,  // the view file cannot be read
  kStorage,     // the SQLite file failed
};

struct Refused {
  Refusal code = Refusal::kInvalid;
  std::string message;
  std::vector<std::string> errors;  // positioned, one a line: "FILE:LINE:COL: error: ..."
};

// Monikers: 1..128 of [A-Za-z0-9_.-], starting with a letter or a digit.
inline constexpr size_t kMaxMonikerBytes = 128;
Status CheckMoniker(std::string_view moniker);
// Saved queries' texts and properties' values are bounded too.
inline constexpr size_t kMaxTextBytes = 64 * 1024;
inline constexpr size_t kMaxProperties = 64;
// Requests and answers nest a few levels (an answer: {"views": [{"properties": {}}]});
// deeper is refused before it is built, on either side.
inline constexpr int kMaxRequestDepth = 8;

const char* KindName(Kind kind);  // "domain", "view", "query"
std::optional<Kind> KindFromName(std::string_view name);
const char* RefusalName(Refusal code);

nlohmann::json ToJson(const Domain& domain);
nlohmann::json ToJson(const View& view);
nlohmann::json ToJson(const SavedQuery& query);
Status FromJson(const nlohmann::json& in, Domain* out);
Status FromJson(const nlohmann::json& in, View* out);
Status FromJson(const nlohmann::json& in, SavedQuery* out);

nlohmann::json EncodeRequest(const Request& request);
// Invalid (the element's error answer) when `in` is not a request above,
// naming the field.
Status DecodeRequest(const nlohmann::json& in, Request* out);

nlohmann::json EncodeRefused(const Refused& refused);
// True when `answer` is a refusal (then *out holds it).
bool DecodeRefused(const nlohmann::json& answer, Refused* out);

}  // namespace datablox::catalog
