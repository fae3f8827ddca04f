#include "cell/samplestore/sample_store_supervisor.h"

#include <fmt/format.h>

#include <cstdio>

#include "cell/samplestore/dataset.h"
#include "cell/samplestore/loci_answer.h"

namespace datablox::samplestore {

ClassSpec SampleStoreSupervisor::spec() {
  return ClassSpec("SampleStoreSupervisor", "answers a view's generation and its loci over the workers")
      .describe(
          "Asked {\"view\": NAME} on its `view` port, reads VIEWS_DIR/NAME.view.toml, scans the view's files "
          "and answers {\"view\", \"generation\", \"shape\", \"schema\", \"files\", \"bytes\", \"loci\": [{\"locus\", "
          "\"files\", \"bytes\", \"addresses\", \"paradata\"}]}: the generation is a hash of the files' names, "
          "sizes and modification times and of the view file; the loci split the files over the workers linked "
          "to its `workers` port (loci.replication of them per locus, primary first), each with the workers' "
          "stream addresses and the paradata to open the locus's stream with (`datablox fetch` does). Every "
          "request scans anew, so it answers the files as they are; besides, every POLL_MS it rescans the "
          "views asked for so far, so that the handlers show a change as soon as it is noticed. Runs until "
          "stopped.")
      .query_in("view", /*required=*/false, "{\"view\": NAME} -> its generation and loci")
      .query_out("workers", /*required=*/true, "the SampleStoreWorkers, linked in locus order")
      .param_string("views_dir", "the folder of the NAME.view.toml files")
      .param_int("poll_ms", 1000, "how often the views asked for are rescanned for changes (100..60000)")
      .handler("requests", "view requests answered")
      .handler("refused", "view requests answered with an error")
      .handler("generations", "the generation of each view asked for, as last scanned: NAME=GEN ...")
      .handler("changes", "new generations noticed (files added, changed or removed, or the view edited)")
      .handler("view_loads", "times a view file was read and its schema checked (a view whose files are unchanged "
                             "is kept loaded)");
}

Status SampleStoreSupervisor::configure(const Params& params) {
  Status st = params.read("views_dir", views_dir_).read("poll_ms", poll_ms_).status();
  if (!st.ok()) return st;
  if (poll_ms_ < 100 || poll_ms_ > 60000) return Status::Invalid("poll_ms must be in 100..60000");
  add_read_handler("requests", [this] { return std::to_string(requests_); });
  add_read_handler("refused", [this] { return std::to_string(refused_); });
  add_read_handler("changes", [this] { return std::to_string(changes_); });
  add_read_handler("view_loads", [this] { return std::to_string(views_.loads()); });
  add_read_handler("generations", [this] {
    std::string text;
    for (const auto& [name, generation] : generations_) text += (text.empty() ? "" : " ") + name + "=" + generation;
    return text;
  });
  return Status::OK();
}

Status SampleStoreSupervisor::start() {
  workers_port_ = query_out_port("workers");
  return Status::OK();
}

// A service: it runs until stopped, rescanning what it was asked for.
Production SampleStoreSupervisor::produce() {
  for (auto& [name, known] : generations_) {
    std::string now;
    if (Generation(name, &now).ok() && now != known) {
      ++changes_;
      std::fprintf(stderr, "view %s: new generation %s (was %s)\n", name.c_str(), now.c_str(), known.c_str());
      known = now;
    }
  }
  return Production::Later(Milliseconds(poll_ms_));
}

Status SampleStoreSupervisor::Generation(const std::string& view_name, std::string* generation) {
  std::string path;
  Status st = ViewPath(views_dir_, view_name, &path);
  const LoadedView* view = nullptr;
  if (st.ok()) st = views_.Get(path, &view);
  std::vector<DatasetFile> files;
  if (st.ok()) st = ScanDataset(view->definition().location, view->definition().files, &files);
  if (st.ok()) *generation = GenerationOf(files, view->definition().text);
  return st;
}

void SampleStoreSupervisor::on_query(int, const Log& request, Responder responder) {
  auto refuse = [&](const Status& why) {
    ++refused_;
    responder.error(why.message());
  };
  Value name = request.get("view");
  if (name.type() != ValueType::kString) return refuse(Status::Invalid("ask {\"view\": NAME}"));
  const std::string view_name(name.as_string());
  std::string path;
  if (Status st = ViewPath(views_dir_, view_name, &path); !st.ok()) return refuse(st);
  const LoadedView* view = nullptr;
  if (Status st = views_.Get(path, &view); !st.ok()) return refuse(st);
  std::vector<DatasetFile> files;
  const ViewDefinition& definition = view->definition();
  if (Status st = ScanDataset(definition.location, definition.files, &files); !st.ok())
    return refuse(Status::IOError(fmt::format("view {}: {}", view_name, st.message())));
  nlohmann::json answer;
  if (Status st = BuildLociAnswer(definition, files, stream_peers(workers_port_), &answer); !st.ok()) return refuse(st);
  const std::string generation = answer["generation"].get<std::string>();
  auto [known, added] = generations_.try_emplace(view_name, generation);
  if (!added && known->second != generation) {
    ++changes_;
    known->second = generation;
  }
  LogBuilder reply;
  if (Status st = reply.assign_json(answer.dump()); !st.ok()) return refuse(Status::Internal(st.message()));
  ++requests_;
  responder.reply(reply);
}

}  // namespace datablox::samplestore

DATABLOX_ELEMENT(datablox::samplestore::SampleStoreSupervisor)
