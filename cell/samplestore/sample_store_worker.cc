#include "cell/samplestore/sample_store_worker.h"

#include <fmt/format.h>

#include <cstdio>

#include "cell/samplestore/locus_plan.h"

namespace datablox::samplestore {

ClassSpec SampleStoreWorker::spec() {
  return ClassSpec("SampleStoreWorker", "presses a locus's JSON files into Brio blobs and streams them")
      .describe(
          "Serves streams (Nexus) whose paradata is a locus of a SampleStoreSupervisor's answer: {\"view\", "
          "\"generation\", \"locus\", \"files\", \"ranges\"}. Checks the generation against its own scan of the "
          "view (a stale one is an error: ask the supervisor again), then presses the files (.jsonl, .jsonl.gz) and "
          "byte ranges of files (nested views) on load.concurrency threads (over all its streams of that view), "
          "reading each in chunks of whole lines of about 4 MiB (so a stream's memory stays flat whatever the "
          "file size, and an abort stops it within a chunk), and sends parcels of about 512 KiB, each "
          "a Brio region (cell/brio/region.h). The completion carries the items and the rejects (lines not "
          "JSON or not objects, missing keys, items over the size cap); expected = items + rejected. Its "
          "`loci` port answers {} with {\"address\": ITS_STREAM_ADDRESS}.")
      .serves_streams()
      .shardable()  // stateless: its members are the supervisor's workers, each asked for its own loci
      .query_in("loci", /*required=*/false, "the supervisor's link: streams of loci, and {} -> its address")
      .param_string("views_dir", "the folder of the NAME.view.toml files (the supervisor's)")
      .handler("streams", "locus streams started")
      .handler("refused", "locus streams refused (a bad request, a stale generation, a missing file)")
      .handler("stale", "of those, refused for a stale generation")
      .handler("files", "files pressed")
      .handler("failed_files", "files that could not be read (their stream failed)")
      .handler("items", "blobs pressed")
      .handler("json_bytes", "bytes of JSON read")
      .handler("read_bytes", "bytes read from the files (decompressed), as the reads go")
      .handler("pressed_bytes", "bytes of blobs pressed")
      .handler("rejected", "lines and items rejected")
      .handler("rejects", "the rejects by reason: malformed=N not_object=N missing_key=N too_deep=N over_size_cap=N")
      .handler("samples", "the first rejects, FILE:LINE: REASON, one a line")
      .handler("warnings", "fields of the wrong type (pressed as null) and unknown keys (ignored)");
}

Status SampleStoreWorker::configure(const Params& params) {
  if (Status st = params.read("views_dir", views_dir_).status(); !st.ok()) return st;
  auto count = [this](auto field) { return [this, field] { return std::to_string(tally_->Totals().*field); }; };
  add_read_handler("streams", [this] { return std::to_string(streams_); });
  add_read_handler("refused", [this] { return std::to_string(refused_); });
  add_read_handler("stale", [this] { return std::to_string(stale_); });
  add_read_handler("files", [this] { return std::to_string(tally_->files()); });
  add_read_handler("failed_files", [this] { return std::to_string(tally_->failed_files()); });
  add_read_handler("items", count(&brio::PressStats::items));
  add_read_handler("json_bytes", count(&brio::PressStats::json_bytes));
  add_read_handler("read_bytes", [this] { return std::to_string(tally_->read_bytes()); });
  add_read_handler("pressed_bytes", count(&brio::PressStats::pressed_bytes));
  add_read_handler("rejected", [this] { return std::to_string(tally_->Totals().rejected()); });
  add_read_handler("rejects", [this] { return tally_->RejectsText(); });
  add_read_handler("samples", [this] { return tally_->SamplesText(); });
  add_read_handler("warnings", [this] {
    const brio::PressStats t = tally_->Totals();
    return fmt::format("wrong_type={} unknown_fields={}", t.wrong_type_fields, t.unknown_fields);
  });
  return Status::OK();
}

void SampleStoreWorker::on_query(int, const Log&, Responder responder) {
  LogBuilder reply;
  reply.add("address", stream_address());
  responder.reply(reply);
}

Status SampleStoreWorker::on_stream(int, const StreamRequest& request, std::unique_ptr<StreamSource>* source) {
  Status st = OpenLocus(request.paradata, source);
  if (!st.ok()) {
    ++refused_;
    std::fprintf(stderr, "stream %llu refused: %s\n", static_cast<unsigned long long>(request.stream_id),
                 st.message().c_str());
    return st;
  }
  ++streams_;
  return Status::OK();
}

Status SampleStoreWorker::OpenLocus(std::string_view paradata, std::unique_ptr<StreamSource>* source) {
  LocusPlan plan;
  if (Status st = PlanLocus(views_dir_, paradata, &plan); !st.ok()) {
    if (plan.stale) ++stale_;
    return st;
  }
  const ViewDefinition& view = plan.view->definition();
  std::shared_ptr<PressSlots> slots = SlotsFor(view.name, view.load_concurrency);
  *source = std::make_unique<LocusSource>(std::shared_ptr<const LoadedView>(std::move(plan.view)),
                                          std::move(plan.files), std::move(slots), tally_);
  return Status::OK();
}

// A view whose load.concurrency changed gets a new bound; streams already
// running keep the one they started with.
std::shared_ptr<PressSlots> SampleStoreWorker::SlotsFor(const std::string& view, int concurrency) {
  auto& [bound, slots] = slots_[view];
  if (!slots || bound != concurrency) {
    bound = concurrency;
    slots = std::make_shared<PressSlots>(concurrency);
  }
  return slots;
}

}  // namespace datablox::samplestore

DATABLOX_ELEMENT(datablox::samplestore::SampleStoreWorker)
