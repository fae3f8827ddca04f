#include "cell/samplestore/locus_source.h"

#include <chrono>

#include "cell/brio/blob_format.h"
#include "cell/brio/flat_rows.h"
#include "cell/brio/presser.h"
#include "cell/brio/region.h"
#include "cell/samplestore/file_text.h"
#include "cell/samplestore/mapped_file.h"

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
                         std::shared_ptr<PressSlots> slots, std::shared_ptr<PressTally> tally, size_t parcel_bytes)
    : view_(std::move(view)),
      files_(std::move(files)),
      slots_(std::move(slots)),
      tally_(std::move(tally)),
      parcel_bytes_(parcel_bytes) {
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

void LocusSource::PressFile(const LocusFile& file) {
  std::string text;   // a gzip'd file's
  MappedFile mapped;  // a plain one's (mapped_file.h: no copy into the heap)
  std::string_view bytes;
  if (Status st = FileBytes(file.path, &text, &mapped, &bytes); !st.ok()) {
    tally_->AddFailedFile();
    std::lock_guard lock(mu_);
    if (failure_.ok()) failure_ = st;
    stop_ = true;
    room_.notify_all();
    return;
  }
  ParcelCutter cutter(this);
  brio::PressStats stats;
  const LoadedView& view = *view_;
  if (view.definition().shape == ViewShape::kFlat) {
    std::unique_ptr<brio::FlatPresser> presser;
    Status st = brio::FlatPresser::Make(view.layout(), view.definition().grouping, view.press_options(), &presser);
    if (!st.ok()) {  // checked when the view was loaded: cannot happen
      std::lock_guard lock(mu_);
      if (failure_.ok()) failure_ = st;
      return;
    }
    presser->AddLines(bytes, file.name);
    std::string().swap(text);  // the rows are kept by the presser now
    mapped.Close();
    presser->Finish(cutter);
    stats = presser->stats();
  } else {
    brio::NestedPresser presser(view.layout(), view.press_options());
    presser.PressLines(bytes, file.name, cutter);
    stats = presser.stats();
  }
  cutter.Flush();
  tally_->Add(stats);
  std::lock_guard lock(mu_);
  items_ += stats.items;
  rejected_ += stats.rejected();
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
