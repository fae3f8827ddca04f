#include "cell/samplestore/replica_fallback.h"

#include <fmt/format.h>

#include <algorithm>

namespace datablox::samplestore {

ReplicaFallback::ReplicaFallback(std::vector<std::vector<std::string>> addresses) {
  for (std::vector<std::string>& a : addresses) loci_.push_back({std::move(a), 0, {}});
}

const std::string& ReplicaFallback::Address(size_t locus) const {
  const Locus& l = loci_.at(locus);
  return l.addresses.at(std::min(l.current, l.addresses.size() - 1));
}

ReplicaFallback::Next ReplicaFallback::Failed(size_t locus, const Status& why) {
  Locus& l = loci_.at(locus);
  l.errors.push_back(why);
  if (why.code() == Status::Code::kInvalid) return Next::kFatal;
  if (l.current + 1 >= l.addresses.size()) return Next::kExhausted;
  ++l.current;
  ++retries_;
  return Next::kRetry;
}

std::string ReplicaFallback::Attempts(size_t locus) const {
  const Locus& l = loci_.at(locus);
  std::string text;
  for (size_t i = 0; i < l.errors.size(); ++i)
    text += fmt::format("{}{}: {}", i ? "; " : "", l.addresses[i], l.errors[i].message());
  return text;
}

Status ReplicaFallback::Exhausted(size_t locus, int locus_number) const {
  const Locus& l = loci_.at(locus);
  const bool all_silent =
      !l.errors.empty() && std::all_of(l.errors.begin(), l.errors.end(), [](const Status& s) { return s.IsTimeout(); });
  const std::string message = fmt::format("locus {}: {} failed: {}", locus_number,
                                          l.addresses.size() == 1 ? "its worker" : "every replica", Attempts(locus));
  return all_silent ? Status::Timeout(message) : Status::Unavailable(message);
}

}  // namespace datablox::samplestore
