#include "cell/brio/record_arena.h"

#include <sys/mman.h>

#include <mutex>
#include <new>
#include <utility>

namespace datablox::brio {

namespace {

constexpr size_t kInitialBytes = size_t{32} << 20;  // a multiple of the 2 MiB huge page

// The mappings of arenas cleared last in this process, for the next arenas:
// a sample-store worker makes a presser a file, and faulting in a fresh
// mapping's pages was a fourteenth of its press. Kept lazily freed
// (MADV_FREE): the kernel takes the pages back when it needs memory, and
// until then writing them again costs no fault. At most kKeptMappings (two
// presses at once), each at most kMaxKeptBytes.
constexpr size_t kKeptMappings = 2;
constexpr size_t kMaxKeptBytes = size_t{1} << 30;

struct KeptMapping {
  void* base = nullptr;
  size_t bytes = 0;
};

std::mutex kept_mutex;
KeptMapping kept[kKeptMappings];

KeptMapping TakeKept() {
  std::lock_guard lock(kept_mutex);
  for (KeptMapping& k : kept)
    if (k.base != nullptr) return std::exchange(k, KeptMapping{});
  return {};
}

// False when there is no room: the caller unmaps it.
bool Keep(void* base, size_t bytes) {
  if (bytes > kMaxKeptBytes) return false;
  std::lock_guard lock(kept_mutex);
  for (KeptMapping& k : kept)
    if (k.base == nullptr) {
      (void)madvise(base, bytes, MADV_FREE);
      k = {base, bytes};
      return true;
    }
  return false;
}

}  // namespace

RecordArena::~RecordArena() { Clear(); }

uint64_t* RecordArena::Append(size_t words) {
  const size_t needed = (used_ + words) * sizeof(uint64_t);
  if (needed > mapped_ && mapped_ == 0) {
    const KeptMapping k = TakeKept();
    base_ = static_cast<uint64_t*>(k.base);
    mapped_ = k.bytes;
  }
  if (needed > mapped_) {
    size_t size = mapped_ == 0 ? kInitialBytes : mapped_;
    while (size < needed) size *= 2;
    void* p = mapped_ == 0 ? mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                           : mremap(base_, mapped_, size, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) throw std::bad_alloc();
    // Only a hint: where the kernel lends no huge pages, 4 KiB ones serve.
    (void)madvise(p, size, MADV_HUGEPAGE);
    base_ = static_cast<uint64_t*>(p);
    mapped_ = size;
  }
  uint64_t* at = base_ + used_;
  used_ += words;
  return at;
}

void RecordArena::Clear() {
  if (base_ != nullptr && !Keep(base_, mapped_)) munmap(base_, mapped_);
  base_ = nullptr;
  used_ = 0;
  mapped_ = 0;
}

}  // namespace datablox::brio
