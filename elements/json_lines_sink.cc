#include "json_lines_sink.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace datablox {
namespace json_lines_sink_files {

Status Errno(std::string_view what, const std::string& path) {
  return Status::IOError(fmt::format("{} '{}': {}", what, path, std::strerror(errno)));
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace json_lines_sink_files

using json_lines_sink_files::Errno;
using json_lines_sink_files::Exists;

namespace {
constexpr size_t kPositionPage = 4096;  // one page: see WritePosition
}  // namespace

ClassSpec JsonLinesSink::spec() {
  return ClassSpec("JsonLinesSink", "writes every log to a JSON Lines file, one JSON object per line")
      .describe(
          "Written to PATH.partial, renamed to PATH once every input has ended and the data is "
          "on disk: a file at PATH is always complete. Each batch is written (write(2)) and its "
          "stream position recorded in PATH.partial.position (never half-written) before the "
          "batch is acknowledged: a sink its caretaker restarts truncates the file back to the "
          "recorded length, continues it, and skips what its upstream replays below the "
          "recorded positions, so every log is written once. fsync happens once, at the end, "
          "before the rename: a restart continues only on the same machine, whose page cache "
          "outlives the process (a first start or a move to another node starts the file "
          "afresh). A write error fails the element.\n\n"
          "In a checkpointed topology it commits in two phases instead, and PATH.partial holds "
          "only what complete checkpoints committed: logs are written to a tmp segment, "
          "PATH.open; at a checkpoint's barrier the segment is synced to disk and renamed "
          "PATH.NNNNNN.prepared-C (prepared), and when the master declares checkpoint C complete "
          "it is appended to PATH.partial (committed). A rollback to checkpoint C commits what C "
          "and the checkpoints before it prepared, drops every later segment and PATH.open, and "
          "cuts PATH.partial (or PATH, taken back) to what C held: what came since is written "
          "again as it comes again, and the file ends the same, line for line, as without the "
          "crash. At the end the last segments are committed and PATH.partial renamed to PATH. "
          "With segments: true the committed segments are kept as numbered files PATH.000001, "
          "PATH.000002, ... (in order; no PATH) instead of being appended.")
      .push_in("in")
      .param_string("path", "the file to write (relative: to the working directory)")
      .param_bool("segments", false,
                  "in a checkpointed topology: keep each checkpoint's committed logs as a numbered "
                  "file PATH.NNNNNN instead of appending them to PATH")
      .handler("count", "logs written (by this process)")
      .handler("replayed", "logs of a replay skipped: the file had them already")
      .handler("committed", "bytes of the output the newest complete checkpoint holds")
      .handler("prepared", "segments prepared for checkpoints not complete yet");
}

JsonLinesSink::~JsonLinesSink() { stop(); }

Status JsonLinesSink::configure(const Params& params) {
  add_read_handler("count", [this] { return std::to_string(count_); });
  add_read_handler("replayed", [this] { return std::to_string(replayed_); });
  add_read_handler("committed", [this] { return std::to_string(committed_); });
  add_read_handler("prepared", [this] { return std::to_string(prepared_.size()); });
  Status st = params.read("path", path_).read("segments", segments_).status();
  if (st.ok() && path_.empty()) st = Status::Invalid("path must not be empty");
  partial_ = path_ + ".partial";
  position_ = partial_ + ".position";
  open_ = path_ + ".open";
  return st;
}

Status JsonLinesSink::start() {
  two_phase_ = checkpointed();
  if (two_phase_) return StartCommits();
  if (segments_) {
    return Status::Invalid(
        "segments: true needs a checkpointed topology (policy * { checkpoint: MS }): segments are what "
        "checkpoints commit");
  }
  if (restarted()) return Continue();
  // A first start: whatever an earlier run left is not ours to continue.
  fd_ = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return Errno("cannot write", partial_);
  if (::unlink(position_.c_str()) != 0 && errno != ENOENT) return Errno("cannot remove", position_);
  return Status::OK();
}

// A restart in the same run: the file and its recorded position are ours.
Status JsonLinesSink::Continue() {
  bool found = false;
  Status st = ReadPosition(&found);
  if (!st.ok()) return st;
  // Died after the final rename and before removing the position file: the
  // complete file is taken back, and the (ended) inputs end it again.
  uint64_t size = 0;
  st = OpenAgain(&size);
  if (!st.ok()) return st;
  if (!found) {
    // Nothing was recorded, so nothing was acknowledged: the upstream
    // replays all of it.
    length_ = 0;
  } else if (size < length_) {
    return Status::IOError(fmt::format("'{}' holds {} bytes, fewer than the {} its position file records", partial_,
                                       size, length_));
  }
  // Bytes past the recorded length were written by a batch that was never
  // recorded, hence never acknowledged: its replay writes them again.
  if (::ftruncate(fd_, static_cast<off_t>(length_)) != 0) return Errno("cannot truncate", partial_);
  if (::lseek(fd_, 0, SEEK_END) < 0) return Errno("cannot seek", partial_);
  return Status::OK();
}

// The file of an earlier life, opened to go on writing it: PATH taken back
// to PATH.partial if that life ended (renamed it) already; *size its length.
Status JsonLinesSink::OpenAgain(uint64_t* size) {
  if (!Exists(partial_) && Exists(path_) && std::rename(path_.c_str(), partial_.c_str()) != 0) {
    return Errno("cannot take back", path_);
  }
  fd_ = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return Errno("cannot write", partial_);
  struct stat info;
  if (::fstat(fd_, &info) != 0) return Errno("cannot stat", partial_);
  *size = static_cast<uint64_t>(info.st_size);
  return Status::OK();
}

Status JsonLinesSink::ReadPosition(bool* found) {
  std::ifstream in(position_);
  *found = false;
  if (!in) return Status::OK();
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("length") || !doc["length"].is_number_unsigned() ||
      !doc.value("links", nlohmann::json()).is_object()) {
    return Status::IOError(fmt::format("'{}' is not a position file this sink wrote", position_));
  }
  length_ = doc["length"].get<uint64_t>();
  for (const auto& [link, next] : doc["links"].items()) {
    if (!next.is_array() || next.size() != 2 || !next[0].is_number_unsigned() || !next[1].is_number_unsigned()) {
      return Status::IOError(fmt::format("'{}': bad position of link '{}'", position_, link));
    }
    next_[link] = {next[0].get<uint64_t>(), next[1].get<uint64_t>()};
  }
  *found = true;
  return Status::OK();
}

// Rewritten at every batch, so it must be cheap and never half-written. A
// record that fits in one page is written in place, padded to the page, by
// one pwrite at offset 0: the kernel copies a write into the page cache page
// by page and stops for a fatal signal only between pages, so a SIGKILL
// leaves the old record or the new, never a mix (measured: a rename per
// batch made the sink about six times slower). A bigger record (many links)
// is replaced by a rename. JSON ignores the padding.
Status JsonLinesSink::WritePosition() {
  nlohmann::json links = nlohmann::json::object();
  for (const auto& [link, next] : next_) links[link] = {next.stream, next.offset};
  std::string text = nlohmann::json{{"length", length_}, {"links", links}}.dump();
  if (text.size() < kPositionPage) {
    if (position_fd_ < 0) position_fd_ = ::open(position_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (position_fd_ < 0) return Errno("cannot write", position_);
    text.resize(kPositionPage, ' ');
    if (::pwrite(position_fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      return Errno("cannot write", position_);
    }
    return Status::OK();
  }
  std::string temporary = position_ + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot write", temporary);
  ssize_t n = ::write(fd, text.data(), text.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) return Errno("cannot write", temporary);
  if (std::rename(temporary.c_str(), position_.c_str()) != 0) return Errno("cannot replace", position_);
  if (position_fd_ >= 0) ::close(position_fd_);  // that file is gone: the next in-place write opens the new one
  position_fd_ = -1;
  return Status::OK();
}

Status JsonLinesSink::WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("writing", path);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

void JsonLinesSink::on_batch(int, Batch logs) {
  const InputPosition at = batch_position();
  auto it = next_.find(at.link);
  if (it == next_.end()) it = next_.emplace(at.link, Next{at.stream, at.first}).first;
  Next& next = it->second;
  // A replay of what the file holds already (this sink restarted) is
  // skipped; a new stream on the link is all new.
  size_t skip = 0;
  if (next.stream == at.stream && next.offset > at.first) skip = ReplayedPrefix(at, next.offset, logs.size());
  replayed_ += skip;
  text_.clear();
  for (size_t i = skip; i < logs.size(); ++i) {
    const Log& log = logs[i];
    if (!log.valid()) {
      reject("not a msgpack map");
      continue;
    }
    text_ += log.to_json();
    text_ += '\n';
    ++count_;
  }
  const uint64_t end = at.end;
  if (skip == logs.size() && next.stream == at.stream) return;  // nothing new to record
  if (two_phase_) {
    // No position file: a crash rolls the topology back, and the rollback
    // says what the output keeps.
    Status st = WriteSegment(text_);
    if (st.ok()) next = {at.stream, end};
    if (!st.ok()) fail(st);
    return;
  }
  Status st = WriteAll(fd_, text_, partial_);
  if (st.ok()) {
    length_ += text_.size();
    next = {at.stream, end};
    st = WritePosition();
  }
  if (!st.ok()) fail(st);
}

void JsonLinesSink::on_inputs_ended() {
  Status st = two_phase_ ? FinishCommits() : Finish();
  if (!st.ok()) fail(st);
}

Status JsonLinesSink::Finish() {
  if (::fsync(fd_) != 0) return Errno("flushing", partial_);
  ::close(fd_);
  fd_ = -1;
  if (std::rename(partial_.c_str(), path_.c_str()) != 0) {
    return Status::IOError(fmt::format("renaming '{}' to '{}': {}", partial_, path_, std::strerror(errno)));
  }
  if (position_fd_ >= 0) ::close(position_fd_);
  position_fd_ = -1;
  (void)::unlink(position_.c_str());  // complete: nothing left to continue
  return Status::OK();
}

void JsonLinesSink::stop() {
  if (fd_ >= 0) ::close(fd_);  // stopped early: the .partial file (and segments) stay, PATH is not written
  fd_ = -1;
  if (position_fd_ >= 0) ::close(position_fd_);
  position_fd_ = -1;
}

}  // namespace datablox

DATABLOX_ELEMENT(datablox::JsonLinesSink)
