// What the catalog's tests share: a temporary folder with a schema, a good
// view and a view whose schema does not check.
#pragma once

#include <string>

#include "cell/samplestore/test_dir.h"

namespace datablox::catalog {

struct CatalogFiles {
  samplestore::TestDir dir;
  std::string db = dir.path() + "/catalog.db";
  std::string schema = dir.Write("unity.brio", samplestore::kUnitySchema);
  std::string view =
      dir.Write("events.view.toml", "schema = \"unity.brio\"\nshape = \"nested\"\nlocation = \"data\"\n");
  // Line 3, column 11: a root structure that is not declared.
  std::string broken_schema = dir.Write("broken.brio", "schema broken {\n  version: 1\n  root) user : Nobody\n}\n");
  std::string broken_view =
      dir.Write("broken.view.toml", "schema = \"broken.brio\"\nshape = \"nested\"\nlocation = \"data\"\n");
};

}  // namespace datablox::catalog
