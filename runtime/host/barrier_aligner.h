// Aligning checkpoint barriers across an element's push input links,
// without a socket (the way Flink aligns its barriers).
//
// A barrier on a link says: what came before belongs to the checkpoint,
// what follows to the next. Once a link delivered the barrier of the
// checkpoint being aligned, what else arrives on it is held (the host keeps
// the frames, unread, and grants no credit for them: the sender's window
// bounds them) until every link still open has delivered it too. Then the
// element has seen exactly the logs before the barrier on every input: its
// snapshot is consistent, the barrier goes on downstream, and the held
// frames are handled as if they had just arrived.
//
// A link that ended counts as delivered (nothing more comes on it). A
// checkpoint is abandoned when the master says so, or when a newer
// barrier arrives on a link that has not delivered the old one (its
// sender restarted and lost it, and the master moved on).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace datablox::host {

class BarrierAligner {
 public:
  enum class Arrival : uint8_t {
    kOld,        // of a checkpoint done with or abandoned: ignored
    kRepeat,     // this link delivered it already: ignored
    kHeld,       // the link is held until the others deliver it too
    kAbandoned,  // a newer one: the checkpoint aligned so far is abandoned, this one is aligned now
  };
  // The barrier of `checkpoint` arrived on `link`.
  Arrival OnBarrier(std::string_view link, uint64_t checkpoint);
  // True while frames from `link` must be held.
  bool Held(std::string_view link) const { return aligning_ != 0 && arrived_.count(std::string(link)) > 0; }
  // The checkpoint being aligned, once every link of `open` (the links not
  // ended) delivered its barrier; 0 while some has not, or none is aligned.
  uint64_t Aligned(const std::vector<std::string>& open) const;
  // The checkpoint's snapshot is taken (or it is given up): nothing is held
  // any more. Ids up to `checkpoint` are old from now on.
  void Done(uint64_t checkpoint);
  uint64_t aligning() const { return aligning_; }
  uint64_t last_done() const { return last_done_; }

 private:
  uint64_t aligning_ = 0;   // 0: none
  uint64_t last_done_ = 0;  // the newest checkpoint done with (taken or abandoned)
  std::set<std::string, std::less<>> arrived_;
};

}  // namespace datablox::host
