#include "cell/samplestore/loci_fetch.h"

#include <fmt/format.h>

#include <chrono>
#include <vector>

#include "cell/brio/region.h"
#include "runtime/nexus/client.h"

namespace datablox::samplestore {

namespace {

struct Pull {
  int locus = 0;
  std::string address;
  std::string paradata;
  uint64_t stream_id = 0;
};

Status ReadLoci(const nlohmann::json& answer, std::vector<Pull>* pulls, std::string* generation) {
  if (!answer.is_object() || !answer.contains("loci") || !answer["loci"].is_array() ||
      !answer.value("generation", nlohmann::json()).is_string())
    return Status::Invalid("not a view's loci: " + answer.dump());
  *generation = answer["generation"].get<std::string>();
  for (const nlohmann::json& locus : answer["loci"]) {
    Pull pull;
    const nlohmann::json number = locus.value("locus", nlohmann::json());
    const nlohmann::json addresses = locus.value("addresses", nlohmann::json());
    const nlohmann::json paradata = locus.value("paradata", nlohmann::json());
    if (!number.is_number_integer() || !addresses.is_array() || addresses.empty() || !addresses[0].is_string() ||
        !paradata.is_string())
      return Status::Invalid("a locus without its number, worker address or paradata: " + locus.dump());
    pull.locus = number.get<int>();
    pull.address = addresses[0].get<std::string>();  // the primary; the replicas are for a retry (not done here)
    pull.paradata = paradata.get<std::string>();
    pulls->push_back(std::move(pull));
  }
  return Status::OK();
}

}  // namespace

Status FetchLoci(const nlohmann::json& answer, const LociFetchOptions& options, brio::BlobSink& sink,
                 const std::function<void(const FetchProgress&)>& progress, FetchReport* report) {
  std::vector<Pull> pulls;
  if (Status st = ReadLoci(answer, &pulls, &report->generation); !st.ok()) return st;
  report->loci = static_cast<uint32_t>(pulls.size());
  if (pulls.empty()) return Status::OK();

  nexus::ClientOptions client_options;
  client_options.stream_timeout_ms = options.stream_timeout_ms;
  client_options.window = options.window;
  nexus::Client client(client_options);
  const uint64_t operation = client.NewOperation();
  Status data_error;  // a parcel that is no region: the operation is cancelled with it
  uint64_t failed_stream = 0;
  auto consume = [&](uint64_t stream_id, std::string_view bytes, uint64_t items) {
    if (!data_error.ok()) return;
    brio::RegionView region;
    Status opened = brio::RegionView::Open(bytes, &region);
    if (opened.ok() && region.blob_count() != items)
      opened = Status::Invalid(fmt::format("a parcel of {} items holds {} blobs", items, region.blob_count()));
    if (!opened.ok()) {
      data_error = Status::Invalid("a parcel is not a Brio region: " + opened.message());
      failed_stream = stream_id;
      client.Cancel(operation);
      return;
    }
    for (uint64_t i = 0; i < region.blob_count(); ++i) sink.Add(region.BlobBytes(i));
    report->items += region.blob_count();
  };
  for (Pull& pull : pulls) {
    if (Status st = client.Open(pull.address, pull.paradata, operation, consume, &pull.stream_id); !st.ok()) {
      client.Cancel(operation);
      report->failed = fmt::format("locus {} at {}", pull.locus, pull.address);
      return st;
    }
  }

  const nexus::Operation* op = client.FindOperation(operation);
  auto show = [&] {
    const nexus::OperationProgress p = op->progress();
    progress({p.streams, p.streams - p.live, p.items, p.bytes});
  };
  auto last = std::chrono::steady_clock::now();
  while (!op->done()) {
    client.Poll(100);
    // The first failure ends the rest at once, rather than at their end.
    if (!op->status().ok() && op->progress().live > 0) client.Cancel(operation);
    if (progress && std::chrono::steady_clock::now() - last >= std::chrono::milliseconds(options.progress_ms)) {
      last = std::chrono::steady_clock::now();
      show();
    }
  }
  if (progress) show();

  const Status status = data_error.ok() ? op->status() : data_error;
  if (!data_error.ok() || !status.ok()) failed_stream = data_error.ok() ? op->failed_stream() : failed_stream;
  for (const Pull& pull : pulls) {
    nexus::StreamReport stream;
    if (!client.Report(pull.stream_id, &stream).ok()) continue;
    report->rejected += stream.completion.rejected;
    report->bytes += stream.bytes;
    if (pull.stream_id == failed_stream) report->failed = fmt::format("locus {} at {}", pull.locus, pull.address);
  }
  return status;
}

}  // namespace datablox::samplestore
