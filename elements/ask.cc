#include "ask.h"

#include <fmt/format.h>

namespace datablox {

ClassSpec Ask::spec() {
  return ClassSpec("Ask", "when its input ends, asks REQUEST once on its \"ask\" port and emits the reply")
      .describe(
          "The input only says when: its logs are counted, not kept. REQUEST is a JSON object. "
          "An error reply, or none within TIMEOUT_MS, fails the element (and so the run), naming "
          "the reason.")
      .push_in("in")
      .push_out("out", {}, /*required=*/false, "the reply, as one log")
      .query_out("ask", /*required=*/true, "where the request goes")
      .param_string("request", "{}", "the request, a JSON object")
      .param_int("timeout_ms", 5000, "how long to wait for the reply")
      .handler("count", "input logs seen");
}

Status Ask::configure(const Params& params) {
  std::string request;
  Status st = params.read("request", request).read("timeout_ms", timeout_ms_).status();
  if (st.ok()) st = OwnedLog::FromJson(request, &request_);
  if (!st.ok()) return Status::Invalid(fmt::format("request: {}", st.message()));
  add_read_handler("count", [this] { return std::to_string(count_); });
  return Status::OK();
}

void Ask::on_inputs_ended() {
  LogBuilder request;
  request.add_fields(request_.log());
  ask(0, request, std::chrono::milliseconds(timeout_ms_), [this](Reply reply) {
    if (!reply.status.ok()) {
      fail(Status::Invalid(fmt::format("the query failed: {}", reply.status.message())));
      return;
    }
    LogBuilder out;
    out.add_fields(reply.log.log());
    emit(out);
  });
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::Ask)
