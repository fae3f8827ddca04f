#include "cell/samplestore/locus_source.h"

#include <fmt/format.h>

#include <chrono>

#include "cell/brio/blob_format.h"
#include "cell/brio/flat_rows.h"
#include "cell/brio/presser.h"
#include "cell/brio/region.h"

namespace datablox::samplestore {

bool PressSlots::Acquire(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    if (free_.try_acquire_for(std::chrono::milliseconds(20))) return true;
  }
  return false;
}

// Blobs into regions of about parcel_bytes, each delivered when full.
class LocusSource::ParcelCutter : public brio::BlobSink {
 public:
  explicit ParcelCutter(LocusSource* source) : source_(source) {}
  void Add(std::string_view blob) override {
    if (stopped_) return;
    writer_.Add(blob);
    bytes_ += blob.size() + brio::kRegionBlobAlignment + brio::kRegionIndexEntrySize;  // at most, with padding
    if (bytes_ >= source_->parcel_bytes_) Flush();
  }
  void Flush() {
    if (stopped_ || writer_.blob_count() == 0) return;
    const uint64_t items = writer_.blob_count();
    bytes_ = 0;
    if (!source_->Deliver(writer_.Finish(), items)) stopped_ = true;  // stopped: the rest is dropped unsent
  }

 private:
  LocusSource* source_;
  brio::RegionWriter writer_;
  size_t bytes_ = 0;
  bool stopped_ = false;
};

LocusSource::LocusSource(std::shared_ptr<const LoadedView> view, std::vector<LocusFile> files,
                         std::shared_ptr<PressSlots> slots, std::shared_ptr<PressTally> tally, size_t parcel_bytes,
                         size_t chunk_bytes)
    : view_(std::move(view)),
      files_(std::move(files)),
      slots_(std::move(slots)),
      tally_(std::move(tally)),
      parcel_bytes_(parcel_bytes),
      chunk_bytes_(chunk_bytes) {
  const size_t threads =
      std::min(files_.size(), static_cast<size_t>(std::max(1, view_->definition().load_concurrency)));
  queue_limit_ = 2 * std::max<size_t>(threads, 1);
  working_ = static_cast<int>(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

LocusSource::~LocusSource() {
  stop_ = true;
  room_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void LocusSource::Work() {
  for (;;) {
    const size_t i = next_file_.fetch_add(1);
    if (i >= files_.size() || stop_) break;
    if (!slots_->Acquire(stop_)) break;
    PressFile(files_[i]);
    slots_->Release();
  }
  std::lock_guard lock(mu_);
  --working_;
}

namespace {

// The presser numbers lines from 1 in each chunk: a sample "LABEL:N" of a
// chunk whose first line is number lines_before + 1 becomes LABEL:N+lines_before.
void Renumber(brio::PressReject* sample, std::string_view label, uint64_t lines_before) {
  const std::string_view where = sample->where;
  if (lines_before == 0 || where.size() <= label.size() + 1 || !where.starts_with(label) || where[label.size()] != ':')
    return;
  uint64_t n = 0;
  for (char c : where.substr(label.size() + 1)) {
    if (c < '0' || c > '9') return;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  sample->where = fmt::format("{}:{}", label, n + lines_before);
}

}  // namespace

void LocusSource::Fail(const Status& why) {
  std::lock_guard lock(mu_);
  if (failure_.ok()) failure_ = why;
  stop_ = true;
  room_.notify_all();
}

void LocusSource::PressFile(const LocusFile& file) {
  LineChunks chunks;
  if (Status st = chunks.Open(file.path, file.begin, file.end, chunk_bytes_); !st.ok()) {
    tally_->AddFailedFile();
    return Fail(st);
  }
  const LoadedView& view = *view_;
  const bool flat = view.definition().shape == ViewShape::kFlat;
  std::unique_ptr<brio::FlatPresser> flat_presser;
  std::unique_ptr<brio::NestedPresser> nested_presser;
  if (flat) {
    Status st = brio::FlatPresser::Make(view.layout(), view.definition().grouping, view.press_options(), &flat_presser);
    if (!st.ok()) return Fail(st);  // checked when the view was loaded: cannot happen
  } else {
    nested_presser = std::make_unique<brio::NestedPresser>(view.layout(), view.press_options());
  }
  auto stats = [&]() -> const brio::PressStats& { return flat ? flat_presser->stats() : nested_presser->stats(); };

  ParcelCutter cutter(this);
  std::string label;
  std::vector<uint64_t> sample_lines_before;  // per sample: the lines before its chunk
  uint64_t read = 0;
  std::string_view lines;
  while (!stop_ && chunks.Next(&lines)) {
    if (label.empty())
      label = file.begin == 0 ? file.name : fmt::format("{}@{}", file.name, chunks.first_line_offset());
    if (flat) flat_presser->AddLines(lines, label);
    else nested_presser->PressLines(lines, label, cutter);
    sample_lines_before.resize(stats().samples.size(), chunks.lines_before());
    tally_->AddRead(chunks.bytes_read() - read);
    read = chunks.bytes_read();
  }
  if (!chunks.status().ok()) {
    tally_->AddFailedFile();
    return Fail(chunks.status());
  }
  if (flat && !stop_) flat_presser->Finish(cutter);
  cutter.Flush();
  brio::PressStats pressed = stats();
  for (size_t i = 0; i < pressed.samples.size() && i < sample_lines_before.size(); ++i)
    Renumber(&pressed.samples[i], label, sample_lines_before[i]);
  tally_->Add(pressed);
  std::lock_guard lock(mu_);
  items_ += pressed.items;
  rejected_ += pressed.rejected();
}

bool LocusSource::Deliver(std::string region, uint64_t items) {
  std::unique_lock lock(mu_);
  room_.wait(lock, [this] { return stop_ || queue_.size() < queue_limit_; });
  if (stop_) return false;
  queue_.push_back({std::move(region), items});
  return true;
}

StreamSource::Fill LocusSource::next(StreamParcel* parcel, Status* error) {
  std::lock_guard lock(mu_);
  if (!failure_.ok()) {
    *error = failure_;
    return Fill::kFailed;
  }
  if (!queue_.empty()) {
    *parcel = std::move(queue_.front());
    queue_.pop_front();
    room_.notify_one();
    return Fill::kParcel;
  }
  return working_ == 0 ? Fill::kDone : Fill::kNotYet;
}

int64_t LocusSource::expected() const {
  std::lock_guard lock(mu_);
  if (working_ != 0) return -1;
  return static_cast<int64_t>(items_ + rejected_);
}

uint64_t LocusSource::potential() const {
  std::lock_guard lock(mu_);
  return items_ + rejected_;
}

uint64_t LocusSource::rejected() const {
  std::lock_guard lock(mu_);
  return rejected_;
}

}  // namespace datablox::samplestore
