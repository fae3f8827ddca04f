#include "cell/worker/scan_merge.h"

#include <fmt/format.h>

#include "cell/query/partial_codec.h"
#include "cell/worker/scan_protocol.h"

namespace datablox::worker {

Status MergeScanReplies(const std::vector<const Log*>& replies, LogBuilder* merged) {
  if (replies.empty()) return Status::Invalid("scan merge: no replies");
  ScanReply out;
  eql::PartialResult sum{eql::PartialShape{}};
  for (size_t i = 0; i < replies.size(); ++i) {
    ScanReply reply;
    if (Status st = DecodeScanReply(*replies[i], &reply); !st.ok())
      return Status::Invalid(fmt::format("reply {}: {}", i, st.message()));
    eql::PartialResult partial{eql::PartialShape{}};
    if (Status st = eql::DecodePartial(reply.partial, &partial); !st.ok())
      return Status::Invalid(fmt::format("reply {}: its partial: {}", i, st.message()));
    if (i == 0) {
      out.generation_text = reply.generation_text;
      sum = std::move(partial);
    } else {
      if (reply.generation_text != out.generation_text)
        return Status::Invalid(fmt::format("reply {}: generation {} where reply 0 has {}", i, reply.generation_text,
                                           out.generation_text));
      if (Status st = sum.Merge(partial); !st.ok())
        return Status::Invalid(fmt::format("reply {}: its partial: {}", i, st.message()));
    }
    for (ScanWorkerStats& w : reply.workers) out.workers.push_back(std::move(w));
    if (out.workers.size() > kMaxScanWorkers)
      return Status::Invalid(fmt::format("scan merge: over {} workers", kMaxScanWorkers));
  }
  out.partial = eql::EncodePartial(sum);
  EncodeScanReply(out, merged);
  return Status::OK();
}

}  // namespace datablox::worker
