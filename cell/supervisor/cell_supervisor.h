// CellSupervisor: the cell's supervisor, answering queries over the
// workers' caches. Its documentation is spec() in cell_supervisor.cc,
// which `datablox describe CellSupervisor` prints.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "cell/supervisor/locus_deal.h"
#include "cell/supervisor/query_run.h"
#include "datablox/element.h"

namespace datablox::supervisor {

class CellSupervisor : public Element {
 public:
  static ClassSpec spec();
  Status configure(const Params& params) override;
  Status start() override;
  Production produce() override;
  void on_query(int port, const Log& request, Responder responder) override;

 private:
  struct Running {
    std::unique_ptr<QueryRun> run;
    Responder responder;
  };
  // Asks what the run's step needs, or answers it once done.
  void Advance(uint64_t id);
  void Finish(Running& running);
  // The callback of a catalog's or a sample store's answer: parsed, handed
  // to the run's `on`, and the run advanced.
  ReplyCallback AnswerTo(uint64_t id, void (QueryRun::*on)(const Status&, const nlohmann::json&));
  // The reply, parsed (its depth bounded); an error status when it is none.
  static Status ParseReply(const Reply& reply, nlohmann::json* out);

  int catalog_port_ = -1, stores_port_ = -1, workers_port_ = -1;
  int64_t step_timeout_ms_ = 5000;
  LocusDeal deal_;
  std::map<uint64_t, Running> running_;
  uint64_t next_id_ = 1;
  uint64_t queries_ = 0;   // answered with a table
  uint64_t refused_ = 0;   // answered with a refusal (the query does not check)
  uint64_t failures_ = 0;  // answered with an error
  int64_t last_ms_ = -1;
  std::map<std::string, std::string> generations_;  // view -> the generation last answered from
};

}  // namespace datablox::supervisor
