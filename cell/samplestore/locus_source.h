// The stream of one locus: its files (or byte ranges of them, loci.h)
// pressed on threads of the worker (at most load.concurrency at once over
// all the worker's streams: PressSlots) into parcels, each a Brio region
// (cell/brio/region.h) of several hundred KiB, handed to the host through
// StreamSource::next without blocking it. A file is read in chunks of
// whole lines (line_chunks.h) and pressed chunk by chunk, and parcels wait
// in a bounded queue, so a stream's memory is a few chunks and parcels per
// thread whatever the file size (flat rows: plus what the presser keeps,
// bounded by its memory budget, flat_rows.h). A slow requester stops the
// presses; an abort (or the host stopping) destroys the source, whose
// destructor stops the presses within a chunk and joins the threads. (A
// flat press stops between chunks while it reads; once it presses its
// roots, FlatPresser::Finish runs to its end, its blobs dropped unsent.)
//
// Rejects name "FILE:LINE"; in a byte range that starts past the file's
// first byte, "FILE@BYTE:LINE", the line counted from the range's first
// line, which starts at BYTE (a worker does not read the file before it).
//
// The completion: items are the blobs sent; rejected the lines and items
// the pressers rejected (press_stats.h); expected = items + rejected once
// every file is pressed, so the requester's check holds exactly when no
// parcel was lost. A file that cannot be read fails the stream.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "cell/samplestore/line_chunks.h"
#include "cell/samplestore/loaded_view.h"
#include "cell/samplestore/press_tally.h"
#include "cell/samplestore/view.h"
#include "datablox/stream.h"

namespace datablox::samplestore {

// The worker-wide bound on files pressed at once.
class PressSlots {
 public:
  explicit PressSlots(int slots) : free_(std::clamp(slots, 1, kMaxConcurrency)) {}
  // False when `stop` was raised while waiting.
  bool Acquire(const std::atomic<bool>& stop);
  void Release() { free_.release(); }

 private:
  std::counting_semaphore<kMaxConcurrency> free_;
};

inline constexpr size_t kParcelBytes = 512 << 10;

struct LocusFile {
  std::string path;  // to open
  std::string name;  // relative to the location: rejects name it
  // A byte range of it (line_chunks.h); the whole file by default.
  uint64_t begin = 0;
  uint64_t end = kWholeFile;
};

class LocusSource : public StreamSource {
 public:
  LocusSource(std::shared_ptr<const LoadedView> view, std::vector<LocusFile> files, std::shared_ptr<PressSlots> slots,
              std::shared_ptr<PressTally> tally, size_t parcel_bytes = kParcelBytes, size_t chunk_bytes = kChunkBytes);
  ~LocusSource() override;
  LocusSource(const LocusSource&) = delete;
  LocusSource& operator=(const LocusSource&) = delete;

  Fill next(StreamParcel* parcel, Status* error) override;
  int64_t expected() const override;
  uint64_t potential() const override;
  uint64_t rejected() const override;

 private:
  void Work();
  void PressFile(const LocusFile& file);
  void Fail(const Status& why);
  // Queues a finished region; waits while the queue is full. False once stopped.
  bool Deliver(std::string region, uint64_t items);

  class ParcelCutter;

  std::shared_ptr<const LoadedView> view_;
  std::vector<LocusFile> files_;
  std::shared_ptr<PressSlots> slots_;
  std::shared_ptr<PressTally> tally_;
  size_t parcel_bytes_;
  size_t chunk_bytes_;
  size_t queue_limit_;

  std::atomic<bool> stop_{false};
  std::atomic<size_t> next_file_{0};
  mutable std::mutex mu_;
  std::condition_variable room_;  // the queue has room again (or stop)
  std::deque<StreamParcel> queue_;
  int working_ = 0;  // threads not yet finished
  Status failure_;
  uint64_t items_ = 0;  // pressed, summed over files
  uint64_t rejected_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace datablox::samplestore
