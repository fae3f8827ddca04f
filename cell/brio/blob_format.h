// The pressed Brio layout: one blob per root object, and a region file of
// many blobs. The same bytes on disk and in memory: a region is mmap'd and
// its blobs are read in place (reader.h). Writers: blob_writer.h, region.h.
// Where each field of a structure sits is computed from the schema by
// blob_layout.h following the rules written here.
//
// All integers are little-endian. Nothing inside a blob is aligned: every
// value is loaded with memcpy (one plain load on x86-64 and ARM64), which
// lets every value take its smallest width. Blobs in a region start at
// multiples of kRegionBlobAlignment. Offsets inside a blob are uint32 from
// the blob's first byte, so a blob is at most 4 GiB (the presser's size cap
// is far lower).
//
// Blob:
//   BlobHeader                                 (kBlobHeaderSize bytes)
//   root structure instance, then its relations, depth first
//   dictionary                                 (at the end: the presser
//                                               learns strings as it goes)
//
// Structure instance, for a structure S at instance version v:
//   uint8   version v                          (1 <= v <= the blob's version)
//   uint8   null_bitmap[ceil(n / 8)]           n = S's fields that exist at v
//                                              (since_version <= v); bit i
//                                              (byte i/8, bit i%8) set: the
//                                              i-th such field is null
//   fixed scalars                              each scalar field existing at
//                                              v, in ordinal order, its
//                                              ScalarSize bytes (a null one
//                                              is zero); a string is a uint32
//                                              dictionary key
//   uint32  relation_offset[r]                 r = the relation fields (every
//                                              kind but kScalar) existing at
//                                              v, in ordinal order: where the
//                                              relation's bytes start; 0 if
//                                              null
// A field whose since_version > v has no bit and no bytes: it reads as null.
//
// Relations (at relation_offset):
//   kScalarVector     uint32 count, then count values of the scalar's size
//   kScalarMap        uint32 count, count keys, then count values
//   kReference        a structure instance
//   kReferenceVector  uint32 count; if the element structure has relation
//                     fields (at the blob's version) a uint32 offset per
//                     element follows, then the instances; if it has none
//                     (a "fixed-size" structure, like an event) the
//                     instances follow back to back, each as long as its
//                     own version's fixed part, with no offsets at all
//
// Dictionary (at BlobHeader::dict_offset, dict_count strings):
//   uint32  end[dict_count]                    end of string k in the bytes
//                                              that follow (string k spans
//                                              [end[k-1], end[k]), end[-1]=0)
//   bytes                                      UTF-8, not terminated
// A string value is its key k < dict_count. Each distinct string is stored
// once per blob.
//
// Region file:
//   RegionHeader                               (kRegionHeaderSize bytes)
//   blobs, each at a multiple of kRegionBlobAlignment, zero padding between
//   uint64  blob_offset[blob_count]            at RegionHeader::index_offset,
//                                              the file's last bytes
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace datablox::brio {

static_assert(std::endian::native == std::endian::little,
              "the pressed layout is little-endian and read in place: a big-endian host needs byte swaps");

inline constexpr uint32_t kBlobMagic = 0x4F495242;  // "BRIO"
inline constexpr uint8_t kBlobFormatVersion = 1;

struct BlobHeader {
  uint32_t magic;          // kBlobMagic
  uint8_t format_version;  // kBlobFormatVersion
  uint8_t blob_version;    // the schema version it was pressed at; no instance is newer
  uint16_t reserved;       // 0
  uint32_t total_size;     // the blob's bytes, header and dictionary included
  uint32_t dict_offset;    // where the dictionary starts
  uint32_t dict_count;     // strings in it
};
inline constexpr size_t kBlobHeaderSize = 20;
static_assert(sizeof(BlobHeader) == kBlobHeaderSize, "BlobHeader is read with one memcpy: no padding");
static_assert(offsetof(BlobHeader, total_size) == 8 && offsetof(BlobHeader, dict_count) == 16);
// The root instance starts right after the header.
inline constexpr size_t kRootOffset = kBlobHeaderSize;

// Instance versions are one byte; a schema at a higher version cannot press.
inline constexpr int kMaxStructureVersion = 255;
inline constexpr size_t kInstanceVersionSize = 1;
inline constexpr size_t kRelationOffsetSize = sizeof(uint32_t);
inline constexpr size_t kCountSize = sizeof(uint32_t);
inline constexpr size_t kStringKeySize = sizeof(uint32_t);
inline constexpr size_t kDictEndSize = sizeof(uint32_t);

// How deep a reader or presser follows references: a schema may be recursive
// (a Tree whose children are Trees), a blob's depth must not be its stack's.
inline constexpr int kMaxTreeDepth = 64;

inline constexpr uint32_t kRegionMagic = 0x4E475242;  // "BRGN"
inline constexpr uint8_t kRegionFormatVersion = 1;
inline constexpr size_t kRegionBlobAlignment = 8;

struct RegionHeader {
  uint32_t magic;          // kRegionMagic
  uint8_t format_version;  // kRegionFormatVersion
  uint8_t reserved[3];     // 0
  uint64_t blob_count;     // entries in the index
  uint64_t index_offset;   // where the index starts; it runs to the file's end
};
inline constexpr size_t kRegionHeaderSize = 24;
static_assert(sizeof(RegionHeader) == kRegionHeaderSize, "RegionHeader is read with one memcpy: no padding");
static_assert(kRegionHeaderSize % kRegionBlobAlignment == 0, "the first blob starts aligned");
inline constexpr size_t kRegionIndexEntrySize = sizeof(uint64_t);

// Unaligned little-endian loads and stores: the only way blob bytes are read.
template <typename T>
inline T LoadAt(const uint8_t* base, size_t offset) {
  T value;
  std::memcpy(&value, base + offset, sizeof(T));
  return value;
}
template <typename T>
inline void StoreAt(uint8_t* base, size_t offset, T value) {
  std::memcpy(base + offset, &value, sizeof(T));
}

}  // namespace datablox::brio
