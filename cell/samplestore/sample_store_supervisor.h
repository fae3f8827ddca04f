// SampleStoreSupervisor: answers, for a view, its generation and its loci.
// Its documentation is spec() in sample_store_supervisor.cc, which
// `datablox describe SampleStoreSupervisor` prints.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "cell/samplestore/view_cache.h"
#include "datablox/element.h"

namespace datablox::samplestore {

class SampleStoreSupervisor : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Status start() override;
  Production produce() override;
  void on_query(int port, const Log& request, Responder responder) override;

 private:
  // Scans the view's files: its generation now, or why not.
  Status Generation(const std::string& view, std::string* generation);

  std::string views_dir_;
  int64_t poll_ms_ = 1000;
  int workers_port_ = -1;
  uint64_t requests_ = 0;
  uint64_t refused_ = 0;
  uint64_t changes_ = 0;                            // new generations noticed, by a poll or a request
  std::map<std::string, std::string> generations_;  // of the views asked for, by name
  ViewCache views_;                                 // read again only when their files change
};

}  // namespace datablox::samplestore
