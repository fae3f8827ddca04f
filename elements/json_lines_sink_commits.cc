// JsonLinesSink in a checkpointed topology: a two-phase commit per
// checkpoint, as Flink's two-phase sinks and Scribengin's committed sink
// buffers do. Phase one, at the barrier: the tmp segment is synced and
// renamed "prepared" for that checkpoint. Phase two, when the master says
// the checkpoint is complete: the segment is committed. A rollback to
// checkpoint C commits what C (and older checkpoints) prepared and drops
// the rest, so every segment is committed or dropped, never both, never
// neither; what PATH.partial (or the numbered segments) holds was always
// committed by a complete checkpoint.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "json_lines_sink.h"

namespace datablox {

using json_lines_sink_files::Errno;
using json_lines_sink_files::Exists;

namespace {

// A file of this sink's beside PATH, told by its name.
struct SegmentFile {
  enum class Kind { kOpen, kCommitted, kPrepared, kCommitting } kind;
  uint64_t number = 0;  // the segment's place in the output
  uint64_t detail = 0;  // prepared: its checkpoint; committing: where it starts in PATH.partial
  uint64_t bytes = 0;
  std::string path;
};

bool ParseNumber(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// NAME is "open", "NNNNNN", "NNNNNN.prepared-C" or "NNNNNN.commit-START"
// after PATH and a dot; anything else (PATH.partial among them) is not a segment.
bool ParseSegmentName(std::string_view rest, SegmentFile* file) {
  if (rest == "open") {
    file->kind = SegmentFile::Kind::kOpen;
    return true;
  }
  const size_t dot = rest.find('.');
  std::string_view number = rest.substr(0, dot);
  if (number.size() < 6 || !ParseNumber(number, &file->number)) return false;
  if (dot == std::string_view::npos) {
    file->kind = SegmentFile::Kind::kCommitted;
    return true;
  }
  std::string_view tail = rest.substr(dot + 1);
  for (auto [prefix, kind] : {std::pair{std::string_view("prepared-"), SegmentFile::Kind::kPrepared},
                              std::pair{std::string_view("commit-"), SegmentFile::Kind::kCommitting}}) {
    if (tail.substr(0, prefix.size()) == prefix && ParseNumber(tail.substr(prefix.size()), &file->detail)) {
      file->kind = kind;
      return true;
    }
  }
  return false;
}

std::filesystem::path FolderOf(const std::string& path) {
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  return folder.empty() ? std::filesystem::path(".") : folder;
}

// The segment files an earlier life of this sink left beside PATH, in the
// order of their numbers.
Status ListSegments(const std::string& path, std::vector<SegmentFile>* files) {
  const std::string prefix = std::filesystem::path(path).filename().string() + ".";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(FolderOf(path), ec)) {
    const std::string name = entry.path().filename().string();
    SegmentFile file;
    if (name.compare(0, prefix.size(), prefix) != 0 || !ParseSegmentName(name.substr(prefix.size()), &file)) continue;
    file.path = entry.path().string();
    std::error_code size_error;
    file.bytes = entry.file_size(size_error);
    if (size_error) return Status::IOError(fmt::format("cannot stat '{}': {}", file.path, size_error.message()));
    files->push_back(std::move(file));
  }
  if (ec) return Status::IOError(fmt::format("cannot list '{}': {}", FolderOf(path).string(), ec.message()));
  std::sort(files->begin(), files->end(), [](const SegmentFile& a, const SegmentFile& b) {
    return a.number != b.number ? a.number < b.number : a.kind < b.kind;
  });
  return Status::OK();
}

// A rename is durable once the folder that holds it is synced.
Status SyncFolderOf(const std::string& path) {
  const std::string folder = FolderOf(path).string();
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", folder);
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced ? Status::OK() : Errno("cannot sync", folder);
}

Status RenameFile(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    return Status::IOError(fmt::format("renaming '{}' to '{}': {}", from, to, std::strerror(errno)));
  }
  return Status::OK();
}

Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("cannot remove", path);
  return Status::OK();
}

// Copies all of `in` to `out` at `*at`, in the kernel where it can.
Status CopyAll(int in, const std::string& in_path, int out, const std::string& out_path, uint64_t* at) {
  loff_t from = 0, to = static_cast<loff_t>(*at);
  bool kernel_copy = true;
  std::string buffer;
  while (true) {
    ssize_t n = -1;
    if (kernel_copy) {
      n = ::copy_file_range(in, &from, out, &to, 1 << 20, 0);
      if (n < 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP)) {
        kernel_copy = false;  // a file system that cannot: by hand
        continue;
      }
    } else {
      buffer.resize(1 << 16);
      n = ::pread(in, buffer.data(), buffer.size(), from);
      if (n > 0) {
        if (::pwrite(out, buffer.data(), static_cast<size_t>(n), to) != n) return Errno("writing", out_path);
        from += n;
        to += n;
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("copying", in_path);
    if (n == 0) break;
  }
  *at = static_cast<uint64_t>(to);
  return Status::OK();
}

}  // namespace

std::string JsonLinesSink::SegmentName(uint64_t number) const { return fmt::format("{}.{:06}", path_, number); }

std::string JsonLinesSink::PreparedName(uint64_t number, uint64_t checkpoint) const {
  return fmt::format("{}.{:06}.prepared-{}", path_, number, checkpoint);
}

Status JsonLinesSink::StartCommits() {
  if (Status st = RemoveFile(position_); !st.ok()) return st;  // a run without checkpoints left it
  if (restored_) return RecoverSegments(*restored_, false);
  if (restarted()) return RecoverSegments(Restored{}, true);
  // A first start: whatever an earlier run left is not ours to continue.
  std::vector<SegmentFile> files;
  Status st = ListSegments(path_, &files);
  for (const SegmentFile& file : files) {
    if (st.ok()) st = RemoveFile(file.path);
  }
  if (!st.ok()) return st;
  if (!segments_) {
    int fd = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("cannot write", partial_);
    ::close(fd);
  }
  return Status::OK();
}

// Back to checkpoint `to` (or, restarted alone by its caretaker without a
// rollback, to what this sink committed itself, keeping what it prepared
// for the master's word on it).
Status JsonLinesSink::RecoverSegments(const Restored& to, bool restarted_alone) {
  if (!segments_) {
    // Ended since, PATH is taken back to go on from the checkpoint.
    if (!Exists(partial_) && Exists(path_)) {
      if (Status st = RenameFile(path_, partial_); !st.ok()) return st;
    }
    int fd = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("cannot write", partial_);
    struct stat info;
    const bool stated = ::fstat(fd, &info) == 0;
    ::close(fd);
    if (!stated) return Errno("cannot stat", partial_);
    partial_bytes_ = static_cast<uint64_t>(info.st_size);
  }
  std::vector<SegmentFile> files;
  if (Status st = ListSegments(path_, &files); !st.ok()) return st;
  uint64_t newest = 0, committed_bytes = 0, restored_prepared = 0;
  for (const SegmentFile& file : files) {
    newest = std::max(newest, file.number);
    const bool restored = file.kind == SegmentFile::Kind::kPrepared && !restarted_alone && file.detail <= to.checkpoint;
    if (restored) restored_prepared += file.bytes;
  }
  prepared_.clear();
  bool cut_before_prepared = false;
  Status st;
  for (const SegmentFile& file : files) {
    if (!st.ok()) break;
    switch (file.kind) {
      case SegmentFile::Kind::kOpen:
        st = RemoveFile(file.path);  // never prepared: its logs come again
        break;
      case SegmentFile::Kind::kCommitting:
        st = AppendCommitted(file.path, file.detail);  // a commit a crash cut short is finished
        break;
      case SegmentFile::Kind::kCommitted:
        if (restarted_alone || file.number < to.segments) {
          committed_bytes += file.bytes;
        } else {
          st = RemoveFile(file.path);  // committed after the checkpoint restored (at an end)
        }
        break;
      case SegmentFile::Kind::kPrepared:
        if (restarted_alone) {
          prepared_[file.detail] = {file.number, file.bytes};
        } else if (file.detail <= to.checkpoint) {
          // That checkpoint completed (it is the one restored, or older):
          // what it prepared is committed now, where the output ends
          // before it.
          if (!segments_ && !cut_before_prepared) {
            // Bytes past that end are from an end after the checkpoint.
            cut_before_prepared = true;
            if (to.length >= restored_prepared) partial_bytes_ = std::min(partial_bytes_, to.length - restored_prepared);
          }
          st = Commit(Prepared{file.number, file.bytes}, file.detail);
          committed_bytes += file.bytes;
        } else {
          st = RemoveFile(file.path);  // its checkpoint never completes now
        }
        break;
    }
  }
  if (!st.ok()) return st;
  const uint64_t output = segments_ ? committed_bytes : partial_bytes_;
  if (restarted_alone) {
    next_segment_ = newest + 1;
    committed_ = output;
    length_ = output;
    for (const auto& [checkpoint, segment] : prepared_) length_ += segment.bytes;
    return Status::OK();
  }
  if (output < to.length) {
    return Status::IOError(fmt::format(
        "'{}' holds {} committed bytes, fewer than the {} of the checkpoint restored (a rollback on another "
        "machine than the one that wrote it?)",
        segments_ ? SegmentName(1) + "..." : partial_, output, to.length));
  }
  if (!segments_ && output > to.length) {
    // Written at an end after the checkpoint (or a commit the master
    // later rolled back past): cut back to what the checkpoint held.
    if (::truncate(partial_.c_str(), static_cast<off_t>(to.length)) != 0) return Errno("cannot truncate", partial_);
    partial_bytes_ = to.length;
  }
  next_segment_ = std::max<uint64_t>(to.segments, 1);
  committed_ = length_ = to.length;
  open_bytes_ = 0;
  next_.clear();  // the streams of the new epoch are all new
  return SyncFolderOf(path_);
}

Status JsonLinesSink::WriteSegment(std::string_view bytes) {
  if (fd_ < 0) {
    fd_ = ::open(open_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return Errno("cannot write", open_);
  }
  if (Status st = WriteAll(fd_, bytes, open_); !st.ok()) return st;
  open_bytes_ += bytes.size();
  length_ += bytes.size();
  return Status::OK();
}

// Phase one: what came before the barrier is on disk, under a name that
// says which checkpoint it waits for. Nothing written since the last
// barrier prepares nothing.
Status JsonLinesSink::Prepare(uint64_t checkpoint) {
  length_at_[checkpoint] = length_;
  if (open_bytes_ == 0) return Status::OK();
  if (::fdatasync(fd_) != 0) return Errno("flushing", open_);
  ::close(fd_);
  fd_ = -1;
  if (Status st = RenameFile(open_, PreparedName(next_segment_, checkpoint)); !st.ok()) return st;
  prepared_[checkpoint] = {next_segment_, open_bytes_};
  ++next_segment_;
  open_bytes_ = 0;
  return SyncFolderOf(path_);
}

// Phase two. Appending is not atomic, so the prepared segment is first
// renamed to say where it starts in PATH.partial: a crash halfway leaves
// that name, and whoever comes next writes it again from there
// (AppendCommitted), instead of appending it twice.
Status JsonLinesSink::Commit(const Prepared& segment, uint64_t checkpoint) {
  const std::string prepared = PreparedName(segment.number, checkpoint);
  if (segments_) {
    Status st = RenameFile(prepared, SegmentName(segment.number));
    return st.ok() ? SyncFolderOf(path_) : st;
  }
  const std::string committing = fmt::format("{}.{:06}.commit-{}", path_, segment.number, partial_bytes_);
  if (Status st = RenameFile(prepared, committing); !st.ok()) return st;
  return AppendCommitted(committing, partial_bytes_);
}

Status JsonLinesSink::AppendCommitted(const std::string& from, uint64_t start) {
  int out = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (out < 0) return Errno("cannot write", partial_);
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  Status st = in < 0 ? Errno("cannot read", from) : Status::OK();
  uint64_t end = start;
  // Written over what a commit cut short wrote there (the same bytes), and
  // only then cut to its end: a reader never sees committed lines go.
  if (st.ok()) st = CopyAll(in, from, out, partial_, &end);
  if (st.ok() && ::ftruncate(out, static_cast<off_t>(end)) != 0) st = Errno("cannot truncate", partial_);
  if (st.ok() && ::fdatasync(out) != 0) st = Errno("flushing", partial_);
  if (in >= 0) ::close(in);
  ::close(out);
  if (st.ok()) st = RemoveFile(from);  // only once PATH.partial holds it on disk
  if (st.ok()) partial_bytes_ = end;
  return st;
}

Status JsonLinesSink::snapshot(std::string* state) {
  if (Status st = Prepare(checkpoint()); !st.ok()) return st;
  LogBuilder at;
  at.add("length", static_cast<int64_t>(length_));
  at.add("segments", static_cast<int64_t>(next_segment_));
  state->assign(at.bytes());
  return Status::OK();
}

Status JsonLinesSink::restore(std::string_view state) {
  Restored to;
  to.checkpoint = checkpoint();
  if (!state.empty()) {
    OwnedLog snapshot{std::string(state)};
    const Value length = snapshot.log().get("length");
    const Value segments = snapshot.log().get("segments");
    if (!snapshot.log().valid() || length.type() != ValueType::kInt || length.as_int() < 0 ||
        (segments.type() != ValueType::kMissing && (segments.type() != ValueType::kInt || segments.as_int() < 1))) {
      return Status::Invalid("a JsonLinesSink snapshot holds {\"length\": N >= 0, \"segments\": N >= 1}");
    }
    to.length = static_cast<uint64_t>(length.as_int());
    if (segments.type() == ValueType::kInt) to.segments = static_cast<uint64_t>(segments.as_int());
  }
  restored_ = to;  // back to the start when empty: nothing of the output is kept
  committed_ = to.length;
  return Status::OK();
}

void JsonLinesSink::on_checkpoint_complete(uint64_t checkpoint) {
  Status st;
  while (st.ok() && !prepared_.empty() && prepared_.begin()->first <= checkpoint) {
    st = Commit(prepared_.begin()->second, prepared_.begin()->first);
    if (st.ok()) prepared_.erase(prepared_.begin());
  }
  if (!st.ok()) {
    fail(st);
    return;
  }
  auto it = length_at_.find(checkpoint);
  if (it != length_at_.end()) committed_ = it->second;
  length_at_.erase(length_at_.begin(), length_at_.upper_bound(checkpoint));  // older ones never complete now
}

// Every input ended: all that came is final. What is prepared and the open
// segment are committed now (a later rollback to an older checkpoint takes
// them back, see RecoverSegments), and PATH.partial becomes PATH.
Status JsonLinesSink::FinishCommits() {
  Status st;
  for (auto it = prepared_.begin(); st.ok() && it != prepared_.end(); it = prepared_.erase(it)) {
    st = Commit(it->second, it->first);
  }
  if (st.ok() && open_bytes_ > 0) {
    if (::fdatasync(fd_) != 0) return Errno("flushing", open_);
    ::close(fd_);
    fd_ = -1;
    st = segments_ ? RenameFile(open_, SegmentName(next_segment_++)) : AppendCommitted(open_, partial_bytes_);
    open_bytes_ = 0;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (st.ok() && !segments_) st = RenameFile(partial_, path_);
  if (st.ok()) st = RemoveFile(open_);
  if (st.ok()) st = SyncFolderOf(path_);
  if (st.ok()) committed_ = length_;
  return st;
}

}  // namespace datablox
