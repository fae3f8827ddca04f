// A topology as read from a .topo file: the parser's output, completed and
// validated by the checker, and what the master places and runs.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "datablox/shard.h"
#include "datablox/spec.h"
#include "runtime/core/shard_policy.h"

namespace datablox::dsl {

struct Expansion;

struct SourcePos {
  SourcePos() = default;
  SourcePos(std::string file_name, int line_number, int column_number)
      : file(std::move(file_name)), line(line_number), column(column_number) {}

  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  // Set on what a compound's expansion copied out of its body: the use it
  // was copied for, so an error inside the body names the use too.
  std::shared_ptr<const Expansion> via;
};

// `ingest :: Ingest(...)` expanded: the use's name and where it was written.
struct Expansion {
  std::string use;       // the expanded name of the use (`ingest`, `outer/inner`)
  std::string compound;  // its compound's name
  SourcePos pos;         // of the use's name
};

// One checker or parser error: "FILE:LINE:COL: error: MESSAGE".
struct Diagnostic {
  SourcePos pos;
  std::string message;
  std::string ToString() const;
};

// `users :: shard Counter(key: "user") { members: 1..8, route: hash(user),
// merge: sum, key_groups: 128 }`: the element's class is its members'.
struct ShardDecl {
  int min_members = 1;
  int max_members = 1;
  RouteKind route = kDefaultRoute;
  std::string route_key;  // hash(FIELD)
  MergeKind merge = kDefaultMerge;
  int key_groups = kDefaultKeyGroups;
  SourcePos pos;                                            // of the word `shard`
  std::map<std::string, SourcePos, std::less<>> key_pos;    // where each option's name was written
  std::map<std::string, SourcePos, std::less<>> value_pos;  // and its value
};

struct ElementDecl {
  std::string name;
  std::string class_name;
  std::map<std::string, ParamValue, std::less<>> params;
  std::map<std::string, SourcePos, std::less<>> param_pos;       // where each value was written
  std::map<std::string, SourcePos, std::less<>> param_name_pos;  // where each name was written
  std::string node;                                              // from `@ node`; empty: the master places it
  std::optional<ShardDecl> shard;                                // declared `NAME :: shard CLASS(...) {...}`
  SourcePos pos;                                                 // of the name
  SourcePos class_pos;                                           // of the class name
  SourcePos node_pos;
  // In a compound's body, `name: $param`: the value is the compound's
  // parameter, filled in by the expansion (position in param_pos).
  std::map<std::string, std::string, std::less<>> param_refs;
};

// One side of a connection: `elem` or `elem.port`. The checker fills `port`
// with the class's default port when it was left out.
struct PortRef {
  std::string element;
  std::string port;
  bool port_given = false;
  SourcePos pos;       // of the element name
  SourcePos port_pos;  // of the port name, when given (else the element's)
};

struct Connection {
  PortKind kind = PortKind::kPush;  // `->` push, `=>` query
  PortRef from;                     // push: an out port; query: the requester's query-out port
  PortRef to;                       // push: an in port;  query: the responder's query-in port
  SourcePos pos;                    // of the arrow
  // Set by the checker on a push link whose out port does not guarantee the
  // fields the in port requires: the receiving host checks each log.
  bool check_schema = false;
};

// `policy * { ... }`: the Policy::element of the defaults for every
// element (and of the keys of the whole topology, such as `checkpoint`).
inline constexpr std::string_view kEveryElement = "*";

// `policy elem { queue: 64, batch: 100 }`, or `policy * { ... }`
struct Policy {
  std::string element;  // kEveryElement for `policy *`
  std::map<std::string, ParamValue, std::less<>> values;
  std::map<std::string, SourcePos, std::less<>> value_pos;
  std::map<std::string, SourcePos, std::less<>> key_pos;
  SourcePos pos;  // of the element name
};

struct CompoundParam {
  std::string name;
  ParamValue::Kind kind = ParamValue::Kind::kString;
  std::optional<ParamValue> default_value;  // none: the use must give it
  SourcePos pos;
};

struct Topology;

// `compound Ingest(path: string, limit: int = 10) { ... }`: a sub-topology
// used like a class. In its body, `input` and `output` (with a port,
// `input.P`, or the default ports `in` and `out`) are its ports.
struct CompoundDecl {
  std::string name;
  std::vector<CompoundParam> params;
  std::shared_ptr<Topology> body;
  SourcePos pos;  // of the name
};

struct Topology {
  std::string file;
  std::vector<ElementDecl> elements;
  std::vector<Connection> connections;
  std::vector<Policy> policies;
  // Definitions; after Parse, every use of one has been expanded away.
  std::vector<CompoundDecl> compounds;
  // Names met in statements that did not parse (and so are not above). The
  // checker keeps quiet about them: "undeclared element" or "port not
  // connected" there would only echo the syntax error already reported.
  std::set<std::string, std::less<>> names_in_broken_statements;

  const ElementDecl* find(std::string_view element) const;
};

}  // namespace datablox::dsl
