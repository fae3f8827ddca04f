#include "cell/brio/record_arena.h"

#include <sys/mman.h>

#include <new>

namespace datablox::brio {

namespace {
constexpr size_t kInitialBytes = size_t{32} << 20;  // a multiple of the 2 MiB huge page
}

RecordArena::~RecordArena() { Clear(); }

uint64_t* RecordArena::Append(size_t words) {
  const size_t needed = (used_ + words) * sizeof(uint64_t);
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
  if (base_ != nullptr) munmap(base_, mapped_);
  base_ = nullptr;
  used_ = 0;
  mapped_ = 0;
}

}  // namespace datablox::brio
