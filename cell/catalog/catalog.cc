#include "cell/catalog/catalog.h"

#include <fmt/format.h>

#include <cstdio>

#include "cell/catalog/catalog_migrations.h"

namespace datablox::catalog {

ClassSpec Catalog::spec() {
  return ClassSpec("Catalog", "the cell's catalog: domains, views and saved queries in a SQLite file")
      .describe(
          "Keeps, in the SQLite file PATH (WAL; its tables migrated by the user_version pragma), the cell's "
          "domains, views (a sample-store NAME.view.toml with its schema, shape and grouping, the sample store "
          "holding it and its location, view properties, a generation clock) and saved queries (a text over a "
          "view), each with a 64-bit key and a unique moniker. Answers on its `query` port {\"op\": \"list\" | "
          "\"show\" | \"add\" | \"remove\" | \"find_view\" | \"bump\", ...} (cell/catalog/catalog_protocol.h; "
          "`datablox catalog` speaks it). A view whose view file or schema does not check is refused with the "
          "checker's FILE:LINE:COL errors, as is a moniker taken or unknown ({\"refused\": {\"code\", "
          "\"message\", \"errors\"}}); a malformed request gets an error answer and is counted. Runs until "
          "stopped; a restart finds everything in the file.")
      .query_in("query", /*required=*/false, "catalog requests (list, show, add, remove, find_view, bump)")
      .param_string("path", "catalog.db", "the SQLite file (created when missing)")
      .handler("requests", "requests answered (refusals included)")
      .handler("refused", "requests refused: a view that does not check, a moniker taken or unknown")
      .handler("malformed", "requests that were not catalog requests, answered with an error")
      .handler("version", "the catalog file's schema version");
}

Status Catalog::configure(const Params& params) {
  std::string path;
  if (Status st = params.read("path", path).status(); !st.ok()) return st;
  if (path.empty()) return Status::Invalid("path must not be empty");
  if (Status st = CatalogStore::Open(path, &store_); !st.ok()) return st;
  service_ = std::make_unique<CatalogService>(store_.get());
  add_read_handler("requests", [this] { return std::to_string(requests_); });
  add_read_handler("refused", [this] { return std::to_string(refused_); });
  add_read_handler("malformed", [this] { return std::to_string(malformed_); });
  add_read_handler("version", [] { return std::to_string(kCatalogVersion); });
  return Status::OK();
}

// A service: nothing to produce, it answers until stopped.
Production Catalog::produce() { return Production::Later(Milliseconds(60'000)); }

void Catalog::on_query(int, const Log& request, Responder responder) {
  nlohmann::json answer;
  if (Status st = service_->HandleText(request.to_json(), &answer); !st.ok()) {
    ++malformed_;
    responder.error(st.message());
    return;
  }
  Refused refused;
  if (DecodeRefused(answer, &refused)) {
    ++refused_;
    std::fprintf(stderr, "catalog: refused: %s\n", refused.message.c_str());
  }
  LogBuilder reply;
  if (Status st = reply.assign_json(answer.dump()); !st.ok()) {
    ++malformed_;
    responder.error(fmt::format("internal: the answer is not a log: {}", st.message()));
    return;
  }
  ++requests_;
  responder.reply(reply);
}

void Catalog::stop() {
  service_.reset();
  store_.reset();
}

}  // namespace datablox::catalog

DATABLOX_ELEMENT(datablox::catalog::Catalog)
