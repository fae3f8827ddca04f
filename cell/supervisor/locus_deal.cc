#include "cell/supervisor/locus_deal.h"

#include <algorithm>
#include <set>

namespace datablox::supervisor {

Status LocusDeal::Deal(const std::string& view, int loci, const std::vector<int>& members, supervisor::Deal* out) {
  out->clear();
  if (loci <= 0) return Status::OK();
  if (members.empty()) return Status::Unavailable("no cell worker is linked to scan the view's loci");
  const std::set<int> alive(members.begin(), members.end());
  std::vector<int>& owners = owners_[view];
  owners.resize(static_cast<size_t>(loci), -1);  // a generation with fewer loci forgets the rest
  std::map<int, int> load;
  for (int member : alive) load[member] = 0;
  std::vector<int> homeless;
  for (int locus = 0; locus < loci; ++locus) {
    int& owner = owners[static_cast<size_t>(locus)];
    if (owner >= 0 && alive.count(owner)) {
      ++load[owner];
      continue;
    }
    if (owner >= 0) ++redealt_;  // its member is gone
    owner = -1;
    homeless.push_back(locus);
  }
  for (int locus : homeless) {
    // std::map is ordered by id: min_element keeps the first, the lowest id, on a tie.
    auto fewest = std::min_element(load.begin(), load.end(), [](const auto& a, const auto& b) {
      return a.second < b.second;
    });
    owners[static_cast<size_t>(locus)] = fewest->first;
    ++fewest->second;
  }
  for (int locus = 0; locus < loci; ++locus) (*out)[owners[static_cast<size_t>(locus)]].push_back(locus);
  return Status::OK();
}

std::string LocusDeal::Text(const std::string& view) const {
  std::string text;
  auto it = owners_.find(view);
  if (it == owners_.end()) return text;
  for (size_t locus = 0; locus < it->second.size(); ++locus) {
    if (!text.empty()) text += ' ';
    text += std::to_string(locus) + "=" + std::to_string(it->second[locus]);
  }
  return text;
}

}  // namespace datablox::supervisor
