// The fast path of the flat presser: one JSON row read with simdjson
// On-Demand (values parsed as they are read, no DOM tape), taken only when
// the row is clean: an object of known keys, each feeding one scalar
// column with a value of its type or null, nothing after it. Anything else
// returns false and the row goes to the validating DOM path, which counts
// its rejects and warnings exactly.
//
// simdjson compiles On-Demand only for the implementation the compiler
// targets, so clean_row.cc is built for AVX2 (haswell) and is used only
// where the CPU has it (CpuRunsCleanRowReader). Its interface is
// plain pointers: no inline function shared with other files is compiled
// there, so no AVX2 copy of one can stand in for theirs (an inline function
// emitted there would be a weak symbol the linker may pick for every
// caller). simdjson 3.0's header gives On-Demand for its built-in
// implementation only, so per-implementation namespaces without -mavx2 are
// not an option here; instead ctest brio_clean_row_shares_no_code
// (clean_row_symbols.cmake) reads the object with nm: it exports no code but
// MakeCleanRowReader and simdjson::haswell functions, which only files built
// for AVX2 define. The file is built -O2 in every build type: at -O0 the
// inline CleanRowReader members and simdjson's helpers come out of line.
#pragma once

#include <cstddef>
#include <cstdint>

namespace datablox::brio {

// Row field names are matched as written in the JSON: each at most
// kMaxCleanKeyBytes, with neither '"' nor '\\' (else no clean reader is made).
inline constexpr size_t kMaxCleanKeyBytes = 32;
// A key as the reader compares it: its bytes, then the closing '"', zero
// padded to whole little-endian words (MakeCleanKeyImage), so a key is
// matched with a few word compares in place of a call to memcmp.
inline constexpr size_t kCleanKeyWords = (kMaxCleanKeyBytes + 1 + 7) / 8;
void MakeCleanKeyImage(const char* key, size_t size, uint64_t image[kCleanKeyWords]);

struct CleanRowSpec {
  const char* const* keys;  // the row field names, keys[k] of key_sizes[k] bytes
  const size_t* key_sizes;
  const uint64_t* key_images;  // key k's image at key_images[k * kCleanKeyWords]
  const int* column_of_key;    // the one column key k feeds, or -1 (none or several: not clean)
  const uint8_t* column_type;  // each column's ScalarType
  size_t nkeys;
  size_t ncolumns;
  // Interns a string cell: its key in the presser's strings.
  uint32_t (*intern)(void* context, const char* s, size_t n);
  void* context;
};

// ReadMany's most bytes at once: small enough for simdjson's stage 1 to
// stay in the cache, large enough to spread the cost of starting a stream
// over hundreds of rows. A line longer than this goes to Read.
inline constexpr size_t kCleanWindowBytes = 64 << 10;

// What ReadMany says of each line of its window, in order, once each:
// clean (cells and states hold the row, as Read writes them) or not (blank,
// malformed, or not clean: for the caller's DOM path to judge, alone).
struct CleanRowSink {
  void (*line)(void* context, const char* line, size_t size, bool clean);
  void* context;
};

class CleanRowReader {
 public:
  virtual ~CleanRowReader() = default;
  // `line` has `capacity` readable bytes (simdjson's padding); cells[c] and
  // states[c] (1 set, 0 null) of every column the row names are written.
  virtual bool Read(const char* line, size_t size, size_t capacity, const CleanRowSpec& spec, uint64_t* cells,
                    uint8_t* states) = 0;
  // The lines of `text` (each '\n' ended but the last, at most
  // kCleanWindowBytes in all, `capacity` readable bytes) read as one
  // simdjson document stream rather than one parse a line. A stream is
  // trusted only while each document starts where its line does: a
  // malformed line (an unclosed string turns stage 1's view of every quote
  // after it) is handed over as not clean and a new stream starts at the
  // next line, so one bad row never takes its neighbours with it; past a
  // few restarts the rest of the window is read line by line. states is
  // cleared before each row.
  virtual void ReadMany(const char* text, size_t size, size_t capacity, const CleanRowSpec& spec, uint64_t* cells,
                        uint8_t* states, const CleanRowSink& sink) = 0;
};

// True where the CPU runs what clean_row.cc is built for (checked in a file built for any x86-64).
bool CpuRunsCleanRowReader();
// A reader; call only where CpuRunsCleanRowReader().
CleanRowReader* MakeCleanRowReader();

}  // namespace datablox::brio
