#include "cell/brio/row_spill.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace datablox::brio {

namespace {
constexpr size_t kFileBuffer = 256 << 10;
std::string Errno() { return std::strerror(errno); }
}  // namespace

Status RowSpill::Make(const std::string& parent, size_t partitions, std::unique_ptr<RowSpill>* out) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string pattern = base + "/datablox-press-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr)
    return Status::IOError("press spill: cannot make a folder in " + base + ": " + Errno());
  std::unique_ptr<RowSpill> spill(new RowSpill());
  spill->folder_ = pattern;
  spill->files_.resize(partitions);
  for (size_t p = 0; p < partitions; ++p) {
    File& file = spill->files_[p];
    file.path = pattern + "/partition-" + std::to_string(p);
    file.f = std::fopen(file.path.c_str(), "w+b");
    if (file.f == nullptr) return Status::IOError("press spill: cannot open " + file.path + ": " + Errno());
    file.buffer.reset(new char[kFileBuffer]);
    std::setvbuf(file.f, file.buffer.get(), _IOFBF, kFileBuffer);
  }
  *out = std::move(spill);
  return Status::OK();
}

RowSpill::~RowSpill() {
  for (size_t p = 0; p < files_.size(); ++p) Drop(p);
  if (!folder_.empty()) ::rmdir(folder_.c_str());
}

void RowSpill::Append(size_t partition, std::string_view bytes) {
  std::fwrite(bytes.data(), 1, bytes.size(), files_[partition].f);
}

Status RowSpill::Commit() {
  Status failed;
  for (File& file : files_) {
    if (file.f == nullptr) continue;
    if (std::fflush(file.f) != 0 || std::ferror(file.f)) {
      if (failed.ok()) failed = Status::IOError("press spill: writing " + file.path + ": " + Errno());
    }
  }
  for (File& file : files_) {
    if (file.f == nullptr) continue;
    if (failed.ok()) {
      file.committed = std::ftell(file.f);
      continue;
    }
    // The whole batch undone, in every file: its rows are still in memory.
    std::clearerr(file.f);
    if (::ftruncate(fileno(file.f), file.committed) != 0 || std::fseek(file.f, file.committed, SEEK_SET) != 0)
      error_ = Status::IOError("press spill: cutting back " + file.path + ": " + Errno());
  }
  return failed;
}

Status RowSpill::Rewind(size_t partition) {
  File& file = files_[partition];
  if (file.f == nullptr || std::fseek(file.f, 0, SEEK_SET) != 0)
    return Status::IOError("press spill: cannot read " + file.path + " back");
  file.read = 0;
  return Status::OK();
}

bool RowSpill::Read(size_t partition, void* out, size_t n) {
  File& file = files_[partition];
  if (file.read + static_cast<long>(n) > file.committed) return false;
  if (std::fread(out, 1, n, file.f) != n) {
    error_ = Status::IOError("press spill: reading " + file.path + " at byte " + std::to_string(file.read) + ": " +
                             (std::ferror(file.f) ? Errno() : "the file is shorter than written"));
    return false;
  }
  file.read += static_cast<long>(n);
  return true;
}

void RowSpill::Drop(size_t partition) {
  File& file = files_[partition];
  if (file.f == nullptr) return;
  std::fclose(file.f);
  file.f = nullptr;
  ::unlink(file.path.c_str());
}

}  // namespace datablox::brio
