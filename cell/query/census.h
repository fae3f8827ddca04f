// A region's census: how many instances each level of the schema's tree
// holds, counted once when the region is checked. A query that asks only
// count(level) of whole levels (no where, no group by, no funnel, no other
// aggregate) is answered from it without a scan, as ClickHouse answers a
// bare count() from its parts' row counts. Counting a level's instances
// still means reading every vector of the level above it: for the events
// of 230,000 sessions spread over a region, that walk was most of what a
// hot `count(user.sessions.events)` cost.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "cell/brio/region.h"
#include "cell/query/partial.h"
#include "cell/query/plan.h"

namespace datablox::eql {

class Census {
 public:
  // Counts every level of the blobs of a region RegionView::CheckBlobs
  // accepted with `layout`.
  static Census Take(const brio::RegionView& region, const brio::SchemaLayout& layout);
  // Whether `plan` asks only what a census knows.
  static bool Answers(const Plan& plan);
  // Adds what a scan of the census's blobs would have found for a plan that
  // Answers() into `out` (of PartialShape::Of(plan)), with rows_scanned
  // counted as a scan counts what it counts without visiting it.
  void AnswerInto(const Plan& plan, PartialResult* out) const;
  void Add(const Census& other);

  uint64_t blobs() const { return blobs_; }
  // Instances at the level reached from the root through these relation
  // fields ({} is the root: one a blob); 0 for a path never met.
  uint64_t InstancesAt(const std::vector<int>& path) const;

 private:
  std::map<std::vector<int>, uint64_t> instances_;
  uint64_t blobs_ = 0;
};

}  // namespace datablox::eql
