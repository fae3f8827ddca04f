// Catalog: the cell's catalog element. Its documentation is spec() in
// catalog.cc, which `datablox describe Catalog` prints.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cell/catalog/catalog_service.h"
#include "datablox/element.h"

namespace datablox::catalog {

class Catalog : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Production produce() override;
  void on_query(int port, const Log& request, Responder responder) override;
  void stop() override;

 private:
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<CatalogService> service_;
  uint64_t requests_ = 0;   // answered, refusals included
  uint64_t refused_ = 0;    // answered with a refusal
  uint64_t malformed_ = 0;  // answered with an error
};

}  // namespace datablox::catalog
