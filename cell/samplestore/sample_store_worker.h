// SampleStoreWorker: presses the files of a locus and streams them.
// Its documentation is spec() in sample_store_worker.cc, which
// `datablox describe SampleStoreWorker` prints.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "cell/samplestore/locus_source.h"
#include "cell/samplestore/press_tally.h"
#include "datablox/element.h"

namespace datablox::samplestore {

class SampleStoreWorker : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Status on_stream(int port, const StreamRequest& request, std::unique_ptr<StreamSource>* source) override;
  void on_query(int port, const Log& request, Responder responder) override;

 private:
  Status OpenLocus(std::string_view paradata, std::unique_ptr<StreamSource>* source);
  std::shared_ptr<PressSlots> SlotsFor(const std::string& view, int concurrency);

  std::string views_dir_;
  std::shared_ptr<PressTally> tally_ = std::make_shared<PressTally>();
  // One bound per view (its load.concurrency), over all its streams here.
  std::map<std::string, std::pair<int, std::shared_ptr<PressSlots>>> slots_;
  uint64_t streams_ = 0;
  uint64_t refused_ = 0;
  uint64_t stale_ = 0;
};

}  // namespace datablox::samplestore
