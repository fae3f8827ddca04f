#include "cell/query/census.h"

namespace datablox::eql {
namespace {

// Deeper than any plan reaches (kMaxPlanNodes levels): a schema checks as a
// tree, so this only guards the walk against what should never be.
constexpr size_t kMaxCensusDepth = 64;

// Instances below `view`, by path, into `counts` (the path so far in `path`).
void CountBelow(const brio::StructView& view, std::vector<int>* path, std::map<std::vector<int>, uint64_t>* counts) {
  if (path->size() >= kMaxCensusDepth) return;
  const brio::Structure& structure = view.blob_schema().structures[static_cast<size_t>(view.structure())];
  for (size_t f = 0; f < structure.fields.size(); ++f) {
    const brio::FieldKind kind = structure.fields[f].kind;
    if (kind != brio::FieldKind::kReferenceVector && kind != brio::FieldKind::kReference) continue;
    const int field = static_cast<int>(f);
    path->push_back(field);
    const brio::Structure& child =
        view.blob_schema().structures[static_cast<size_t>(structure.fields[f].structure_index)];
    bool child_relates = false;
    for (const brio::Field& cf : child.fields)
      child_relates = child_relates || cf.kind == brio::FieldKind::kReferenceVector || cf.kind == brio::FieldKind::kReference;
    if (kind == brio::FieldKind::kReferenceVector) {
      const brio::StructVector items = view.GetStructs(field);
      (*counts)[*path] += items.size();
      if (child_relates)
        for (brio::StructView item : items) CountBelow(item, path, counts);
    } else if (!view.IsNull(field)) {
      ++(*counts)[*path];
      if (child_relates) CountBelow(view.GetReference(field), path, counts);
    }
    path->pop_back();
  }
}

}  // namespace

Census Census::Take(const brio::RegionView& region, const brio::SchemaLayout& layout) {
  Census census;
  std::vector<int> path;
  for (uint64_t i = 0; i < region.blob_count(); ++i) {
    const brio::BlobView blob = region.TrustedBlob(i, layout);
    ++census.blobs_;
    CountBelow(blob.root(), &path, &census.instances_);
  }
  census.instances_[{}] = census.blobs_;
  return census;
}

bool Census::Answers(const Plan& plan) {
  if (!plan.dimensions.empty() || !plan.funnels.empty() || plan.aggregates.empty()) return false;
  for (const PlanNode& node : plan.nodes)
    if (!node.filters.empty()) return false;
  for (const PlanAggregate& agg : plan.aggregates)
    if (agg.function != AggFunction::kCount || agg.field.field != -1 || agg.funnel != -1) return false;
  return true;
}

void Census::AnswerInto(const Plan& plan, PartialResult* out) const {
  // Every node's path from the root: its parents' relation fields.
  std::vector<std::vector<int>> paths(plan.nodes.size());
  for (size_t n = 1; n < plan.nodes.size(); ++n) {
    paths[n] = paths[static_cast<size_t>(plan.nodes[n].parent)];
    paths[n].push_back(plan.nodes[n].relation_field);
  }
  AggState* states = out->states(0);
  for (size_t a = 0; a < plan.aggregates.size(); ++a)
    states[a].count += static_cast<int64_t>(InstancesAt(paths[static_cast<size_t>(plan.aggregates[a].node)]));
  // A scan counts each level it reaches once, whatever the aggregates on it.
  for (const std::vector<int>& path : paths) out->rows_scanned += InstancesAt(path);
  out->blobs_scanned += blobs_;
}

void Census::Add(const Census& other) {
  for (const auto& [path, n] : other.instances_) instances_[path] += n;
  blobs_ += other.blobs_;
}

uint64_t Census::InstancesAt(const std::vector<int>& path) const {
  auto found = instances_.find(path);
  return found == instances_.end() ? 0 : found->second;
}

}  // namespace datablox::eql
