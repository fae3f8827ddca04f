// Runs a Plan (plan.h) over pressed blobs: one depth-first pass per blob,
// every aggregate, filter, group and funnel of the query in that pass,
// into a PartialResult. Nothing is allocated per blob or per instance: the
// views of the levels on the way down live in a fixed array, conditions
// compare in place, and a partial allocates only for a group (or a
// distinct value) it has not seen.
//
// Funnels follow the tree's order: sessions by start, events by time in a
// session (what `ordinal` marks). A step matches an instance after the
// previous step's; within a time window the last step's time is at most
// the window after the first's (the latest start is kept per step, so one
// pass finds any chain that fits).
#pragma once

#include <cstdint>
#include <vector>

#include "cell/brio/reader.h"
#include "cell/brio/region.h"
#include "cell/query/in_place_check.h"
#include "cell/query/partial.h"
#include "cell/query/plan.h"
#include "cell/query/time_parts.h"
#include "datablox/status.h"

namespace datablox::eql {

class Scanner {
 public:
  // `plan` outlives the scanner.
  explicit Scanner(const Plan& plan);

  // Scans one blob into `out` (of PartialShape::Of(plan)).
  void ScanBlob(const brio::BlobView& blob, PartialResult* out);
  // Every blob of `region`; the first blob that does not open is the error, with its index.
  Status ScanRegion(const brio::RegionView& region, const brio::SchemaLayout& layout, PartialResult* out);
  // Every blob of a region RegionView::CheckBlobs accepted with `layout`:
  // checked once when loaded, so no blob is checked again here.
  void ScanCheckedRegion(const brio::RegionView& region, const brio::SchemaLayout& layout, PartialResult* out);

 private:
  struct FunnelState {
    int64_t start[kMaxFunnelSteps];
    bool reached[kMaxFunnelSteps];
    bool matched;
  };
  // A plan node as the walk runs it, worked out once from the plan.
  struct Level {
    std::vector<int> walked;      // children visited instance by instance
    std::vector<int> counted;     // children only counted (count(level), nothing below): by their vectors' sizes
    std::vector<int> aggregates;  // updated at each instance; funnels are counted when their subject ends
    std::vector<InPlaceCheck> checks;  // the level's filters, each `and` split
    // A leaf's loop splits aggregates: count(level) is counted in a run
    // (added to the group once per vector, or when the group changes);
    // the rest are updated at each instance.
    std::vector<int> run_counts;
    std::vector<int> per_instance;
    bool works = false;  // filters, a group, aggregates or funnels: Enter has something to do
    bool leaf = false;   // walks no child: a vector of it runs in one loop, with no call per instance
    // The leaf loop's other work at each instance (funnels, per-instance
    // aggregates, counted children): its shape is chosen once per query.
    bool leaf_other = false;
  };
  // How a dimension's value is told from the last one without building its
  // key: a string by its dictionary key (so only within one blob), a time
  // by its part, a number by its bits.
  enum class DimCode : uint8_t { kStringKey, kTimePart, kInt, kBool, kDouble };

  void CollectLiterals(const PlanCondition& c);
  void FindLiterals(const brio::BlobView& blob);
  void Visit(int node, const brio::StructView& view);
  bool Enter(int node);
  bool Passes(const Level& level) const;
  bool Check(const InPlaceCheck& check) const;
  void LeafWork(int node, const Level& level);
  template <bool kFilters, bool kGroups, bool kOther>
  void LeafLoop(int node, const Level& level, const brio::StructVector& items);
  void Descend(int node, const brio::StructView& view);
  void CountBelow(const Level& level, const brio::StructView& view);
  void Update(const PlanAggregate& agg, AggState* state, DistinctSet* distinct) const;
  void FindGroup();
  void FindGroupByKey();
  void FindGroupOfKey();
  void Feed(int funnel);
  bool Eval(const PlanCondition& c) const;
  bool Compare(const PlanCondition& c, const PlanValue& v) const;

  const Plan& plan_;
  std::vector<Level> levels_;          // per plan node
  std::vector<int> funnel_aggregate_;  // per funnel: its aggregate
  std::vector<FunnelState> funnels_;
  // Per funnel: a check per step. When every step is `field = 'literal'`
  // on one string field (event types, mostly), keyed: the field's key is
  // read once per instance and compared with each step's literal's key.
  struct FunnelSteps {
    std::vector<InPlaceCheck> checks;
    bool keyed = false;
    int node = -1;
    int field = -1;
  };
  std::vector<FunnelSteps> funnel_steps_;
  // Per string literal (PlanValue::string_slot): its text, and its key in
  // the blob being scanned (kNoKey: not in its dictionary). A dictionary
  // holds each distinct string once, so equal keys are equal strings.
  static constexpr uint32_t kNoKey = UINT32_MAX;
  std::vector<const std::string*> literal_text_;
  std::vector<uint32_t> literal_key_;
  brio::StructView views_[kMaxPlanNodes];
  KeyPart key_[kMaxGroupKeyParts];
  TimePartCache time_parts_[kMaxGroupKeyParts];  // per dimension
  DimCode dim_code_[kMaxGroupKeyParts];
  // The codes (and nulls) of the group found last: the same codes, the same group.
  uint64_t last_code_[kMaxGroupKeyParts];
  bool last_null_[kMaxGroupKeyParts];
  bool codes_valid_ = false;  // last_code_ is group_'s, in the blob being scanned
  // One dimension, a time part: an instance inside the interval of the
  // last one's part is in its group, found with two comparisons.
  bool one_time_dimension_ = false;
  // One dimension: the groups of the codes seen last, direct-mapped, so
  // that a code met before (one of 24 hours, a day of the range) finds its
  // group with no key built and no hash. An entry holds while its epoch is
  // memo_epoch_: a new partial, or a new blob when codes are string keys.
  static constexpr int kGroupMemoBits = 6;
  struct GroupMemo {
    uint64_t code = 0;
    uint64_t epoch = 0;
    uint32_t group = 0;
    bool null = false;
  };
  GroupMemo memo_[1 << kGroupMemoBits];
  uint64_t memo_epoch_ = 1;
  bool memo_per_blob_ = false;
  PartialResult* out_ = nullptr;
  uint32_t group_ = 0;
  bool group_valid_ = false;  // group_ is a group of out_ found by its key
};

}  // namespace datablox::eql
