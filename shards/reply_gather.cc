#include "shards/reply_gather.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "shards/merge.h"

namespace datablox::shards {

ReplyGather::ReplyGather(std::string shard, std::vector<int> asked, MergeKind merge, const MergeFunction* custom)
    : shard_(std::move(shard)), asked_(asked.begin(), asked.end()), merge_(merge), custom_(custom) {}

ReplyGather::Outcome ReplyGather::Add(int member, OwnedLog reply) {
  if (answered_ || !asked_.count(member) || replies_.count(member)) return Outcome::kUnwanted;
  if (!reply.log().valid()) return AddError(member, "malformed reply: not a msgpack map");
  replies_.emplace(member, std::move(reply));
  if (replies_.size() < asked_.size()) return Outcome::kWaiting;
  Finish();
  return Outcome::kAnswered;
}

ReplyGather::Outcome ReplyGather::AddError(int member, std::string_view message) {
  if (answered_ || !asked_.count(member) || replies_.count(member)) return Outcome::kUnwanted;
  answered_ = true;
  reply_ = Reply();
  reply_.status = Status::Invalid(fmt::format("{}: {}", MemberName(member), message));
  return Outcome::kAnswered;
}

void ReplyGather::Finish() {
  answered_ = true;
  reply_ = Reply();
  if (replies_.size() == 1 && merge_ != MergeKind::kCustom) {
    // One reply merges to itself (merge.h): passed on as it came.
    reply_.log = std::move(replies_.begin()->second);
    return;
  }
  std::vector<const Log*> in_order;
  for (const auto& [member, reply] : replies_) in_order.push_back(&reply.log());
  MergeOptions options;
  options.custom = custom_;
  LogBuilder merged;
  reply_.status = MergeReplies(merge_, in_order, &merged, options);
  if (reply_.status.ok()) reply_.log = OwnedLog(std::string(merged.bytes()));
}

Reply ReplyGather::Expire(std::string_view port) {
  answered_ = true;
  std::vector<std::string> names;
  for (int member : missing()) names.push_back(MemberName(member));
  Reply reply;
  reply.status = Status::Timeout(fmt::format("no reply on '{}' in time from {}", port, fmt::join(names, ", ")));
  return reply;
}

std::vector<int> ReplyGather::missing() const {
  std::vector<int> members;
  for (int member : asked_) {
    if (!replies_.count(member)) members.push_back(member);
  }
  return members;
}

std::string ReplyGather::MemberName(int member) const { return fmt::format("{}/{}", shard_, member); }

}  // namespace datablox::shards
