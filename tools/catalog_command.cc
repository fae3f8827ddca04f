// `datablox catalog add|list|show|remove|bump`: the cell's catalog
// (cell/catalog/), asked through a running Catalog element's query port
// (found through the master, as `call` finds it: --catalog
// [TOPOLOGY/]ELEMENT[.PORT], `catalog.query` by default) or, with --db FILE,
// read and written straight in its SQLite file when no cell runs. Both give
// the same answers: the request is the protocol's either way
// (catalog_protocol.h). Tables on stdout, `-o json` the answer as it came;
// exit 65 when the catalog refuses (a view that does not check, a moniker
// taken or unknown), 66 when a file cannot be read, 69 when the catalog
// cannot be reached.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cell/catalog/catalog_service.h"
#include "runtime/core/bounded_json.h"
#include "datablox/log.h"
#include "tools/commands.h"

namespace datablox::cli {
namespace {

using nlohmann::json;

// "views" and "view" alike.
std::optional<catalog::Kind> KindArgument(const std::string& word) {
  if (word == "domains") return catalog::Kind::kDomain;
  if (word == "views") return catalog::Kind::kView;
  if (word == "queries") return catalog::Kind::kQuery;
  return catalog::KindFromName(word);
}

int ExitFor(catalog::Refusal code) {
  switch (code) {
    case catalog::Refusal::kInvalid:
    case catalog::Refusal::kNotFound: return kExitDataErr;
    case catalog::Refusal::kUnreadable: return kExitNoInput;
    case catalog::Refusal::kStorage: return kExitFailed;
  }
  return kExitFailed;
}

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

Status BuildRequest(const CatalogOptions& o, catalog::Request* r) {
  using catalog::Kind;
  using catalog::Op;
  if (o.verb == "list") {
    r->op = Op::kList;
    if (!o.kind.empty() && !(r->kind = KindArgument(o.kind)))
      return Status::Invalid(fmt::format("list what? '{}': domains, views or queries", o.kind));
    return Status::OK();
  }
  if (o.verb == "bump") {
    r->op = Op::kBump;
    r->moniker = o.moniker;
    return Status::OK();
  }
  r->kind = KindArgument(o.kind);
  if (!r->kind) return Status::Invalid(fmt::format("'{}': domain, view or query", o.kind));
  r->moniker = o.moniker;
  if (o.verb == "show") r->op = Op::kShow;
  if (o.verb == "remove") r->op = Op::kRemove;
  if (o.verb != "add") return Status::OK();
  r->op = Op::kAdd;
  catalog::Properties properties;
  for (const std::string& p : o.properties) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return Status::Invalid(fmt::format("--property '{}': say NAME=VALUE", p));
    properties[p.substr(0, eq)] = p.substr(eq + 1);
  }
  switch (*r->kind) {
    case Kind::kDomain: r->domain = {0, o.moniker, properties}; break;
    case Kind::kView:
      if (o.domain.empty() || o.view_file.empty())
        return Status::Invalid("adding a view needs --domain and --view-file");
      r->view.moniker = o.moniker;
      r->view.domain = o.domain;
      // Resolved here: the catalog element runs in a folder of its own.
      r->view.view_file = AbsolutePath(o.view_file);
      r->view.store = o.store;
      r->view.location = o.location.empty() ? "" : AbsolutePath(o.location);
      r->view.properties = properties;
      break;
    case Kind::kQuery:
      if (o.view.empty() || o.text.empty()) return Status::Invalid("adding a saved query needs --view and TEXT");
      r->query = {0, o.moniker, o.view, o.text};
      break;
  }
  return Status::OK();
}

// The answer from the element: waits (within the timeout) for one still
// starting, as `fetch` does right after `submit`.
int AskElement(const CatalogOptions& o, const std::string& master, const json& request, json* answer) {
  const std::string target = o.target.find('.') == std::string::npos ? o.target + ".query" : o.target;
  OwnedLog reply;
  std::string error;
  if (int exit = AskStartingElement(target, request.dump(), o.timeout_ms, master, &reply, &error); exit != kExitOk) {
    std::fprintf(
        stderr, "error: %s%s\n", error.c_str(),
        exit == kExitUnavailable ? " (is a Catalog running? --catalog names it; --db FILE reads its file)" : "");
    return exit;
  }
  if (Status st = ParseBoundedJson(reply.to_json(), answer, catalog::kMaxRequestDepth); !st.ok()) {
    std::fprintf(stderr, "error: %s answered: %s\n", target.c_str(), st.message().c_str());
    return kExitSoftware;
  }
  return kExitOk;
}

int AskFile(const CatalogOptions& o, const json& request, json* answer) {
  std::unique_ptr<catalog::CatalogStore> store;
  if (Status st = catalog::CatalogStore::Open(o.db, &store); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return st.code() == Status::Code::kInvalid ? kExitDataErr : kExitNoInput;
  }
  catalog::CatalogService service(store.get());
  if (Status st = service.Handle(request, answer); !st.ok()) {
    std::fprintf(stderr, "error: internal: %s\n", st.message().c_str());
    return kExitSoftware;
  }
  return kExitOk;
}

std::string PropertiesText(const json& properties) {
  std::string out;
  for (const auto& [key, value] : properties.items())
    out += (out.empty() ? "" : ",") + key + "=" + value.get<std::string>();
  return out.empty() ? "-" : out;
}

std::string Cell(const json& v) {
  if (v.is_string()) return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  if (v.is_object()) return PropertiesText(v);
  return v.dump();
}

// Upper-case headers, columns as wide as their widest value, the last one free.
void PrintTable(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(headers.size());
  for (size_t c = 0; c < headers.size(); ++c) width[c] = headers[c].size();
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  auto print = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c)
      line += c + 1 == cells.size() ? cells[c] : fmt::format("{:<{}}  ", cells[c], width[c]);
    std::printf("%s\n", line.c_str());
  };
  print(headers);
  for (const auto& row : rows) print(row);
}

void PrintList(const json& answer) {
  struct Section {
    const char* key;
    std::vector<std::string> headers, fields;
  };
  const Section sections[] = {
      {"domains", {"KEY", "DOMAIN", "PROPERTIES"}, {"key", "moniker", "properties"}},
      {"views",
       {"KEY", "VIEW", "DOMAIN", "SHAPE", "GENERATION", "STORE", "FILE"},
       {"key", "moniker", "domain", "shape", "generation", "store", "view_file"}},
      {"queries", {"KEY", "QUERY", "VIEW", "TEXT"}, {"key", "moniker", "view", "text"}},
  };
  bool first = true;
  for (const Section& s : sections) {
    if (!answer.contains(s.key)) continue;
    if (!first) std::printf("\n");
    first = false;
    std::vector<std::vector<std::string>> rows;
    for (const json& e : answer[s.key]) {
      std::vector<std::string> row;
      for (const std::string& f : s.fields) row.push_back(Cell(e.value(f, json())));
      rows.push_back(row);
    }
    PrintTable(s.headers, rows);
  }
}

// One entity: a FIELD VALUE line each, its key and moniker first.
void PrintEntity(const json& entity) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::pair<std::string, json>> fields = {{"key", entity.value("key", json())},
                                                      {"moniker", entity.value("moniker", json())}};
  for (const auto& [field, value] : entity.items()) {
    if (field != "key" && field != "moniker") fields.emplace_back(field, value);
  }
  for (const auto& [field, value] : fields) {
    std::string name = field;
    for (char& c : name) c = c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    rows.push_back({name, Cell(value)});
  }
  PrintTable({"FIELD", "VALUE"}, rows);
}

}  // namespace

CLI::App* AddCatalogVerbs(CLI::App* app, CatalogOptions* o) {
  auto* catalog = app->add_subcommand(
      "catalog",
      "the cell's catalog: add, list, show, remove domains, views and saved queries. Asks a running Catalog "
      "element (--catalog, found through the master as `call` finds it), or, with --db FILE, reads and writes "
      "its SQLite file directly (when no cell runs)");
  catalog->require_subcommand(1);
  catalog->fallthrough();  // `catalog list -o json`: the options below hold for every verb
  catalog->add_option("--catalog", o->target, "[TOPOLOGY/]ELEMENT[.PORT] of the running Catalog (port `query`)")
      ->capture_default_str();
  catalog->add_option("--db", o->db, "the catalog's SQLite file, used directly instead of a running Catalog");
  catalog->add_option("--timeout-ms", o->timeout_ms, "how long to wait for the Catalog's answer")
      ->capture_default_str();

  auto* add = catalog->add_subcommand("add", "add a domain, a view or a saved query");
  add->require_subcommand(1);
  auto* domain = add->add_subcommand("domain", "add a domain: MONIKER [--property NAME=VALUE ...]");
  domain->add_option("MONIKER", o->moniker, "its unique name")->required();
  domain->add_option("--property", o->properties, "NAME=VALUE; repeatable");
  auto* view = add->add_subcommand("view", "add a view: its view file (NAME.view.toml) must check, with its schema");
  view->add_option("MONIKER", o->moniker, "its unique name")->required();
  view->add_option("--domain", o->domain, "the domain it belongs to")->required();
  view->add_option("--view-file", o->view_file, "the sample-store view file: schema, shape, grouping")->required();
  view->add_option("--store", o->store, "the sample store holding it: [TOPOLOGY/]ELEMENT of its supervisor");
  view->add_option("--location", o->location, "where its dataset lies (default: the view file's location)");
  view->add_option("--property", o->properties, "NAME=VALUE; repeatable");
  auto* query = add->add_subcommand("query", "add a saved query: MONIKER --view VIEW TEXT");
  query->add_option("MONIKER", o->moniker, "its unique name")->required();
  query->add_option("--view", o->view, "the view it asks")->required();
  query->add_option("TEXT", o->text, "the query")->required();
  for (CLI::App* kind : {domain, view, query}) {
    kind->callback([o, kind] {
      o->verb = "add";
      o->kind = kind->get_name();
    });
  }

  auto* list = catalog->add_subcommand("list", "list every domain, view and saved query (or only KIND)");
  list->add_option("KIND", o->kind, "domains, views or queries");
  auto* show = catalog->add_subcommand("show", "show one: KIND MONIKER");
  auto* remove = catalog->add_subcommand("remove", "remove one: KIND MONIKER (refused while others refer to it)");
  for (CLI::App* verb : {show, remove}) {
    verb->add_option("KIND", o->kind, "domain, view or query")->required();
    verb->add_option("MONIKER", o->moniker, "its moniker")->required();
  }
  auto* bump = catalog->add_subcommand("bump", "advance a view's generation clock by one");
  bump->add_option("VIEW", o->moniker, "the view's moniker")->required();
  for (CLI::App* verb : {list, show, remove, bump}) {
    verb->callback([o, verb] { o->verb = verb->get_name(); });
  }
  return catalog;
}

int Catalog(const CatalogOptions& o, const std::string& master, const OutputFormat& format) {
  catalog::Request request;
  if (Status st = BuildRequest(o, &request); !st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return kExitUsage;
  }
  json answer;
  const json encoded = catalog::EncodeRequest(request);
  const int code = o.db.empty() ? AskElement(o, master, encoded, &answer) : AskFile(o, encoded, &answer);
  if (code != kExitOk) return code;
  if (format.json) std::printf("%s\n", answer.dump(2).c_str());
  catalog::Refused refused;
  if (catalog::DecodeRefused(answer, &refused)) {
    if (!format.json) {
      for (const std::string& line : refused.errors) std::fprintf(stderr, "%s\n", line.c_str());
      std::fprintf(stderr, "error: %s\n", refused.message.c_str());
    }
    return ExitFor(refused.code);
  }
  if (format.json) return kExitOk;
  if (request.op == catalog::Op::kList) {
    PrintList(answer);
  } else if (answer.contains("added") || answer.contains("removed")) {
    const bool added = answer.contains("added");
    const json& entity = answer[added ? "added" : "removed"];
    std::printf("%s %s %s (key %s)\n", added ? "added" : "removed", answer.value("kind", "").c_str(),
                entity.value("moniker", "").c_str(), entity.value("key", json()).dump().c_str());
  } else if (!answer.empty()) {
    PrintEntity(answer.begin().value());
  }
  return kExitOk;
}

}  // namespace datablox::cli
