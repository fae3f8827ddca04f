// The catalog's request handling, socket-free: a request (catalog_protocol.h)
// in, its answer out, over a CatalogStore. The Catalog element answers its
// query port with it; `datablox catalog --db FILE` calls it directly, so
// both give the same answers.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "cell/catalog/catalog_store.h"

namespace datablox::catalog {

class CatalogService {
 public:
  explicit CatalogService(CatalogStore* store) : store_(store) {}

  // Answers `request` (JSON text, nested at most kMaxRequestDepth). A
  // malformed request is Invalid, naming what is wrong: the element's error
  // answer. Otherwise *answer is the result, or a refusal ({"refused": ...}).
  Status HandleText(std::string_view request, nlohmann::json* answer);
  Status Handle(const nlohmann::json& request, nlohmann::json* answer);

 private:
  // A view to add: its view file read and checked (with its schema and
  // grouping) and what it says filled in; a refusal when it does not check.
  bool CheckViewFile(View* view, nlohmann::json* refusal);
  nlohmann::json List(const Request& request);
  nlohmann::json Show(const Request& request);
  nlohmann::json Add(Request& request);
  nlohmann::json Remove(const Request& request);

  CatalogStore* store_;
};

// The store's Status as a refusal: Invalid -> invalid, NotFound -> not_found,
// the rest -> storage.
nlohmann::json RefusedFor(const Status& status);

}  // namespace datablox::catalog
