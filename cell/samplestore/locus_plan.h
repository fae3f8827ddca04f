// What a worker decides before it presses a locus: the request read, the
// view loaded, the dataset scanned afresh and its generation compared with
// the request's (a stale generation is refused: the files changed since
// the supervisor answered, so the fetcher must ask again), and every file
// of the locus found in it. Socket-free: the worker's on_stream calls it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cell/samplestore/loaded_view.h"
#include "cell/samplestore/locus_source.h"

namespace datablox::samplestore {

struct LocusPlan {
  std::unique_ptr<LoadedView> view;
  std::vector<LocusFile> files;
  bool stale = false;  // set with the error when the generation was stale
};

Status PlanLocus(const std::string& views_dir, std::string_view paradata, LocusPlan* plan);

}  // namespace datablox::samplestore
