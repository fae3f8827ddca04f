// The catalog's SQLite file: domains, views and saved queries, each with a
// 64-bit key and a unique moniker (catalog_protocol.h has the entities,
// catalog_migrations.h the tables). WAL with synchronous=NORMAL: a change
// survives a crash of the process once its call returned. Socket-free:
// the Catalog element and `datablox catalog --db FILE` both drive it.
//
// Errors are values: Invalid for input the catalog refuses (a moniker
// taken, a domain still holding views), NotFound for an unknown moniker,
// IOError when SQLite fails.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cell/catalog/catalog_protocol.h"
#include "datablox/status.h"

struct sqlite3;

namespace datablox::catalog {

class CatalogStore {
 public:
  // Opens (or creates) `path` and migrates it to kCatalogVersion.
  static Status Open(const std::string& path, std::unique_ptr<CatalogStore>* out);
  ~CatalogStore();
  CatalogStore(const CatalogStore&) = delete;
  CatalogStore& operator=(const CatalogStore&) = delete;

  // Each Add checks the moniker and sets the entity's key.
  Status AddDomain(Domain* domain);
  Status AddView(View* view);          // its domain must exist
  Status AddQuery(SavedQuery* query);  // its view must exist

  Status ListDomains(std::vector<Domain>* out);
  Status ListViews(std::vector<View>* out);
  Status ListQueries(std::vector<SavedQuery>* out);

  Status FindDomain(const std::string& moniker, Domain* out);
  Status FindView(const std::string& moniker, View* out);
  Status FindQuery(const std::string& moniker, SavedQuery* out);

  // Refused while views (of a domain) or saved queries (of a view) refer to it.
  Status RemoveDomain(const std::string& moniker, Domain* removed);
  Status RemoveView(const std::string& moniker, View* removed);
  Status RemoveQuery(const std::string& moniker, SavedQuery* removed);

  // The view's generation clock + 1, in one statement; *out is the view after.
  Status BumpGeneration(const std::string& moniker, View* out);

  const std::string& path() const { return path_; }

 private:
  explicit CatalogStore(std::string path) : path_(std::move(path)) {}
  Status Exec(const std::string& sql);
  Status Migrate();
  Status InTransaction(const std::function<Status()>& change);
  Status Names(const std::string& sql, int64_t key, std::vector<std::string>* names);

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace datablox::catalog
