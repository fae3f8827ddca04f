// The flat presser's kept rows: fixed-size records of uint64 words back to
// back in one anonymous mapping. It grows by mremap (the pages move, the
// bytes are not copied) and asks for huge pages, so keeping a few hundred
// megabytes of rows costs a page fault per 2 MiB, not per 4 KiB (page
// faults were a sixth of pressing with 4 KiB chunks). Reset() keeps the
// pages for the next press (a worker presses locus after locus: on this
// machine touching fresh pages cost more than filling them); Clear()
// gives them back, or keeps them lazily freed for the next arena of the
// process (record_arena.cc: a worker makes a presser for every file).
#pragma once

#include <cstddef>
#include <cstdint>

namespace datablox::brio {

class RecordArena {
 public:
  RecordArena() = default;
  ~RecordArena();
  RecordArena(const RecordArena&) = delete;
  RecordArena& operator=(const RecordArena&) = delete;

  // Room for `words` more words at the end; throws std::bad_alloc when the
  // system has no memory left (as a vector would). Invalidates pointers.
  uint64_t* Append(size_t words);
  const uint64_t* data() const { return base_; }
  size_t size_words() const { return used_; }
  size_t mapped_bytes() const { return mapped_; }
  void Reset() { used_ = 0; }
  void Clear();

 private:
  uint64_t* base_ = nullptr;
  size_t used_ = 0;    // words
  size_t mapped_ = 0;  // bytes
};

}  // namespace datablox::brio
