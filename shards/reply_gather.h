// The replies to one request a requester asked of some of a shard's
// members, gathered until the request can be answered, once: with the
// merged reply when every member asked has answered; with an error as soon
// as one answers an error (naming it); or, at the deadline, with a timeout
// naming the members that did not answer.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/element.h"
#include "runtime/core/shard_policy.h"

namespace datablox::shards {

class ReplyGather {
 public:
  // `asked`: the ids of the members the request went to (not empty).
  // `custom` (for MergeKind::kCustom) must outlive the gather.
  ReplyGather(std::string shard, std::vector<int> asked, MergeKind merge, const MergeFunction* custom = nullptr);

  enum class Outcome {
    kWaiting,   // more replies are due
    kAnswered,  // the request is answered now: take its reply
    kUnwanted,  // no member asked, or one that answered already: a late reply
  };
  // A member's reply, or its error reply.
  Outcome Add(int member, OwnedLog reply);
  Outcome AddError(int member, std::string_view message);

  bool answered() const { return answered_; }
  // The answer, once Add or AddError said kAnswered (taken, once).
  Reply TakeReply() { return std::move(reply_); }
  // The deadline passed before the answer: a Timeout naming who is missing.
  Reply Expire(std::string_view port);

  // Asked members that have not answered yet, by id.
  std::vector<int> missing() const;
  // "users/2": how messages name a member.
  std::string MemberName(int member) const;

 private:
  void Finish();

  std::string shard_;
  std::set<int> asked_;
  MergeKind merge_;
  const MergeFunction* custom_;
  std::map<int, OwnedLog> replies_;  // by member id: the merge's member order
  bool answered_ = false;
  Reply reply_;
};

}  // namespace datablox::shards
